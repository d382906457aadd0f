import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData
import RecombineNN
import RecombineTensor
import RecombineTraining

/// `recombine cluster DATA --k K [--algorithm …]` (alias `recombine kmeans`): a classical clustering of a
/// dataset or of features (for instance those `recombine predict --features` writes).
struct ClusterCommand: ParsableCommand {
    /// The classical clusterings the command runs.
    enum Algorithm: String, CaseIterable, ExpressibleByArgument {
        case kmeans
        case gaussianMixture = "gaussian-mixture"
        case acPic = "ac-pic"

        var displayName: String {
            switch self {
            case .kmeans: "k-means"
            case .gaussianMixture: "Gaussian mixture"
            case .acPic: "AC-PIC"
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract:
            "Classical clustering of a dataset: k-means (greedy k-means++, Lloyd, restarts), a Gaussian mixture (EM, full covariances) or AC-PIC; prints what it found, its time and, with labels, ACC/NMI/ARI.",
        discussion:
            "DATA is MNIST, FashionMNIST or USPS (found via --data-root, RECOMBINE_DATA or the user cache, downloaded into the cache when missing; add :test for the test split, :all for train then test), three_gaussians, or a data file read by its extension: .csv, .npy, otherwise IDX (gzip or not). `recombine kmeans` is this command with its default algorithm.",
        aliases: ["kmeans"]
    )

    @Argument(
        help:
            "The data: MNIST[:test|:all], FashionMNIST[:test|:all], USPS[:test|:all], three_gaussians, or a .csv, .npy or IDX file."
    )
    var data: String
    @Option(
        help: ArgumentHelp(
            "Labels for a data file (IDX labels, a CSV/NPY labels file, or a built-in dataset's: MNIST:all for features of all 70 000 MNIST images): ACC/NMI/ARI are printed.",
            valueName: "file"
        )) var labels: String?
    @Option(
        name: .customLong("label-column"),
        help: ArgumentHelp(
            "The column of a CSV file (with a header) that holds its labels; the other columns are the features.",
            valueName: "name")) var labelColumn: String?
    @Option(help: "Number of clusters.") var k: Int
    @Option(help: "The algorithm.") var algorithm: Algorithm = .kmeans
    @Option(
        name: .customLong("n-init"),
        help:
            "Restarts: the best inertia (k-means) or mean log-likelihood (Gaussian mixture) is kept; default 10 for k-means, 1 for the mixture."
    ) var nInit: Int?
    @Option(
        name: .customLong("max-iter"),
        help: "Iterations per restart: Lloyd's (default 300) or EM's (default 100).") var maxIter: Int?
    @Option(help: "AC-PIC: neighbours of the K-nearest-neighbour graph.") var neighbours: Int = 20
    @Option(help: ArgumentHelp("Also write index,cluster[,label] rows as CSV.", valueName: "file.csv")) var out: String?
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(
        name: .customLong("data-root"),
        help: "Directory with mnist/, fashion-mnist/, usps/ (searched before RECOMBINE_DATA and the user cache).")
    var dataRoot: String?
    @Option(help: "Threads.") var threads: Int?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        for (name, value) in [
            ("--k", k), ("--n-init", nInit ?? 1), ("--max-iter", maxIter ?? 1), ("--neighbours", neighbours),
        ]
        where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if try Self.builtinSplits(data) != nil || data == "three_gaussians", labels != nil {
            throw ValidationError("--labels does not apply to \(data): it comes with its labels")
        }
        if let labels { _ = try Self.builtinSplits(labels) }
    }

    /// The built-in dataset DATA names and its splits in order (train true), nil for other data.
    static func builtinSplits(_ data: String) throws -> (BuiltinImageDataset, [Bool])? {
        let parts = data.split(separator: ":", maxSplits: 1).map(String.init)
        guard let kind = BuiltinImageDataset(rawValue: parts[0]) else { return nil }
        switch parts.count < 2 ? "train" : parts[1] {
        case "train": return (kind, [true])
        case "test": return (kind, [false])
        case "all": return (kind, [true, false])
        default:
            throw ValidationError(
                "\(data): expected \(kind.rawValue), \(kind.rawValue):test or \(kind.rawValue):all (train then test), found split '\(parts[1])'"
            )
        }
    }

    /// The built-in dataset DATA names (found or downloaded as a run finds it), nil for other data.
    static func builtinDataset(_ data: String, dataRoot: String?) throws -> Dataset? {
        guard let (kind, splits) = try builtinSplits(data) else { return nil }
        return try kind.obtainDataset(
            splits: splits, root: nil, locations: DataLocations(dataRoot: dataRoot),
            download: BuiltinImageDataset.downloadsByDefault
        ) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }.data
    }

    func load() throws -> Dataset {
        if let builtin = try Self.builtinDataset(data, dataRoot: dataRoot) { return builtin }
        if data == "three_gaussians" { return SyntheticDatasets.threeGaussians(seed: seed) }
        if let labelColumn {
            guard data.lowercased().hasSuffix(".csv") else {
                throw ValidationError("--label-column applies to CSV files; \(data) is not one")
            }
            return try FeatureFiles.csv(
                path: data, labelColumn: .name(labelColumn), name: (data as NSString).lastPathComponent)
        }
        if let labels, let builtin = try Self.builtinDataset(labels, dataRoot: dataRoot) {
            let unlabelled = try Predictor.loadData(data)
            guard let truth = builtin.labels, truth.count == unlabelled.count else {
                throw ValidationError(
                    "--labels \(labels): \(builtin.labels?.count ?? 0) labels for the \(unlabelled.count) samples of \(data)"
                )
            }
            let x = unlabelled.batch(Array(0..<unlabelled.count)).flattened(startDim: 1).to(.float32)
            return FeatureDataset(
                name: unlabelled.name, features: x.toFloatArray(), dimension: x.shape[1], labels: truth)
        }
        return try Predictor.loadData(data, labels: labels)
    }

    func run() throws {
        Threads.set(threads ?? Threads.count)
        let dataset = try load()
        let x = dataset.batch(Array(0..<dataset.count)).flattened(startDim: 1)
        let start = Date()
        var out: [String: Any] = ["samples": dataset.count, "k": k, "algorithm": algorithm.rawValue]
        let labels: [Int], found: String
        switch algorithm {
        case .kmeans:
            let result = try KMeans(k: k, nInit: nInit ?? 10, maxIterations: maxIter ?? 300, seed: seed).fit(x)
            labels = result.labels
            out.merge(["inertia": result.inertia, "iterations": result.iterations, "converged": result.converged]) {
                $1
            }
            found = String(format: "inertia %.6g, %d iterations", result.inertia, result.iterations)
        case .gaussianMixture:
            let result = try GaussianMixture(
                components: k, restarts: nInit ?? 1, maxIterations: maxIter ?? 100, seed: seed
            ).fit(x)
            labels = result.labels
            out.merge([
                "mean_log_likelihood": result.meanLogLikelihood, "iterations": result.iterations,
                "converged": result.converged,
            ]) { $1 }
            found =
                String(
                    format: "mean log-likelihood %.6g, %d EM iterations", result.meanLogLikelihood, result.iterations)
                + (result.converged ? "" : " (not converged)")
        case .acPic:
            let result = try PathIntegralClustering(clusters: k, neighbours: neighbours).fit(x)
            labels = result.labels
            out.merge(["initial_clusters": result.initialClusters, "sigma": result.sigma]) { $1 }
            found = String(format: "%d initial groups, σ %.4g", result.initialClusters, result.sigma)
        }
        let seconds = Date().timeIntervalSince(start)
        out["seconds"] = seconds
        out["cluster_sizes"] = (0..<k).map { c in labels.lazy.filter { $0 == c }.count }
        if let truth = dataset.labels {
            out["acc"] = ClusteringMetrics.accuracy(truth: truth, prediction: labels)
            out["nmi"] = ClusteringMetrics.nmi(truth: truth, prediction: labels)
            out["ari"] = ClusteringMetrics.ari(truth: truth, prediction: labels)
        }
        if let file = self.out {
            let csv = PredictionsFile.text(predictions: labels, labels: dataset.labels, firstIndex: 0)
            try AtomicFile.write(Data(csv.utf8), to: file)
        }
        if json {
            print(
                String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self)
            ); return
        }
        var line =
            "\(algorithm.displayName) on \(dataset.count) samples, k = \(k): \(found), "
            + String(format: "%.2f s", seconds)
        if let acc = out["acc"] as? Double {
            line += String(format: "; ACC %.4f, NMI %.4f, ARI %.4f", acc, out["nmi"] as! Double, out["ari"] as! Double)
        }
        print(line)
    }
}

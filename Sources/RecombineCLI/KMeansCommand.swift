import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor
import RecombineTraining

/// `recombine kmeans DATA --k K`: the classical baseline on a dataset.
struct KMeansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kmeans",
        abstract:
            "k-means (greedy k-means++, Lloyd, restarts) on a dataset; prints inertia, iterations, time and, with labels, ACC/NMI/ARI.",
        discussion:
            "DATA is MNIST, FashionMNIST or USPS (found via --data-root, RECOMBINE_DATA or the user cache, downloaded into the cache when missing; add :test for the test split, :all for train then test), three_gaussians, or a data file read by its extension: .csv, .npy, otherwise IDX (gzip or not)."
    )

    @Argument(
        help:
            "The data: MNIST[:test|:all], FashionMNIST[:test|:all], USPS[:test|:all], three_gaussians, or a .csv, .npy or IDX file."
    )
    var data: String
    @Option(
        help: ArgumentHelp(
            "Labels for a data file (IDX labels, or a CSV/NPY labels file): ACC/NMI/ARI are printed.", valueName: "file"
        )) var labels: String?
    @Option(
        name: .customLong("label-column"),
        help: ArgumentHelp(
            "The column of a CSV file (with a header) that holds its labels; the other columns are the features.",
            valueName: "name")) var labelColumn: String?
    @Option(help: "Number of clusters.") var k: Int
    @Option(name: .customLong("n-init"), help: "Restarts (best inertia kept).") var nInit: Int = 10
    @Option(name: .customLong("max-iter"), help: "Lloyd iterations per restart.") var maxIter: Int = 300
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(
        name: .customLong("data-root"),
        help: "Directory with mnist/, fashion-mnist/, usps/ (searched before RECOMBINE_DATA and the user cache).")
    var dataRoot: String?
    @Option(help: "Threads.") var threads: Int?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        for (name, value) in [("--k", k), ("--n-init", nInit), ("--max-iter", maxIter)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        _ = try Self.builtinSplits(data)
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

    func load() throws -> Dataset {
        if let (kind, splits) = try Self.builtinSplits(data) {
            return try kind.obtainDataset(
                splits: splits, root: nil, locations: DataLocations(dataRoot: dataRoot),
                download: BuiltinImageDataset.downloadsByDefault
            ) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }.data
        }
        if data == "three_gaussians" { return SyntheticDatasets.threeGaussians(seed: seed) }
        if let labelColumn {
            guard data.lowercased().hasSuffix(".csv") else {
                throw ValidationError("--label-column applies to CSV files; \(data) is not one")
            }
            return try FeatureFiles.csv(
                path: data, labelColumn: .name(labelColumn), name: (data as NSString).lastPathComponent)
        }
        return try Predictor.loadData(data, labels: labels)
    }

    func run() throws {
        Threads.set(threads ?? Threads.count)
        let dataset = try load()
        let x = dataset.batch(Array(0..<dataset.count)).flattened(startDim: 1)
        let start = Date()
        let result = try KMeans(k: k, nInit: nInit, maxIterations: maxIter, seed: seed).fit(x)
        let seconds = Date().timeIntervalSince(start)
        var out: [String: Any] = [
            "samples": dataset.count, "k": k, "inertia": result.inertia, "iterations": result.iterations,
            "seconds": seconds, "converged": result.converged,
        ]
        if let labels = dataset.labels {
            out["acc"] = ClusteringMetrics.accuracy(truth: labels, prediction: result.labels)
            out["nmi"] = ClusteringMetrics.nmi(truth: labels, prediction: result.labels)
            out["ari"] = ClusteringMetrics.ari(truth: labels, prediction: result.labels)
        }
        if json {
            print(
                String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self)
            ); return
        }
        var line = String(
            format: "k-means on %d samples, k = %d: inertia %.6g, %d iterations, %.2f s", dataset.count, k,
            result.inertia, result.iterations, seconds)
        if let acc = out["acc"] as? Double {
            line += String(format: "; ACC %.4f, NMI %.4f, ARI %.4f", acc, out["nmi"] as! Double, out["ari"] as! Double)
        }
        print(line)
    }
}

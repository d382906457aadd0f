import ArgumentParser
import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineReport
import RecombineTensor
import RecombineTraining

/// `recombine predict RUN_DIR DATA`: cluster assignments of new data with a finished run's model.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Assign new data (IDX, CSV, NPY or a folder of PNG/JPEG images) to clusters with a finished run's mappings, preprocessing and strategy.",
        discussion:
            "Writes CSV: sample index and cluster, the true label when the data has labels (as a run's predictions.csv), plus one probability column per cluster with --soft. Data is read by extension: .csv, .npy, otherwise IDX (gzip or not); a folder is read as images (class folders give labels), resized to the run's image size, with a file column (the path in the folder)."
    )

    @Argument(help: "A finished run directory (with final.safetensors), or any run directory with --checkpoint.")
    var runDirectory: String

    @Argument(
        help:
            "The data file, a folder of images, or a built-in dataset: MNIST, FashionMNIST or USPS (:test for the test split, :all for train then test; labelled)."
    )
    var data: String

    @Option(
        name: .customLong("data-root"),
        help:
            "For a built-in dataset: the directory with mnist/, fashion-mnist/, usps/ (searched before RECOMBINE_DATA and the user cache)."
    )
    var dataRoot: String?

    @Option(
        help: ArgumentHelp(
            "Labels for the data (IDX labels file, or the CSV/NPY labels file): ACC/NMI/ARI are printed.",
            valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("Output CSV (default: standard output).", valueName: "file"))
    var out: String?

    @Flag(
        help:
            "Leave out images of a folder that cannot be read (damaged, empty, unsupported), with a warning, instead of stopping."
    )
    var skipUnreadable = false

    @Flag(help: "Also write each cluster's probability.")
    var soft = false

    @Option(
        help: ArgumentHelp(
            "Also write the feature extractor's output for every sample as a float32 NumPy array [N, D].",
            valueName: "file.npy"))
    var features: String?

    @Flag(
        help:
            "Use the run's last checkpoint instead of its final weights (an unfinished or interrupted run): with --features, its features are written even before it can assign clusters."
    )
    var checkpoint = false

    @Option(help: "Threads for BLAS and the engine's loops.")
    var threads: Int?

    func validate() throws {
        if try ClusterCommand.builtinSplits(data) != nil, labels != nil {
            throw ValidationError("--labels does not apply to \(data): a built-in dataset comes with its labels")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        Threads.set(threads ?? Threads.count)
        do {
            let record = try RunRecord.read(directory: runDirectory)
            let loader = MethodLoader(store: try loadSchemaStore())
            let outcome = loader.load(
                path: (runDirectory as NSString).appendingPathComponent("method.json"),
                baseDirectory: record.baseDirectory)
            guard let spec = outcome.spec else {
                for issue in outcome.issues { printError(issue.description) }
                throw ExitStatus.failure
            }
            let predictor = try Predictor(runDirectory: runDirectory, spec: spec, fromCheckpoint: checkpoint)
            let dataset =
                try ClusterCommand.builtinDataset(data, dataRoot: dataRoot)
                ?? predictor.read(data, labels: labels, skipUnreadable: skipUnreadable) { printError($0) }
            if let features {
                let z = try predictor.features(dataset)
                try AtomicFile.write(try NPYWriter.float32(z.to(.float32).toFloatArray(), shape: z.shape), to: features)
                if let problem = predictor.assignmentProblem {
                    printError(
                        "Wrote the features of \(z.shape[0]) samples to \(features); no cluster assignments: \(problem)"
                    )
                    return
                }
            }
            let files = (dataset as? ImageFolderDataset)?.files
            let q = try predictor.softAssignments(dataset)
            let clusters = q.argmax(axis: 1)
            let k = q.shape[1]
            let values = q.to(.float64).toDoubleArray()
            let truth = dataset.labels
            let fileColumn = files == nil ? "" : "file,"
            let labelColumn = truth == nil ? "" : ",label"
            let probabilityColumns = soft ? (0..<k).map { ",p\($0)" }.joined() : ""
            var csv = "index," + fileColumn + "cluster" + labelColumn + probabilityColumns + "\n"
            for (i, c) in clusters.enumerated() {
                let file = files.map { RunSummary.csvField($0[i]) + "," } ?? ""
                csv += "\(i)," + file + "\(c)"
                if let truth { csv += ",\(truth[i])" }
                if soft { csv += (0..<k).map { String(format: ",%.6g", values[i * k + $0]) }.joined() }
                csv += "\n"
            }
            if let out { try AtomicFile.write(Data(csv.utf8), to: out) } else { print(csv, terminator: "") }
            if let truth {
                let acc = ClusteringMetrics.accuracy(truth: truth, prediction: clusters),
                    nmi = ClusteringMetrics.nmi(truth: truth, prediction: clusters)
                let ari = ClusteringMetrics.ari(truth: truth, prediction: clusters)
                printError(String(format: "%d samples: ACC %.4f, NMI %.4f, ARI %.4f", clusters.count, acc, nmi, ari))
            } else if let out {
                printError("\(clusters.count) samples assigned — \(out)")
            }
        } catch let error as ExitCode { throw error } catch {
            printError("\(error)")
            throw ExitStatus.failure
        }
    }
}

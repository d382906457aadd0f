import Foundation
import RecombineData
import RecombineNN
import RecombineTensor
import RecombineTraining

/// What a run directory holds, read for its report: result, method, metrics records and the final
/// analysis tensors. Damaged or missing parts are tolerated (the report says what is missing);
/// a partial last line of `metrics.jsonl` (a killed run) is skipped. A run record
/// (`Docs/results/runs/…`: gzipped metrics and predictions, no weights) reads its `.gz` files, and
/// its confusion matrix comes from `predictions.csv`.
public struct RunArtifacts {
    public let directory: String
    public let outcome: RunOutcome
    public let result: [String: Any]
    public let methodText: String?
    /// Running-mean losses logged every `loss_report_interval` iterations.
    public let lossRecords: [[String: Any]]
    /// Running-mean losses over the interval scaled like the run's budgets (`loss_curve` records,
    /// written only by runs with `--iterations-scale` below 1; see `PhaseRunner.report`).
    public let lossCurveRecords: [[String: Any]]
    public let evaluationRecords: [[String: Any]]
    /// k-means inertia per Lloyd iteration (classical clustering after a phase).
    public let kmeansRecords: [[String: Any]]
    /// Loss, loss-curve and evaluation records in file order (what places phases on one iteration axis).
    public let iterationRecords: [[String: Any]]
    public let final: (tensors: [String: Tensor], metadata: [String: String])?
    /// Clusters and true labels of `predictions.csv(.gz)`, read when there is no `final.safetensors`.
    public let predictions: (clusters: [Int], labels: [Int]?)?
    public var notes: [String] = []

    /// The bytes of `name` in `directory`, or of `name.gz` decompressed (as run records keep it).
    static func contents(of name: String, in directory: String) -> Data? {
        let path = (directory as NSString).appendingPathComponent(name)
        return FileManager.default.contents(atPath: path) ?? (try? Gzip.readFile(path + ".gz"))
    }

    /// `readFinal: false` skips `final.safetensors` (a comparison needs only the records).
    public init(directory: String, readFinal: Bool = true) throws {
        self.directory = directory
        outcome = try RunOutcome(directory: directory)
        let resultData =
            FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent("result.json"))
            ?? Data()
        result = (try? JSONSerialization.jsonObject(with: resultData) as? [String: Any]) ?? [:]
        methodText =
            (try? String(contentsOfFile: (directory as NSString).appendingPathComponent("method.json"), encoding: .utf8))
        var losses: [[String: Any]] = [], curves: [[String: Any]] = [], evaluations: [[String: Any]] = [],
            kmeans: [[String: Any]] = []
        var iterations: [[String: Any]] = []
        var skipped = 0
        if let data = Self.contents(of: "metrics.jsonl", in: directory) {
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    skipped += 1; continue
                }
                switch o["kind"] as? String {
                case "loss": losses.append(o); iterations.append(o)
                case "loss_curve": curves.append(o); iterations.append(o)
                case "evaluation": evaluations.append(o); iterations.append(o)
                case "kmeans": kmeans.append(o)
                default: break
                }
            }
        } else {
            notes.append("metrics.jsonl is missing: no curves")
        }
        if skipped > 0 { notes.append("\(skipped) unreadable line\(skipped == 1 ? "" : "s") of metrics.jsonl skipped") }
        lossRecords = losses; lossCurveRecords = curves; evaluationRecords = evaluations; kmeansRecords = kmeans;
        iterationRecords = iterations
        let finalPath = (directory as NSString).appendingPathComponent("final.safetensors")
        var predictions: (clusters: [Int], labels: [Int]?)? = nil
        if !readFinal {
            final = nil
        } else if FileManager.default.fileExists(atPath: finalPath) {
            do { final = try Safetensors.read(finalPath) } catch {
                final = nil;
                notes.append("final.safetensors unreadable (\(error)): no embedding, confusion or image plots")
            }
        } else {
            final = nil
            let rows = Self.contents(of: PredictionsFile.fileName, in: directory).flatMap {
                try? PredictionsFile.rows($0)
            }
            if let rows, !rows.isEmpty {
                let labels = rows.compactMap(\.label)
                predictions = (rows.map(\.cluster), labels.count == rows.count ? labels : nil)
            }
            let why =
                outcome.status == .completed
                ? "the run finished: a run record keeps no weights" : "the run did not finish a dataset"
            let confusion = predictions?.labels != nil ? "; the confusion matrix comes from predictions.csv" : ""
            notes.append(
                "no final.safetensors (\(why)): no embedding or image plots\(confusion.isEmpty ? ", no confusion matrix" : confusion)"
            )
        }
        self.predictions = predictions
    }

    /// True labels and predicted clusters for the confusion matrix: the final analysis tensors, else
    /// `predictions.csv(.gz)` (a run record's).
    var labelledPredictions: (labels: [Int], predictions: [Int])? {
        if let labels = integers("analysis/labels"), let predicted = integers("analysis/predictions") {
            return (labels, predicted)
        }
        guard let predictions, let labels = predictions.labels else { return nil }
        return (labels, predictions.clusters)
    }

    /// Integer vector stored as float64 in final.safetensors (nil when absent or not all integers).
    func integers(_ name: String) -> [Int]? {
        guard let values = final?.tensors[name]?.to(.float64).toDoubleArray() else { return nil }
        let integers = values.compactMap { Int(exactly: $0) }
        return integers.count == values.count ? integers : nil
    }
}

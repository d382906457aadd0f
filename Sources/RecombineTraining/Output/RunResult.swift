import Foundation
import RecombineNN

/// One evaluation of a run.
public struct EvaluationRecord: Sendable {
    public let dataset: String
    public let phase: String
    public let iteration: Int
    public let epoch: Int
    public let acc: Double?, nmi: Double?, ari: Double?
    public let reassignmentRatio: Double?

    /// The record as stored in result.json and checkpoints.
    var json: [String: Any] {
        var r: [String: Any] = ["dataset": dataset, "phase": phase, "iteration": iteration, "epoch": epoch]
        if let v = acc { r["acc"] = v }
        if let v = nmi { r["nmi"] = v }
        if let v = ari { r["ari"] = v }
        if let v = reassignmentRatio { r["reassignment_ratio"] = v }
        return r
    }

    init(
        dataset: String, phase: String, iteration: Int, epoch: Int, acc: Double?, nmi: Double?, ari: Double?,
        reassignmentRatio: Double?
    ) {
        self.dataset = dataset; self.phase = phase; self.iteration = iteration; self.epoch = epoch
        self.acc = acc; self.nmi = nmi; self.ari = ari; self.reassignmentRatio = reassignmentRatio
    }

    init?(json r: [String: Any]) {
        guard let dataset = r["dataset"] as? String, let phase = r["phase"] as? String,
            let iteration = (r["iteration"] as? NSNumber)?.intValue, let epoch = (r["epoch"] as? NSNumber)?.intValue
        else { return nil }
        self.init(
            dataset: dataset, phase: phase, iteration: iteration, epoch: epoch,
            acc: (r["acc"] as? NSNumber)?.doubleValue,
            nmi: (r["nmi"] as? NSNumber)?.doubleValue, ari: (r["ari"] as? NSNumber)?.doubleValue,
            reassignmentRatio: (r["reassignment_ratio"] as? NSNumber)?.doubleValue)
    }
}

/// A dataset's ACC/NMI/ARI in the state its last phase ended in (every sample, evaluation mode).
public struct EndOfTrainingRecord: Sendable {
    public let dataset: String
    public let acc: Double, nmi: Double, ari: Double

    var json: [String: Any] { ["dataset": dataset, "acc": acc, "nmi": nmi, "ari": ari] }

    init(dataset: String, acc: Double, nmi: Double, ari: Double) {
        self.dataset = dataset; self.acc = acc; self.nmi = nmi; self.ari = ari
    }

    init?(json r: [String: Any]) {
        guard let dataset = r["dataset"] as? String, let acc = (r["acc"] as? NSNumber)?.doubleValue,
            let nmi = (r["nmi"] as? NSNumber)?.doubleValue, let ari = (r["ari"] as? NSNumber)?.doubleValue
        else { return nil }
        self.init(dataset: dataset, acc: acc, nmi: nmi, ari: ari)
    }
}

/// Where a run stands: `result.json`'s `status`.
public enum RunStatus: String, Sendable {
    case running, completed, interrupted, stopped, failed
}

/// What `result.json` holds.
public struct RunResult: Sendable {
    public let method: String
    public let seed: UInt64
    public let runDirectory: String
    public var evaluations: [EvaluationRecord] = []
    /// Each finished labelled dataset scored at the end of training.
    public var endOfTraining: [EndOfTrainingRecord] = []
    /// Cluster sizes and silhouette score of every dataset scored at its end (labelled or not).
    public var clusterSummaries: [ClusterSummary] = []
    public var wallSeconds: Double = 0 {
        // The running segment's kept work reaches as far as the result does.
        didSet {
            if let last = provenance.segments?.indices.last { provenance.segments![last].endSeconds = wallSeconds }
        }
    }
    public var provenance: RunProvenance
    /// SHA-256 of every data file read, keyed by the file's folder and name (`DataFileHashes.name`).
    public var dataFiles: [String: String] = [:]
    /// The dataset whose predictions `predictions.csv` holds (the last one that had predictions).
    public var predictionsDataset: String?
    /// What each label number stands for, per dataset whose labels are names (image class folders,
    /// text labels): `label_names[dataset][k]` is label k.
    public var labelNames: [String: [String]] = [:]
    public var status: RunStatus = .running
    /// Why the run failed or stopped.
    public var reason: String?

    /// The last evaluation (the method's final result, as the reference framework reports it).
    public var final: EvaluationRecord? { evaluations.last }

    func json() throws -> [String: Any] {
        let provenanceObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(provenance))
        var out: [String: Any] = [
            "method": method, "seed": seed, "wall_seconds": wallSeconds, "evaluations": evaluations.map(\.json),
            "provenance": provenanceObject, "data_files_sha256": dataFiles, "status": status.rawValue,
        ]
        if let reason { out["reason"] = reason }
        if let predictionsDataset { out["predictions_dataset"] = predictionsDataset }
        if !labelNames.isEmpty { out["label_names"] = labelNames }
        if let final {
            out["final"] = final.json
        } else if let end = endOfTraining.last {
            // No scheduled evaluation: the end-of-training scores are the result.
            var record = end.json; record["source"] = "end_of_training"; out["final"] = record
        }
        if !endOfTraining.isEmpty { out["end_of_training"] = endOfTraining.map(\.json) }
        if !clusterSummaries.isEmpty { out["clusters"] = clusterSummaries.map(\.json) }
        return out
    }

    /// The status result.json in `directory` records; nil when there is none or it cannot be read.
    static func status(inDirectory directory: String) -> RunStatus? {
        struct Stored: Decodable { let status: String }
        guard
            let data = FileManager.default.contents(
                atPath: (directory as NSString).appendingPathComponent("result.json")),
            let stored = try? JSONDecoder().decode(Stored.self, from: data)
        else { return nil }
        return RunStatus(rawValue: stored.status)
    }

    /// Provenance, data hashes and the dataset of predictions.csv recorded by an earlier run in
    /// `directory` (kept when it resumes); nil when there is no result.json or no provenance in it.
    static func provenance(inDirectory directory: String) -> (
        provenance: RunProvenance, dataFiles: [String: String], predictionsDataset: String?
    )? {
        struct Stored: Decodable {
            let provenance: RunProvenance
            let dataFiles: [String: String]?
            let predictionsDataset: String?
            enum CodingKeys: String, CodingKey {
                case provenance
                case dataFiles = "data_files_sha256"
                case predictionsDataset = "predictions_dataset"
            }
        }
        let path = (directory as NSString).appendingPathComponent("result.json")
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        if let stored = try? JSONDecoder().decode(Stored.self, from: data) {
            return (stored.provenance, stored.dataFiles ?? [:], stored.predictionsDataset)
        }
        // Written before provenance was typed: every value a string, data files keyed by absolute path.
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let old = o["provenance"] as? [String: String]
        else { return nil }
        let provenance = RunProvenance(
            recombineVersion: old["recombine_version"] ?? "unknown", gitRevision: old["git_revision"] ?? "unknown",
            threads: old["threads"].flatMap { Int($0) } ?? 0, blasCore: old["blas_core"] ?? "unknown",
            iterationsScale: old["iterations_scale"].flatMap { Double($0) } ?? 1, overrides: [],
            methodFileSHA256: old["method_file_sha256"], resumed: old["resumed"].flatMap { Int($0) })
        let files = (o["data_files_sha256"] as? [String: String]) ?? [:]
        return (
            provenance,
            Dictionary(
                files.map { (DataFileHashes.name(ofFile: $0.key), $0.value) }, uniquingKeysWith: { first, _ in first }),
            nil
        )
    }

    /// Writes `result.json` into the run directory atomically.
    public func write() throws {
        let data = try JSONSerialization.data(
            withJSONObject: try json(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try AtomicFile.write(data, to: (runDirectory as NSString).appendingPathComponent("result.json"))
    }
}

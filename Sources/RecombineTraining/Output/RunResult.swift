import Foundation
import RecombineNN
import RecombineRunFiles

/// One evaluation of a run.
public struct EvaluationRecord: Sendable {
    public let dataset: String
    public let phase: String
    public let iteration: Int
    public let epoch: Int
    public let acc: Double?, nmi: Double?, ari: Double?
    public let reassignmentRatio: Double?

    /// The record as stored in checkpoints.
    var json: [String: Any] {
        var r: [String: Any] = ["dataset": dataset, "phase": phase, "iteration": iteration, "epoch": epoch]
        if let v = acc { r["acc"] = v }
        if let v = nmi { r["nmi"] = v }
        if let v = ari { r["ari"] = v }
        if let v = reassignmentRatio { r["reassignment_ratio"] = v }
        return r
    }

    var scores: ResultFile.Scores {
        ResultFile.Scores(
            dataset: dataset, phase: phase, iteration: iteration, epoch: epoch, acc: acc, nmi: nmi, ari: ari,
            reassignmentRatio: reassignmentRatio)
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
    var scores: ResultFile.Scores { ResultFile.Scores(dataset: dataset, acc: acc, nmi: nmi, ari: ari) }

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
    /// SHA-256 of every parameter or centroid file loaded, keyed by the path as the method file gives it
    /// (`LoadedFileHashes`).
    public var loadedFiles: [String: String] = [:]
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

    /// The run as `result.json` states it.
    var file: ResultFile {
        let final =
            self.final?.scores
            ?? endOfTraining.last.map { end -> ResultFile.Scores in
                // No scheduled evaluation: the end-of-training scores are the result.
                var scores = end.scores
                scores.source = "end_of_training"
                return scores
            }
        return ResultFile(
            method: method, seed: seed, status: status, reason: reason, wallSeconds: wallSeconds,
            evaluations: evaluations.map(\.scores), final: final,
            endOfTraining: endOfTraining.isEmpty ? nil : endOfTraining.map(\.scores),
            clusters: clusterSummaries.isEmpty ? nil : clusterSummaries.map(\.clusters), provenance: provenance,
            dataFilesSHA256: dataFiles, loadedFilesSHA256: loadedFiles.isEmpty ? nil : loadedFiles,
            predictionsDataset: predictionsDataset,
            labelNames: labelNames.isEmpty ? nil : labelNames)
    }

    /// The status result.json in `directory` records; nil when there is none or it cannot be read.
    static func status(inDirectory directory: String) -> RunStatus? {
        try? ResultFile.read(directory: directory).status
    }

    /// Provenance, data and loaded files' hashes and the dataset of predictions.csv recorded by an earlier run
    /// in `directory` (kept when it resumes); nil when there is no result.json or no provenance in it.
    static func provenance(inDirectory directory: String) -> (
        provenance: RunProvenance, dataFiles: [String: String], loadedFiles: [String: String],
        predictionsDataset: String?
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
        guard let stored = try? ResultFile.read(directory: directory) else { return nil }
        if let provenance = stored.provenance {
            return (provenance, stored.dataFilesSHA256, stored.loadedFilesSHA256 ?? [:], stored.predictionsDataset)
        }
        // Written before provenance was typed: every value a string, data files keyed by absolute path.
        guard let old = stored.legacyProvenance else { return nil }
        let provenance = RunProvenance(
            recombineVersion: old["recombine_version"] ?? "unknown", gitRevision: old["git_revision"] ?? "unknown",
            threads: old["threads"].flatMap { Int($0) } ?? 0, blasCore: old["blas_core"] ?? "unknown",
            iterationsScale: old["iterations_scale"].flatMap { Double($0) } ?? 1, overrides: [],
            methodFileSHA256: old["method_file_sha256"], resumed: old["resumed"].flatMap { Int($0) })
        return (
            provenance,
            Dictionary(
                stored.dataFilesSHA256.map { (DataFileHashes.name(ofFile: $0.key), $0.value) },
                uniquingKeysWith: { first, _ in first }),
            [:], nil
        )
    }

    /// Writes `result.json` into the run directory atomically.
    public func write() throws {
        try AtomicFile.write(try file.encoded(), to: (runDirectory as NSString).appendingPathComponent(ResultFile.name))
    }
}

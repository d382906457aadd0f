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
}

/// What `result.json` holds.
public struct RunResult: Sendable {
    public let method: String
    public let seed: UInt64
    public let runDirectory: String
    public var evaluations: [EvaluationRecord] = []
    public var wallSeconds: Double = 0
    public var provenance: [String: String] = [:]
    public var dataFiles: [String: String] = [:]

    /// The last evaluation (the method's final result).
    public var final: EvaluationRecord? { evaluations.last }

    func json() -> [String: Any] {
        func record(_ e: EvaluationRecord) -> [String: Any] {
            var r: [String: Any] = ["dataset": e.dataset, "phase": e.phase, "iteration": e.iteration, "epoch": e.epoch]
            if let v = e.acc { r["acc"] = v }
            if let v = e.nmi { r["nmi"] = v }
            if let v = e.ari { r["ari"] = v }
            if let v = e.reassignmentRatio { r["reassignment_ratio"] = v }
            return r
        }
        var out: [String: Any] = ["method": method, "seed": seed, "wall_seconds": wallSeconds, "evaluations": evaluations.map(record),
                                  "provenance": provenance, "data_files_sha256": dataFiles]
        if let final { out["final"] = record(final) }
        return out
    }

    /// Writes `result.json` into the run directory atomically.
    public func write() throws {
        let data = try JSONSerialization.data(withJSONObject: json(), options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: (runDirectory as NSString).appendingPathComponent("result.json"))
    }
}

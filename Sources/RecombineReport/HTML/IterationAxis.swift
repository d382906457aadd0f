import Foundation

/// Places metrics records of one run on one iteration axis: phases laid end to end in the order they
/// ran, each phase starting where the previous one ended (its last recorded iteration, from any kind
/// of record), so evaluations of runs with the same schedule line up by iteration.
struct IterationAxis {
    /// Where each dataset and phase starts, keyed by `RunPlots.key`.
    private(set) var offsets: [String: Double] = [:]
    /// Each phase's start and name, in order.
    private(set) var phaseStarts: [(x: Double, phase: String)] = []

    /// The axis of `records` (all of a run's metrics records, in file order).
    init(_ records: [[String: Any]]) {
        var order: [String] = [], lengths: [String: Double] = [:], names: [String: String] = [:]
        for r in records where r["phase"] != nil {
            let k = RunPlots.key(r)
            if lengths[k] == nil { order.append(k); lengths[k] = 0; names[k] = r["phase"] as? String ?? "" }
            lengths[k] = Swift.max(lengths[k]!, (r["iteration"] as? NSNumber)?.doubleValue ?? 0)
        }
        var start = 0.0
        for k in order {
            offsets[k] = start; phaseStarts.append((start, names[k]!))
            start += lengths[k]!
        }
    }

    /// The record's iteration counted from the start of the first phase.
    func x(_ record: [String: Any]) -> Double {
        (offsets[RunPlots.key(record)] ?? 0) + ((record["iteration"] as? NSNumber)?.doubleValue ?? 0)
    }
}

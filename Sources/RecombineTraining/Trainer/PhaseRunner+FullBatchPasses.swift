import Foundation

/// Measurements over the dataset's full batches that leave the run as it was (the objective-function
/// mismatch and the evaluation loss at evaluations).
extension PhaseRunner {
    /// Runs `body` (a measurement over the dataset) and then puts back what it may have changed: the
    /// mappings' buffers (batch-norm running statistics), their random streams (dropout) and the
    /// patterns' state, and the mappings' training mode. The run goes on as if `body` had not run.
    func leavingRunStateUnchanged<Result>(_ body: () throws -> Result) throws -> Result {
        let buffers = mappings.mappings.map { m in
            Dictionary(m.namedBuffers().map { ($0.name, $0.tensor.clone()) }) { a, _ in a }
        }
        let streams = mappings.mappings.map { m in
            Dictionary(m.namedRandomStates().map { ($0.name, $0.state) }) { a, _ in a }
        }
        let patternState = CheckpointArchive()
        for (i, pattern) in patterns.enumerated() { pattern.save(into: patternState, prefix: "pattern_\(i)/") }
        patternState.values =
            try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: patternState.values))
            as? [String: Any] ?? [:]
        defer {
            for (m, saved) in zip(mappings.mappings, buffers) { try? m.loadStateDict(saved, strict: false) }
            for (m, saved) in zip(mappings.mappings, streams) { m.restoreRandomStates(saved) }
            for (i, pattern) in patterns.enumerated() {
                try? pattern.restore(from: patternState, prefix: "pattern_\(i)/")
            }
            mappings.train(true)
        }
        return try body()
    }

    /// Calls `body` with the dataset's first `limit` (nil: all) full batches in order, as their main
    /// batch and augmented views with indices; returns how many there were.
    @discardableResult
    func forEachFullBatch(limit: Int?, epoch: Int, phaseIteration: Int, _ body: (Int, StepInput) throws -> Void)
        throws -> Int
    {
        let batchSize = dataset.spec.batchSize
        let full = dataset.data.count / batchSize
        let count = Swift.min(full, limit ?? full)
        let viewNames = Array(Set(patterns.flatMap(\.augmentationNames))).sorted()
        for b in 0..<count {
            let indices = Array((b * batchSize)..<((b + 1) * batchSize))
            let batch = dataset.main.batch(dataset.data, indices, seed: dataset.seed, epoch: 0, batchIndex: b)
            try body(
                b,
                StepInput(
                    batch: batch, views: dataset.views(viewNames, indices: indices, epoch: 0, batchIndex: b),
                    indices: indices, phaseIteration: phaseIteration, epoch: epoch))
        }
        return count
    }
}

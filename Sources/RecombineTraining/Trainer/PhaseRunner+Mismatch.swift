import Foundation
import RecombineMethod
import RecombineTensor

/// Objective-function mismatch measurements of a phase: on the training batch every
/// `iteration_interval` iterations, and at evaluations as the mean over full batches of the dataset.
extension PhaseRunner {
    func makeMismatchMeter() throws -> MismatchMeter? {
        guard let spec = phase.mismatch else { return nil }
        guard let extractor = mappings[spec.featureExtractorName] else {
            throw TrainingError(
                "\(spec.pointer)/feature_extractor_name: no mapping named '\(spec.featureExtractorName)'")
        }
        return MismatchMeter(spec: spec, parameters: extractor.parameters) { [unowned self] in
            for mapping in mappings.mappings { mapping.zeroGrad() }
            for (_, optimizer) in optimizers { optimizer.zeroGrad() }
            strategy.centroids?.grad = nil
        }
    }

    /// Measures on the step's own terms when the iteration is due.
    func measureMismatch(_ terms: [MismatchMeter.Term], epoch: Int, phaseIteration: Int) {
        guard let meter = mismatchMeter, let interval = meter.spec.interval, phaseIteration % interval == 0 else {
            return
        }
        logMismatch(meter.measure(terms), source: "batch", batches: 1, epoch: epoch, phaseIteration: phaseIteration)
    }

    /// The mean measurement over full batches of the dataset in training mode (batch statistics,
    /// active dropout), as tk-uco; running statistics, random streams and pattern state are restored
    /// afterwards so the measurement does not change the run.
    func measureMismatchAtEvaluation(epoch: Int, phaseIteration: Int) throws {
        guard let meter = mismatchMeter, meter.spec.atEvaluation else { return }
        try leavingRunStateUnchanged {
            defer { meter.clearGradients() }
            try measureMismatchOverFullBatches(meter, epoch: epoch, phaseIteration: phaseIteration)
        }
    }

    private func measureMismatchOverFullBatches(_ meter: MismatchMeter, epoch: Int, phaseIteration: Int) throws {
        mappings.train(true)
        var sum = 0.0, measured = 0
        var pairSums: [String: (sum: Double, count: Int)] = [:], pairOrder: [String] = []
        let count = try forEachFullBatch(
            limit: meter.spec.evaluationBatches, epoch: epoch, phaseIteration: phaseIteration
        ) { _, input in
            let terms = try lossesOfEveryPattern(on: input).map {
                MismatchMeter.Term(pattern: $0.pattern.spec.id, name: $0.loss.name, value: $0.loss.value)
            }
            let m = meter.measure(terms)
            if let c = m.cosine { sum += c; measured += 1 }
            for (name, value) in m.pairs {
                if !pairOrder.contains(name) { pairOrder.append(name) }
                if let value {
                    pairSums[name, default: (0, 0)].sum += value; pairSums[name, default: (0, 0)].count += 1
                }
            }
        }
        var mean = MismatchMeter.Measurement(cosine: measured > 0 ? sum / Double(measured) : nil)
        mean.pairs = pairOrder.map { name in
            (name, pairSums[name].flatMap { $0.count > 0 ? $0.sum / Double($0.count) : nil })
        }
        logMismatch(mean, source: "evaluation", batches: count, epoch: epoch, phaseIteration: phaseIteration)
    }

    func logMismatch(_ m: MismatchMeter.Measurement, source: String, batches: Int, epoch: Int, phaseIteration: Int) {
        let shown =
            m.cosine.map { String(format: "%.4f", $0) } ?? "undefined (a loss has no gradient on the feature extractor)"
        log.line(
            "Objective-function mismatch (\(source == "batch" ? "training batch" : "mean over \(batches) batches")) at iteration \(phaseIteration): cos(cluster, companion) = \(shown)"
        )
        var record: [String: Any] = [
            "kind": "ofm", "phase": phase.name, "dataset": dataset.spec.name, "epoch": epoch,
            "iteration": phaseIteration,
            "source": source, "batches": batches, "feature_extractor": phase.mismatch?.featureExtractorName ?? "",
            "cosine": m.cosine.map { $0 as Any } ?? NSNull(),
        ]
        if !m.pairs.isEmpty {
            record["pairs"] = Dictionary(m.pairs.map { ($0.0, $0.1.map { $0 as Any } ?? NSNull()) }) { a, _ in a }
        }
        log.record(record)
    }
}

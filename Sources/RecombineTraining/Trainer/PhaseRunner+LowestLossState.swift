import Foundation
import RecombineTensor

/// The state of a phase's evaluation with the lowest evaluation loss (`restore_lowest_loss_state`):
/// the mappings' parameters and buffers and the centroids, copied when the loss improves.
final class LowestLossState {
    let loss: Double
    let epoch: Int
    let phaseIteration: Int
    /// `mapping/<mapping>/<name>` and `centroids`.
    let tensors: [String: Tensor]

    init(loss: Double, epoch: Int, phaseIteration: Int, tensors: [String: Tensor]) {
        self.loss = loss; self.epoch = epoch; self.phaseIteration = phaseIteration; self.tensors = tensors
    }
}

/// A phase's evaluation loss and the terms it sums, each averaged over the same batches.
struct EvaluationLoss {
    /// The mean over the batches of the sum of every pattern's losses.
    let total: Double
    /// Every pattern's terms, in the order the patterns compute them: pattern id, term name, mean over the batches.
    let terms: [(pattern: String, term: String, loss: Double)]

    /// The terms as metrics.jsonl values.
    var termRecords: [[String: Any]] { terms.map { ["pattern": $0.pattern, "term": $0.term, "loss": $0.loss] } }
}

extension PhaseRunner {
    /// The mean over the dataset's full batches, in order and in evaluation mode, of the sum of every
    /// pattern's losses (Keras' test_on_batch averaged, as tk-uco's val_loss/tot), with each term's own
    /// mean; the run's state is left as it was.
    func meanEvaluationLoss(epoch: Int, phaseIteration: Int) throws -> EvaluationLoss {
        try leavingRunStateUnchanged {
            mappings.train(false)
            var sum = 0.0
            var termSums: [String: Double] = [:], terms: [(key: String, pattern: String, term: String)] = []
            let full = try forEachFullBatch(limit: nil, epoch: epoch, phaseIteration: phaseIteration) { b, input in
                // No pattern's loss needs gradients, and none are taken from it (Keras' test_on_batch).
                // The patterns share each mapping's pass on the batch, computed here on every row.
                let cache = makeForwardCache()
                cache.distributedForward = nil
                cache.cachesPassesWithoutGradients = true
                for (pattern, loss) in try withoutGradients({ try lossesOfEveryPattern(on: input, cache: cache) }) {
                    let value = loss.value.item
                    guard value.isFinite else {
                        throw TrainingError(
                            "method '\(method.name)', phase '\(phase.name)', iteration \(phaseIteration): the \(loss.name) of design pattern '\(pattern.spec.id)' (\(pattern.spec.pointer)) became \(value.isNaN ? "NaN" : "infinite") on batch \(b + 1) of the evaluation loss; training stopped"
                        )
                    }
                    sum += value
                    let key = "\(pattern.spec.pointer)/\(loss.name)"
                    if termSums[key] == nil { terms.append((key, pattern.spec.id, loss.name)) }
                    termSums[key, default: 0] += value
                }
            }
            let batches = Double(full)
            return EvaluationLoss(
                total: full > 0 ? sum / batches : .nan,
                terms: terms.map { ($0.pattern, $0.term, full > 0 ? termSums[$0.key, default: 0] / batches : .nan) })
        }
    }

    /// At an evaluation of a phase with `restore_lowest_loss_state`: computes the evaluation loss, logs
    /// it and keeps the state when the loss is lower than at every earlier evaluation.
    func keepStateIfLowestLoss(epoch: Int, phaseIteration: Int) throws {
        guard phase.restoresLowestLossState else { return }
        let evaluation = try meanEvaluationLoss(epoch: epoch, phaseIteration: phaseIteration)
        let loss = evaluation.total
        let lowest = lowestLossState.map { loss < $0.loss } ?? loss.isFinite
        log.line(
            String(format: "Evaluation loss at epoch %d (phase iteration %d): %.6g", epoch, phaseIteration, loss)
                + (lowest ? " (lowest so far: state kept)" : ""))
        log.record([
            "kind": "evaluation_loss", "phase": phase.name, "dataset": dataset.spec.name, "epoch": epoch,
            "iteration": phaseIteration, "loss": loss, "lowest": lowest, "terms": evaluation.termRecords,
        ])
        guard lowest else { return }
        var tensors: [String: Tensor] = [:]
        for mapping in mappings.mappings {
            for (name, t) in mapping.stateDict() { tensors["mapping/\(mapping.name)/\(name)"] = t.detached().clone() }
        }
        if let c = strategy.centroids { tensors["centroids"] = c.detached().clone() }
        lowestLossState = LowestLossState(loss: loss, epoch: epoch, phaseIteration: phaseIteration, tensors: tensors)
    }

    /// At the phase's end: puts the kept state back into the mappings and centroids, and returns it
    /// (nil when the phase does not restore or kept nothing).
    @discardableResult
    func restoreLowestLossState() throws -> LowestLossState? {
        guard phase.restoresLowestLossState else { return nil }
        guard let kept = lowestLossState else {
            log.line("No evaluation loss was computed in phase \"\(phase.name)\"; its last state is kept")
            return nil
        }
        for mapping in mappings.mappings {
            let prefix = "mapping/\(mapping.name)/"
            var own: [String: Tensor] = [:]
            for (name, t) in kept.tensors where name.hasPrefix(prefix) { own[String(name.dropFirst(prefix.count))] = t }
            try mapping.loadStateDict(own)
        }
        if let saved = kept.tensors["centroids"], let c = strategy.centroids { c.assign(saved) }
        log.line(
            String(
                format: "Restored the state of epoch %d (phase iteration %d): the lowest evaluation loss (%.6g)",
                kept.epoch,
                kept.phaseIteration, kept.loss))
        return kept
    }

    /// The kept state in a checkpoint (`phase/lowest_loss/...`).
    func saveLowestLossState(into archive: CheckpointArchive) {
        guard let kept = lowestLossState else { return }
        archive.values["phase_lowest_loss"] = [
            "loss": String(kept.loss.bitPattern), "epoch": kept.epoch, "phase_iteration": kept.phaseIteration,
        ]
        for (name, t) in kept.tensors { archive.tensors["phase/lowest_loss/\(name)"] = t }
    }

    func loadLowestLossState(from archive: CheckpointArchive) throws {
        guard let v = archive.values["phase_lowest_loss"] as? [String: Any] else {
            lowestLossState = nil
            return
        }
        guard let bits = (v["loss"] as? String).flatMap(UInt64.init) else {
            throw archive.missing("phase_lowest_loss/loss")
        }
        let prefix = "phase/lowest_loss/"
        var tensors: [String: Tensor] = [:]
        for (name, t) in archive.tensors where name.hasPrefix(prefix) {
            tensors[String(name.dropFirst(prefix.count))] = t
        }
        lowestLossState = LowestLossState(
            loss: Double(bitPattern: bits), epoch: try archive.int("epoch", in: v),
            phaseIteration: try archive.int("phase_iteration", in: v), tensors: tensors)
    }
}

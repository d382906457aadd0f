import Foundation
import RecombineData
import RecombineMethod
import RecombineTensor

/// P2 (DEC): every T iterations the target p_ij = (q_ij²/f_j) / Σ_j'(q_ij'²/f_j') is recomputed over the
/// whole dataset (no gradients, evaluation mode); L = w · KL(P_batch ‖ softmax(logits)) with batchmean.
/// Targets are looked up by sample index, so shuffled datasets work too (the reference refused them).
final class DivergencePattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    let interval: Int
    /// Whether `interval` counts epochs (recompute at the start of every interval-th epoch) or iterations.
    let intervalInEpochs: Bool
    let recompute: () throws -> Tensor
    var target: Tensor?
    /// The epoch whose start last recomputed the target (epoch unit).
    var targetEpoch = 0

    let referenceNumerics: Bool

    init(spec: PatternSpec, strategy: ClusterAssignment, referenceNumerics: Bool, softAssignmentsOfAll: @escaping () throws -> Tensor) {
        self.spec = spec; self.strategy = strategy; self.referenceNumerics = referenceNumerics
        interval = spec.options["target_distribution_recalculation_interval"]?.integer ?? 1
        intervalInEpochs = spec.options["target_distribution_recalculation_interval_unit"]?.string == "epoch"
        recompute = softAssignmentsOfAll
    }

    /// The reference framework ignored `loss_weight` here (spec B5); `apply_loss_weight: false` (the
    /// default with reference numerics) reproduces that.
    var effectiveWeight: Double { (spec.options["apply_loss_weight"]?.bool ?? !referenceNumerics) ? weight : 1 }

    /// Whether P is recomputed at this step: every `interval`-th iteration, or at the first step of
    /// epochs 1, 1 + interval, 1 + 2·interval, … (once per epoch).
    static func recalculationDue(epoch: Int, iteration: Int, interval: Int, inEpochs: Bool, lastEpoch: Int) -> Bool {
        inEpochs ? epoch != lastEpoch && (epoch - 1) % interval == 0 : iteration % interval == 0
    }

    static func targetDistribution(_ q: Tensor) -> Tensor {
        let weighted = q.squared() / q.sum(axis: 0, keepDims: true)
        return weighted / weighted.sum(axis: 1, keepDims: true)
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        if target == nil || Self.recalculationDue(epoch: step.epoch, iteration: step.phaseIteration, interval: interval,
                                                  inEpochs: intervalInEpochs, lastEpoch: targetEpoch) {
            let q = try recompute()
            target = withoutGradients { Self.targetDistribution(q) }
            targetEpoch = step.epoch
        }
        guard let target else { throw TrainingError("\(spec.pointer): no target distribution") }
        let logits = try strategy.assignments(input(step), logits: true, classifierName: options["classifier_name"]?.string)
        let p = target.indexSelect(axis: 0, indices: step.indices)
        let loss = klDivergence(logProbabilities: logits.logSoftmax(axis: 1), targets: p, reduction: .batchMean)
        return [PatternLoss(name: "divergence_loss", group: group, value: loss * effectiveWeight)]
    }

    /// The target distribution is computed every `interval` steps; a resumed run must reuse it.
    func save(into archive: CheckpointArchive, prefix: String) {
        if let target { archive.tensors[prefix + "target"] = target }
        archive.values[prefix + "target_epoch"] = targetEpoch
    }

    func restore(from archive: CheckpointArchive, prefix: String) throws {
        target = archive.tensors[prefix + "target"]
        targetEpoch = (archive.values[prefix + "target_epoch"] as? NSNumber)?.intValue ?? 0
    }
}

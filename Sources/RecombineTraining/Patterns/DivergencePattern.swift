import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineTensor

/// P2 (DEC, DEPICT): every T iterations (or epochs) the target is recomputed from the assignments of
/// the whole dataset in evaluation mode (DEPICT's clean pathway: dropout off), either DEC's
/// p_ij = (q_ij²/f_j) / Σ_j'(q_ij'²/f_j') or DEPICT's paper rule p_ij ∝ q_ij/√f_j (f_j = Σ_i q_ij, the
/// balanced prior); L = w · KL(P_batch ‖ softmax(logits)) with batchmean, the logits from the training-
/// mode pass (DEPICT's noisy pathway; KL and DEPICT's cross-entropy differ by P's entropy, a constant).
/// Targets are looked up by sample index, so shuffled datasets work too (the reference refused them).
/// Optionally (DEPICT) a linear layer of the classifier is first set to the unit-normalised k-means
/// centroids of its inputs over the dataset, with zero bias.
final class DivergencePattern: RoutedPattern {
    static let kind = PatternKind.targetDivergence

    struct Options: Decodable {
        let classifierName: String?
        let targetDistributionRecalculationInterval: Int
        /// `iteration` or `epoch`.
        let targetDistributionRecalculationIntervalUnit: String
        /// `squared_over_frequency` (DEC) or `over_square_root_of_frequency` (DEPICT).
        let targetDistributionRule: String
        let initializeClassifierLayerFromKmeans: String?
        let initializationKmeansRestarts: Int
        /// Whether `loss_weight` multiplies the loss (the reference framework ignored it, B5 in Docs/reference-differences.md).
        let applyLossWeight: Bool
    }

    let spec: PatternSpec
    let routing: LossRouting
    let options: Options
    let strategy: ClusterAssignment
    let sweep: DatasetSweep
    let log: RunLog
    /// Whether the interval counts epochs (recompute at the start of every interval-th epoch) or iterations.
    var intervalInEpochs: Bool { options.targetDistributionRecalculationIntervalUnit == "epoch" }
    /// DEPICT's paper rule q/√f instead of DEC's q²/f.
    var squareRootRule: Bool { options.targetDistributionRule == "over_square_root_of_frequency" }
    /// The seed of the k-means that initialises the classifier layer.
    let initializationSeed: UInt64
    var target: Tensor?
    /// The epoch whose start last recomputed the target (epoch unit).
    var targetEpoch = 0
    var classifierInitialized = false

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        options = try spec.decodeOptions()
        strategy = context.strategy
        sweep = context.sweep
        log = context.log
        initializationSeed = context.seed(for: spec.pointer)
    }

    var effectiveWeight: Double { options.applyLossWeight ? weight : 1 }

    /// Whether P is recomputed at this step: every `interval`-th iteration, or at the first step of
    /// epochs 1, 1 + interval, 1 + 2·interval, … (once per epoch).
    static func recalculationDue(epoch: Int, iteration: Int, interval: Int, inEpochs: Bool, lastEpoch: Int) -> Bool {
        inEpochs ? epoch != lastEpoch && (epoch - 1) % interval == 0 : iteration % interval == 0
    }

    static func targetDistribution(_ q: Tensor) -> Tensor {
        let weighted = q.squared() / q.sum(axis: 0, keepDims: true)
        return weighted / weighted.sum(axis: 1, keepDims: true)
    }

    /// DEPICT's paper rule: p_ij = (q_ij/√f_j) / Σ_j'(q_ij'/√f_j').
    static func squareRootTargetDistribution(_ q: Tensor) -> Tensor {
        let weighted = q / q.sum(axis: 0, keepDims: true).sqrt()
        return weighted / weighted.sum(axis: 1, keepDims: true)
    }

    /// Sets the layer's weight rows to the unit-normalised k-means centroids of its inputs (DEPICT's
    /// softmax clustering layer θ_k = μ_k/‖μ_k‖, b = 0).
    func initializeClassifier() throws {
        guard let layerName = options.initializeClassifierLayerFromKmeans else { return }
        guard let classifier = options.classifierName.flatMap({ strategy.mappings[$0] }) ?? strategy.classifiers.first,
            let layer = classifier.layersByName[layerName],
            let weight = layer.namedParameters().first(where: { $0.name == "weight" })?.tensor, weight.rank == 2
        else {
            throw TrainingError(
                "\(spec.pointer)/initialize_classifier_layer_from_kmeans: the classifier has no linear layer '\(layerName)'"
            )
        }
        let assignment = strategy
        let features = try sweep.apply { x in
            classifier.inputOfLayer(layerName, assignment.classifierInput(classifier, x))!
        }
        let k = weight.shape[0]
        guard features.rank == 2, features.shape[1] == weight.shape[1] else {
            throw TrainingError(
                "\(spec.pointer)/initialize_classifier_layer_from_kmeans: layer '\(layerName)' has weight \(weight.shape) but its inputs are \(features.shape)"
            )
        }
        let fit = try KMeans(
            k: k, nInit: options.initializationKmeansRestarts, seed: initializationSeed, processes: strategy.group
        ).fit(features)
        let centers = Tensor(fit.centers, shape: [k, weight.shape[1]]).to(weight.dtype)
        weight.assign(centers / centers.norm(p: 2, axes: [1], keepDims: true).clamped(min: 1e-12))
        if let bias = layer.namedParameters().first(where: { $0.name == "bias" })?.tensor {
            bias.assign(Tensor.zeros(bias.shape, dtype: bias.dtype))
        }
        let shared = strategy.group.size > 1 ? " shared over \(strategy.group.size) processes" : ""
        log.line(
            "Initialized layer \"\(layerName)\" of classifier \"\(classifier.name)\" from k-means on \(features.shape[0]) feature vectors (\(options.initializationKmeansRestarts) restarts\(shared), inertia \(String(format: "%.4g", fit.inertia)))"
        )
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        if !classifierInitialized {
            try initializeClassifier()
            classifierInitialized = true
        }
        if target == nil
            || Self.recalculationDue(
                epoch: step.epoch, iteration: step.phaseIteration,
                interval: options.targetDistributionRecalculationInterval,
                inEpochs: intervalInEpochs, lastEpoch: targetEpoch)
        {
            let q = try sweep.softAssignments(classifierName: options.classifierName)
            target = withoutGradients {
                squareRootRule ? Self.squareRootTargetDistribution(q) : Self.targetDistribution(q)
            }
            targetEpoch = step.epoch
        }
        guard let target else { throw TrainingError("\(spec.pointer): no target distribution") }
        let logits = try strategy.assignments(input(step), logits: true, classifierName: options.classifierName)
        let p = target.indexSelect(axis: 0, indices: step.indices)
        let loss = klDivergence(logProbabilities: logits.logSoftmax(axis: 1), targets: p, reduction: .batchMean)
        return [PatternLoss(name: "divergence_loss", group: group, value: loss * effectiveWeight)]
    }

    /// The target distribution is computed every `interval` steps; a resumed run must reuse it.
    func save(into archive: CheckpointArchive, prefix: String) {
        if let target { archive.tensors[prefix + "target"] = target }
        archive.values[prefix + "target_epoch"] = targetEpoch
        archive.values[prefix + "classifier_initialized"] = classifierInitialized
    }

    func restore(from archive: CheckpointArchive, prefix: String) throws {
        target = archive.tensors[prefix + "target"]
        targetEpoch = (archive.values[prefix + "target_epoch"] as? NSNumber)?.intValue ?? 0
        classifierInitialized = (archive.values[prefix + "classifier_initialized"] as? NSNumber)?.boolValue ?? true
    }
}

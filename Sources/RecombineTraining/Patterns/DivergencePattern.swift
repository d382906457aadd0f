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
/// Optionally (DEPICT) a linear layer of the classifier is first set to the unit-normalised centroids
/// of an initial clustering of its inputs over the dataset (k-means; AC-PIC as the official code
/// on USPS; or a Gaussian mixture with full covariances), with zero bias; the rule `initial_clustering_labels` makes P that clustering's one-hot
/// labels, fixed for the phase (DEPICT's initialisation on hard labels: KL to a one-hot target is the
/// cross-entropy). Each recomputed target is compared with the one before it (mean squared difference
/// over samples and clusters, metrics.jsonl kind "target_change") for the phase exit criterion
/// `target_distribution_change_mse_lt` (DEPICT's official stopping rule).
final class DivergencePattern: RoutedPattern, TargetRecomputing {
    static let kind = PatternKind.targetDivergence

    struct Options: Decodable {
        let classifierName: String?
        let targetDistributionRecalculationInterval: Int
        /// `iteration` or `epoch`.
        let targetDistributionRecalculationIntervalUnit: String
        /// `squared_over_frequency` (DEC), `over_square_root_of_frequency` (DEPICT's paper) or
        /// `initial_clustering_labels` (fixed one-hot targets).
        let targetDistributionRule: String
        let initializeClassifierLayerFromKmeans: String?
        /// `kmeans`, `ac_pic` or `gaussian_mixture`.
        let initializationClustering: String
        let initializationKmeansRestarts: Int
        let initializationGaussianMixtureRestarts: Int
        let initializationGaussianMixtureCovarianceRegularization: Double
        let initializationAcPicNeighbours: Int
        let initializationAcPicSigmaScale: Double
        let initializationAcPicZ: Double
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
    /// Fixed one-hot targets from the initial clustering.
    var initialLabelsRule: Bool { options.targetDistributionRule == "initial_clustering_labels" }
    /// The seed of the k-means that initialises the classifier layer.
    let initializationSeed: UInt64
    var target: Tensor?
    /// The initial clustering's labels (kept for the `initial_clustering_labels` rule).
    var initialLabels: [Int]?
    /// The epoch whose start last recomputed the target (epoch unit).
    var targetEpoch = 0
    /// The phase iteration whose step last recomputed the target (not checkpointed: a resumed run starts
    /// at the step after a checkpoint).
    var targetIteration = 0
    var classifierInitialized = false
    /// How much the last recomputation changed the target.
    private(set) var lastTargetChange: TargetChange?
    var recomputesTargets: Bool { !initialLabelsRule }

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

    /// Clusters the classifier layer's inputs over the dataset (evaluation mode) and, when a layer is
    /// named, sets its weight rows to the unit-normalised centroids (DEPICT's softmax clustering layer
    /// θ_k = μ_k/‖μ_k‖, b = 0); keeps the labels for the `initial_clustering_labels` rule.
    func initializeClassifier() throws {
        let layerName = options.initializeClassifierLayerFromKmeans
        guard layerName != nil || initialLabelsRule else { return }
        let option = "\(spec.pointer)/initialize_classifier_layer_from_kmeans"
        guard let classifier = options.classifierName.flatMap({ strategy.mappings[$0] }) ?? strategy.classifiers.first
        else { throw TrainingError("\(spec.pointer): no classifier to initialise") }
        var weight: Tensor?, bias: Tensor?
        if let layerName {
            guard let layer = classifier.layersByName[layerName],
                let w = layer.namedParameters().first(where: { $0.name == "weight" })?.tensor, w.rank == 2
            else { throw TrainingError("\(option): the classifier has no linear layer '\(layerName)'") }
            weight = w
            bias = layer.namedParameters().first(where: { $0.name == "bias" })?.tensor
        }
        let assignment = strategy
        let features = try sweep.apply { x in
            let input = assignment.classifierInput(classifier, x)
            return layerName.flatMap { classifier.inputOfLayer($0, input) } ?? input
        }
        let k = weight?.shape[0] ?? strategy.numClusters
        guard !initialLabelsRule || k == strategy.numClusters else {
            throw TrainingError(
                "\(option): layer '\(layerName ?? "")' has \(k) outputs; the one-hot targets of initial_clustering_labels need one per cluster (\(strategy.numClusters))"
            )
        }
        guard features.rank == 2, weight.map({ features.shape[1] == $0.shape[1] }) ?? true else {
            throw TrainingError(
                "\(option): layer '\(layerName ?? "")' has weight \(weight?.shape ?? []) but its inputs are \(features.shape)"
            )
        }
        let labels: [Int], description: String
        var kmeansCenters: Tensor?, mixtureMeans: Tensor?
        switch options.initializationClustering {
        case "ac_pic":
            let fit = try PathIntegralClustering(
                clusters: k, neighbours: options.initializationAcPicNeighbours,
                sigmaScale: options.initializationAcPicSigmaScale, z: options.initializationAcPicZ
            ).fit(features)
            labels = fit.labels
            let unlinked = fit.mergesWithoutEdges > 0 ? ", \(fit.mergesWithoutEdges) merges without an edge" : ""
            description =
                "AC-PIC on \(features.shape[0]) feature vectors (\(options.initializationAcPicNeighbours) neighbours, \(fit.initialClusters) initial groups, σ \(String(format: "%.4g", fit.sigma))\(unlinked))"
        case "gaussian_mixture":
            let fit = try GaussianMixture(
                components: k, restarts: options.initializationGaussianMixtureRestarts,
                covarianceRegularization: options.initializationGaussianMixtureCovarianceRegularization,
                seed: initializationSeed
            ).fit(features)
            labels = fit.labels
            mixtureMeans = Tensor(doubles: fit.means, shape: [k, features.shape[1]], dtype: .float64)
            description = fit.summary(restarts: options.initializationGaussianMixtureRestarts)
        default:
            let fit = try KMeans(
                k: k, nInit: options.initializationKmeansRestarts, seed: initializationSeed, processes: strategy.group
            ).fit(features)
            labels = fit.labels
            kmeansCenters = Tensor(fit.centers, shape: [k, features.shape[1]])
            let shared = strategy.group.size > 1 ? " shared over \(strategy.group.size) processes" : ""
            description =
                "k-means on \(features.shape[0]) feature vectors (\(options.initializationKmeansRestarts) restarts\(shared), inertia \(String(format: "%.4g", fit.inertia)))"
        }
        initialLabels = labels
        guard let weight, let layerName else {
            log.line("Clustered the inputs of classifier \"\(classifier.name)\" by \(description)")
            return
        }
        // k-means keeps its own centres (the numbers of earlier runs), the mixture its components' means;
        // AC-PIC's are its clusters' means.
        let centers = (kmeansCenters ?? mixtureMeans ?? Self.centroids(features, labels: labels, k: k)).to(weight.dtype)
        weight.assign(centers / centers.norm(p: 2, axes: [1], keepDims: true).clamped(min: 1e-12))
        if let bias { bias.assign(Tensor.zeros(bias.shape, dtype: bias.dtype)) }
        log.line("Initialized layer \"\(layerName)\" of classifier \"\(classifier.name)\" from \(description)")
    }

    /// The mean feature vector of each cluster [k, d] (zero for a cluster without members).
    static func centroids(_ features: Tensor, labels: [Int], k: Int) -> Tensor {
        let x = features.to(.float64), d = features.shape[1]
        let sums = Tensor.zeros([k, d], dtype: .float64)
        var counts = [Double](repeating: 0, count: k)
        for (i, label) in labels.enumerated() {
            counts[label] += 1
            for j in 0..<d { sums.doubles[label * d + j] += x.doubles[i * d + j] }
        }
        for c in 0..<k where counts[c] > 0 { for j in 0..<d { sums.doubles[c * d + j] /= counts[c] } }
        return sums
    }

    /// One-hot rows of the initial clustering's labels [n, k].
    static func oneHot(_ labels: [Int], k: Int, dtype: DType) -> Tensor {
        let out = Tensor.zeros([labels.count, k], dtype: .float64)
        for (i, label) in labels.enumerated() { out.doubles[i * k + label] = 1 }
        return out.to(dtype)
    }

    /// Initialises the classifier on first use and recomputes P when it is due at this step (idempotent
    /// within a step: `losses` calls it again).
    func refreshTarget(epoch: Int, phaseIteration: Int) throws {
        if !classifierInitialized {
            try initializeClassifier()
            classifierInitialized = true
        }
        if initialLabelsRule {
            if target == nil {
                guard let initialLabels else { throw TrainingError("\(spec.pointer): no initial clustering") }
                target = Self.oneHot(initialLabels, k: strategy.numClusters, dtype: .float32)
            }
        } else if target == nil
            || (phaseIteration != targetIteration
                && Self.recalculationDue(
                    epoch: epoch, iteration: phaseIteration,
                    interval: options.targetDistributionRecalculationInterval,
                    inEpochs: intervalInEpochs, lastEpoch: targetEpoch))
        {
            let q = try sweep.softAssignments(classifierName: options.classifierName)
            let previous = target
            let next = withoutGradients {
                squareRootRule ? Self.squareRootTargetDistribution(q) : Self.targetDistribution(q)
            }
            target = next
            targetEpoch = epoch
            targetIteration = phaseIteration
            if let previous, previous.shape == next.shape {
                let mse = Self.meanSquaredDifference(previous, next)
                lastTargetChange = TargetChange(meanSquaredDifference: mse, phaseIteration: phaseIteration)
                log.record([
                    "kind": "target_change", "pattern": spec.id, "pointer": spec.pointer.description,
                    "epoch": epoch, "iteration": phaseIteration, "mse": mse,
                ])
            }
        }
    }

    /// mean((a − b)²) over every element, in float64 (scikit-learn's mean_squared_error of two target matrices).
    static func meanSquaredDifference(_ a: Tensor, _ b: Tensor) -> Double {
        let x = a.toDoubleArray(), y = b.toDoubleArray()
        guard !x.isEmpty else { return 0 }
        var sum = 0.0
        for i in x.indices { sum += (x[i] - y[i]) * (x[i] - y[i]) }
        return sum / Double(x.count)
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        try refreshTarget(epoch: step.epoch, phaseIteration: step.phaseIteration)
        guard let target else { throw TrainingError("\(spec.pointer): no target distribution") }
        let logits = try strategy.assignments(input(step), logits: true, classifierName: options.classifierName)
        guard logits.shape[1] == target.shape[1] else {
            throw TrainingError(
                "\(spec.pointer): the classifier gives \(logits.shape[1]) cluster scores, the target has \(target.shape[1]) clusters"
            )
        }
        let p = target.to(logits.dtype).indexSelect(axis: 0, indices: step.indices)
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

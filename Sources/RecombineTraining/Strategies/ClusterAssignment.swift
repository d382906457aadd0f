import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// The method's cluster-assignment strategy: soft assignments (and logits) for a
/// batch, and the feature-space centroids of the centroid strategies.
final class ClusterAssignment {
    let spec: StrategySpec
    let mappings: MappingSet
    let numClusters: Int
    /// Centroids [K, D] (float32), trainable when an optimizer sets `optimizes_centroids`.
    var centroids: Tensor?
    /// The file the centroids were last loaded from (`load_from_file`): the path as the method file gives it
    /// and where it was read.
    var loadedCentroidFile: (pathAsGiven: String, resolvedPath: String)?
    /// The current phase's iteration (for the annealed Gaussian inverse temperature).
    var phaseIteration = 1
    var iterationsScale = 1.0
    /// Exponent p of the Student-t kernel 1/(1 + ‖z − μ‖^p): 2 as DEC, 4 as the reference framework
    /// (the schema's default follows the method's numerics).
    let studentTPower: Double?
    /// The reference framework's logits for Student-t: the raw kernel values (B17 in Docs/reference-differences.md).
    let kernelAsLogits: Bool
    var seed: UInt64
    /// The processes that compute its whole-dataset passes together (one, unless training data-parallel).
    var group: any DataParallelGroup = SingleProcessGroup()

    init(spec: StrategySpec, mappings: MappingSet, numClusters: Int, seed: UInt64, referenceNumerics: Bool) throws {
        self.spec = spec; self.mappings = mappings; self.numClusters = numClusters; self.seed = seed
        studentTPower = spec.options["student_t_distance_power"]?.number
        kernelAsLogits = referenceNumerics
        if spec.kind != .classifier && featureExtractor == nil {
            throw TrainingError("the \(spec.kind.rawValue) strategy needs a feature extractor")
        }
    }

    var featureExtractor: Mapping? {
        spec.associatedFeatureExtractorName.flatMap { mappings[$0] } ?? mappings.firstFeatureExtractor
    }

    /// Features [B, D] of a batch (flattened after the batch axis).
    func features(_ x: Tensor) -> Tensor {
        let z = featureExtractor!(x)
        return z.rank == 2 ? z : z.flattened(startDim: 1)
    }

    /// Metrics of each classifier at the evaluations so far (for the highest_* criteria).
    var classifierHistory: [String: [(acc: Double, nmi: Double, ari: Double)]] = [:]

    /// The classifiers the strategy combines: the first declared, the named one, the best
    /// by the last or average ACC/NMI/ARI of the evaluations so far, or all of them averaged.
    var classifiers: [Mapping] {
        let all = mappings.mappings.filter { $0.spec.kind.isClassifier }
        let criterion = spec.classifierSelectionCriterion
        switch criterion {
        case "name": return all.filter { $0.name == spec.classifierName }
        case "first_declared": return Array(all.prefix(1))
        case "average": return all
        default:
            // highest_{last|average}_{acc|nmi|ari}; before any evaluation, the average of all.
            let parts = criterion.split(separator: "_")
            guard parts.count == 3, all.contains(where: { !(classifierHistory[$0.name] ?? []).isEmpty }) else {
                return all
            }
            func score(_ m: Mapping) -> Double {
                let values = (classifierHistory[m.name] ?? []).map {
                    parts[2] == "acc" ? $0.acc : parts[2] == "nmi" ? $0.nmi : $0.ari
                }
                guard let last = values.last else { return -.infinity }
                return parts[1] == "last" ? last : values.reduce(0, +) / Double(values.count)
            }
            let best = all.max { score($0) < score($1) }!  // ties keep declaration order (max returns the last maximum)
            return [all.first { score($0) == score(best) }!]
        }
    }

    /// A pattern's own classifier (its `classifier_name`) instead of the strategy (B7 fixed, Docs/reference-differences.md).
    func assignments(_ x: Tensor, logits: Bool, classifierName: String?) throws -> Tensor {
        guard let name = classifierName else { return try assignments(x, logits: logits) }
        guard let classifier = mappings[name] else { throw TrainingError("no classifier mapping named '\(name)'") }
        return classify(classifier, x, logits: logits)
    }

    func classify(_ classifier: Mapping, _ x: Tensor, logits: Bool) -> Tensor {
        let input = classifierInput(classifier, x)
        return logits ? classifier.logits(input) : classifier(input)
    }

    /// What a classifier is applied to: the batch, or for a feature-space classifier without a prior
    /// mapping, its associated feature extractor's output.
    func classifierInput(_ classifier: Mapping, _ x: Tensor) -> Tensor {
        guard classifier.spec.kind == .featureSpaceClassifier, classifier.prior == nil,
            let fe = classifier.spec.associatedFeatureExtractorName.flatMap({ mappings[$0] })
                ?? mappings.firstFeatureExtractor
        else { return x }
        return fe(x)
    }

    /// Gaussian inverse temperature α at the current phase iteration (DKM's annealing schedule).
    var inverseTemperature: Double {
        switch spec.inverseTemperature {
        case .fixed(let a)?: return a
        case .annealed(let initial, let final, let per)?:
            let step = Swift.max(1, Int((Double(per) * iterationsScale).rounded()))
            let m = phaseIteration / step
            var alpha = initial
            if m >= 1 {
                for n in 1...m {
                    alpha *= Foundation.pow(2, 1 / Foundation.pow(Foundation.log(Double(n + 1)), 2));
                    if alpha >= final { return final }
                }
            }
            return Swift.min(alpha, final)
        case nil: return 1
        }
    }

    /// False while a centroid strategy has no centroids (before a phase listed in
    /// `use_centroids_during_phases` initialised them): such a strategy cannot assign yet.
    var canAssign: Bool { spec.kind != .centroidSimilarity || centroids != nil }

    /// Soft assignments [B, K] (or the strategy's logits) of a batch.
    func assignments(_ x: Tensor, logits: Bool) throws -> Tensor {
        switch spec.kind {
        case .classifier:
            let outputs = classifiers.map { classify($0, x, logits: logits) }
            guard let first = outputs.first else {
                throw TrainingError("the classifier strategy found no classifier mapping")
            }
            return outputs.count == 1 ? first : outputs.dropFirst().reduce(first, +) / Double(outputs.count)
        case .centroidSimilarity:
            guard let mu = centroids else {
                throw TrainingError(
                    "cluster assignments need centroids, but none are initialised in this phase (list the phase in use_centroids_during_phases)"
                )
            }
            let d = Tensor.pairwiseSquaredDistances(features(x), mu)
            if spec.similarityMeasure == .gaussian {
                let scores = d * -inverseTemperature
                return logits ? scores : scores.softmax(axis: 1)
            }
            guard let power = studentTPower else {
                throw TrainingError(
                    "\(spec.pointer)/student_t_distance_power: the Student-t kernel has no exponent (the schema's default is filled in when a method is loaded)"
                )
            }
            let kernel = 1.0 / (1.0 + (power == 2 ? d : d.pow(power / 2)))
            let q = kernel / kernel.sum(axis: 1, keepDims: true)
            if !logits { return q }
            // The papers' logits are log q, so log_softmax recovers q exactly; the reference framework
            // handed the raw kernel to log_softmax (B17 in Docs/reference-differences.md).
            return kernelAsLogits ? kernel : q.clamped(min: 1e-30).log()
        case .classicalClusteringAfterPhase:
            let z = withoutGradients { features(x) }
            let result = try KMeans(
                k: numClusters, nInit: spec.classicalClusteringAfterPhaseNumRestarts, seed: seed, processes: group
            ).fit(z)
            return Tensor.oneHot(result.labels, classes: numClusters)
        }
    }

    /// Features of every sample in dataset order, without gradients (callers set evaluation mode);
    /// shared out over the processes of `group`.
    func allFeatures(_ data: Dataset, pipeline: TransformPipeline) -> Tensor {
        ShardedSweep(group: group).sweep(
            pipeline, data, seed: seed, rowByRow: ShardedSweep.evaluatesRowByRow(mappings)
        ) { features($0) }
    }

    /// Initialises the centroids by the configured strategy.
    /// Sets the centroids to the k-means centres of every sample's features (`restarts` restarts).
    func centroidsByKMeans(
        _ data: Dataset, pipeline: TransformPipeline, restarts: Int, generator g: inout RandomGenerator
    )
        throws -> String
    {
        let z = allFeatures(data, pipeline: pipeline)
        let result = try KMeans(k: numClusters, nInit: restarts, seed: g.next(), processes: group).fit(z)
        centroids = Tensor(result.centers, shape: [numClusters, z.shape[1]])
        return
            "k-means on \(z.shape[0]) feature vectors (\(restarts) restarts\(group.size > 1 ? " shared over \(group.size) processes" : ""), inertia \(String(format: "%.4g", result.inertia)))"
    }

    /// Sets the centroids to the means of a Gaussian mixture (full covariances) of every sample's features.
    /// Every process fits the same mixture from the same seed; it draws one number from `g`, as k-means does.
    func centroidsByGaussianMixture(
        _ data: Dataset, pipeline: TransformPipeline, generator g: inout RandomGenerator
    ) throws -> String {
        let z = allFeatures(data, pipeline: pipeline)
        let restarts = spec.initializationGaussianMixtureRestarts
        let fit = try GaussianMixture(
            components: numClusters, restarts: restarts,
            covarianceRegularization: spec.initializationGaussianMixtureCovarianceRegularization, seed: g.next()
        ).fit(z)
        centroids = Tensor(doubles: fit.means, shape: [numClusters, z.shape[1]], dtype: .float64).to(z.dtype)
        return fit.summary(restarts: restarts)
    }

    func initializeCentroids(
        _ data: Dataset, pipeline: TransformPipeline, baseDirectory: String, generator g: inout RandomGenerator
    ) throws -> String {
        let k = numClusters
        switch spec.centroidInitializationStrategy {
        case .classicalClustering:
            switch spec.initializationClustering {
            case .kMeans:
                return try centroidsByKMeans(
                    data, pipeline: pipeline, restarts: spec.initializationNumRestarts, generator: &g)
            case .gaussianMixture:
                return try centroidsByGaussianMixture(data, pipeline: pipeline, generator: &g)
            }
        case .randomFeatureRepresentations:
            let picks = Array(g.permutation(data.count).prefix(k))
            centroids = withoutGradients { features(pipeline.batch(data, picks, seed: 0, epoch: 0, batchIndex: 0)) }
                .detached().clone()
            return "features of \(k) random samples"
        case .randomUniformNoise:
            let d = withoutGradients { features(pipeline.batch(data, [0], seed: 0, epoch: 0, batchIndex: 0)) }.shape[1]
            centroids = Tensor.uniform([k, d], low: -1, high: 1, generator: &g)
            return "U(-1, 1) noise"
        case .loadFromFile:
            let path =
                spec.centroidFilePath.map {
                    $0.hasPrefix("/") ? $0 : (baseDirectory as NSString).appendingPathComponent($0)
                } ?? ""
            guard let c = try Safetensors.read(path).tensors["centroids"] else {
                throw TrainingError("\(path): no tensor named 'centroids'")
            }
            guard c.rank == 2, c.shape[0] == k else {
                throw TrainingError("\(path): centroids have shape \(c.shape), expected [\(k), D]")
            }
            centroids = c.to(.float32)
            loadedCentroidFile = (spec.centroidFilePath ?? "", path)
            return "loaded from \(path)"
        }
    }
}

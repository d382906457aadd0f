import RecombineMethod
import RecombineTensor

/// P8 (DKM/DCN family): L = w · (1/B) Σ over selected (sample, cluster) pairs of weight ×
/// loss(sample representation, cluster representation). The target of pair (i, k) is cluster k
/// (the reference indexed the B×K pseudolabel matrix by cluster, spec B13), and distances are over
/// the flattened representations.
final class ReinforcementPattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    let mappings: MappingSet

    init(spec: PatternSpec, strategy: ClusterAssignment, mappings: MappingSet) {
        self.spec = spec; self.strategy = strategy; self.mappings = mappings
    }

    func mapping(_ key: String, fallback: Mapping?) throws -> Mapping {
        if let m = options[key]?.string.flatMap({ mappings[$0] }) ?? fallback { return m }
        throw TrainingError("\(spec.pointer): no mapping for \(key)")
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        let q = try strategy.assignments(x, logits: false, classifierName: options["classifier_name"]?.string)
        let b = Double(x.shape[0]), k = q.shape[1]
        let sampleKind = options["sample_representation"]?.string ?? "feature_representation"
        let clusterKind = options["cluster_representation"]?.string ?? "centroid"
        let featureExtractor = try mapping("associated_feature_extractor_name", fallback: mappings.firstFeatureExtractor)
        let sample: Tensor
        switch sampleKind {
        case "original_sample": sample = x.flattened(startDim: 1)
        case "decoder_reconstructed_sample":
            let e = try mapping("associated_encoder_name", fallback: featureExtractor), g = try mapping("associated_decoder_name", fallback: nil)
            sample = g(e(x)).flattened(startDim: 1)
        case "soft_assignments": sample = try strategy.assignments(x, logits: true, classifierName: options["classifier_name"]?.string)
        default: sample = featureExtractor(x).flattened(startDim: 1)
        }
        let needsCentroids = options["cluster_selection_criterion"]?.string == "nearest_centroid"
            || options["sample_selection_criterion"]?.string == "threshold_on_feature_representation_distance_to_centroid"
            || ["l2_distance_of_feature_representation_to_centroid", "gaussian_kernel_based_similarity_of_feature_representation_to_centroid"].contains(options["sample_cluster_pair_loss_weighting_term"]?.string ?? "unit")
        var centroidDistances: Tensor? = nil
        if needsCentroids {
            guard let mu = strategy.centroids else { throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised") }
            centroidDistances = Tensor.pairwiseSquaredDistances(featureExtractor(x).flattened(startDim: 1), mu)
        }
        // Mask of selected (sample, cluster) pairs.
        var mask: Tensor
        switch options["cluster_selection_criterion"]?.string ?? "all_clusters" {
        case "nearest_centroid": mask = Tensor.oneHot(centroidDistances!.argmin(axis: 1), classes: k)
        case "argmax_of_soft_assignments": mask = Tensor.oneHot(q.argmax(axis: 1), classes: k)
        default: mask = Tensor.ones([Int(b), k])
        }
        switch options["sample_selection_criterion"]?.string ?? "all_samples" {
        case "threshold_on_feature_representation_distance_to_centroid":
            let t = options["threshold_on_feature_representation_distance_to_centroid"]?.number ?? .infinity
            mask = mask * withoutGradients { Tensor.full([], value: t).greater(centroidDistances!.detached()) + centroidDistances!.detached().equal(Tensor.full([], value: t)) }
        case "threshold_on_soft_assignment_to_cluster":
            let t = options["threshold_on_soft_assignment_to_cluster"]?.number ?? 0
            mask = mask * withoutGradients { q.detached().greater(Tensor.full([], value: t)) + q.detached().equal(Tensor.full([], value: t)) }
        default: break
        }
        // Pair weights (not detached, as in the reference: gradients flow through q and the centroids).
        var weights: Tensor
        switch options["sample_cluster_pair_loss_weighting_term"]?.string ?? "unit" {
        case "soft_assignment_of_sample_to_cluster": weights = q * mask
        case "l2_distance_of_feature_representation_to_centroid": weights = centroidDistances! * mask
        case "gaussian_kernel_based_similarity_of_feature_representation_to_centroid": weights = (-centroidDistances!).softmax(axis: 1) * mask
        default: weights = mask
        }
        let perPair: Tensor
        if options["loss_type"]?.string == "cross_entropy" {
            // CE(s_i, k) for every pair: −log_softmax(s_i)_k.
            perPair = -sample.logSoftmax(axis: 1)
        } else {
            let clusters: Tensor
            switch clusterKind {
            case "centroid_processed_by_decoder":
                guard let mu = strategy.centroids else { throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised") }
                clusters = try mapping("associated_decoder_name", fallback: nil)(mu).flattened(startDim: 1)
            case "pseudolabel": clusters = Tensor.eye(k)
            default:
                guard let mu = strategy.centroids else { throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised") }
                clusters = mu
            }
            perPair = Tensor.pairwiseSquaredDistances(sample, clusters)
        }
        let loss = (weights * perPair).sum() / b
        return [PatternLoss(name: "similarity_loss", group: group, value: loss * weight)]
    }
}

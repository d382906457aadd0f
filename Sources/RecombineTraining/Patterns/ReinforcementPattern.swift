import RecombineMethod
import RecombineTensor

/// P8 (DKM/DCN family): L = w · (1/B) Σ over selected (sample, cluster) pairs of weight ×
/// loss(sample representation, cluster representation). The target of pair (i, k) is cluster k
/// (the reference indexed the B×K pseudolabel matrix by cluster, B13 in Docs/reference-differences.md), and distances are over
/// the flattened representations. With `pairs_selected_on_plain_batch` the mask of selected pairs comes from the
/// plain batch's assignments and distances (without gradients) and the loss from the augmented view.
final class ReinforcementPattern: RoutedPattern {
    static let kind = PatternKind.reinforcement

    struct Options: Decodable {
        let classifierName: String?
        /// `cross_entropy` or a squared distance.
        let lossType: String
        let sampleSelectionCriterion: String
        let thresholdOnFeatureRepresentationDistanceToCentroid: Double?
        let thresholdOnSoftAssignmentToCluster: Double?
        let clusterSelectionCriterion: String
        let sampleClusterPairLossWeightingTerm: String
        let sampleRepresentation: String
        let clusterRepresentation: String
        let associatedFeatureExtractorName: String?
        let associatedEncoderName: String?
        let associatedDecoderName: String?
        /// Select pairs and samples on the plain batch's assignments (without gradients) while the loss is taken
        /// on `batch_augmentation_name`'s view (SCAN's self-labelling).
        let pairsSelectedOnPlainBatch: Bool
    }

    let spec: PatternSpec
    let routing: LossRouting
    let options: Options
    let strategy: ClusterAssignment
    let context: PatternContext

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        options = try spec.decodeOptions()
        strategy = context.strategy
        self.context = context
    }

    /// The mapping an `associated_*_name` option names, else `fallback`.
    func mapping(_ name: String?, option: String, fallback: Mapping?) throws -> Mapping {
        if let name { return try context.mapping(name, option: option, of: spec.pointer) }
        if let fallback { return fallback }
        throw TrainingError("\(spec.pointer): no mapping for \(option)")
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        let q = try strategy.assignments(x, logits: false, classifierName: options.classifierName)
        let b = Double(x.shape[0]), k = q.shape[1]
        let featureExtractor = try mapping(
            options.associatedFeatureExtractorName, option: "associated_feature_extractor_name",
            fallback: context.mappings.firstFeatureExtractor)
        let sample: Tensor
        switch options.sampleRepresentation {
        case "original_sample": sample = x.flattened(startDim: 1)
        case "decoder_reconstructed_sample":
            let e = try mapping(
                options.associatedEncoderName, option: "associated_encoder_name", fallback: featureExtractor)
            let g = try mapping(options.associatedDecoderName, option: "associated_decoder_name", fallback: nil)
            sample = g(e(x)).flattened(startDim: 1)
        case "soft_assignments":
            sample = try strategy.assignments(x, logits: true, classifierName: options.classifierName)
        default: sample = featureExtractor(x).flattened(startDim: 1)
        }
        let needsCentroids =
            options.clusterSelectionCriterion == "nearest_centroid"
            || options.sampleSelectionCriterion == "threshold_on_feature_representation_distance_to_centroid"
            || [
                "l2_distance_of_feature_representation_to_centroid",
                "gaussian_kernel_based_similarity_of_feature_representation_to_centroid",
            ].contains(options.sampleClusterPairLossWeightingTerm)
        var centroidDistances: Tensor? = nil
        if needsCentroids {
            guard let mu = strategy.centroids else {
                throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised")
            }
            centroidDistances = Tensor.pairwiseSquaredDistances(featureExtractor(x).flattened(startDim: 1), mu)
        }
        // What selects pairs: the loss's own view, or the plain batch seen without gradients.
        var selectionQ = q
        var selectionDistances = centroidDistances
        if options.pairsSelectedOnPlainBatch {
            let plain = step.batch
            try withoutGradients {
                selectionQ = try strategy.assignments(plain, logits: false, classifierName: options.classifierName)
                if needsCentroids, let mu = strategy.centroids {
                    selectionDistances = Tensor.pairwiseSquaredDistances(
                        featureExtractor(plain).flattened(startDim: 1), mu)
                }
            }
        }
        // Mask of selected (sample, cluster) pairs.
        var mask: Tensor
        switch options.clusterSelectionCriterion {
        case "nearest_centroid": mask = Tensor.oneHot(selectionDistances!.argmin(axis: 1), classes: k)
        case "argmax_of_soft_assignments": mask = Tensor.oneHot(selectionQ.argmax(axis: 1), classes: k)
        default: mask = Tensor.ones([Int(b), k])
        }
        switch options.sampleSelectionCriterion {
        case "threshold_on_feature_representation_distance_to_centroid":
            guard let t = options.thresholdOnFeatureRepresentationDistanceToCentroid else {
                throw TrainingError(
                    "\(spec.pointer): threshold_on_feature_representation_distance_to_centroid is required by this sample selection criterion"
                )
            }
            mask =
                mask
                * withoutGradients {
                    Tensor.full([], value: t).greater(selectionDistances!.detached())
                        + selectionDistances!.detached().equal(Tensor.full([], value: t))
                }
        case "threshold_on_soft_assignment_to_cluster":
            guard let t = options.thresholdOnSoftAssignmentToCluster else {
                throw TrainingError(
                    "\(spec.pointer): threshold_on_soft_assignment_to_cluster is required by this sample selection criterion"
                )
            }
            mask =
                mask
                * withoutGradients {
                    selectionQ.detached().greater(Tensor.full([], value: t))
                        + selectionQ.detached().equal(Tensor.full([], value: t))
                }
        default: break
        }
        // Pair weights (not detached, as in the reference: gradients flow through q and the centroids).
        var weights: Tensor
        switch options.sampleClusterPairLossWeightingTerm {
        case "soft_assignment_of_sample_to_cluster": weights = q * mask
        case "l2_distance_of_feature_representation_to_centroid": weights = centroidDistances! * mask
        case "gaussian_kernel_based_similarity_of_feature_representation_to_centroid":
            weights = (-centroidDistances!).softmax(axis: 1) * mask
        default: weights = mask
        }
        let perPair: Tensor
        if options.lossType == "cross_entropy" {
            // CE(s_i, k) for every pair: −log_softmax(s_i)_k.
            perPair = -sample.logSoftmax(axis: 1)
        } else {
            let clusters: Tensor
            switch options.clusterRepresentation {
            case "centroid_processed_by_decoder":
                guard let mu = strategy.centroids else {
                    throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised")
                }
                clusters = try mapping(options.associatedDecoderName, option: "associated_decoder_name", fallback: nil)(
                    mu
                ).flattened(startDim: 1)
            case "pseudolabel": clusters = Tensor.eye(k)
            default:
                guard let mu = strategy.centroids else {
                    throw TrainingError("\(spec.pointer): this pattern needs centroids, but none are initialised")
                }
                clusters = mu
            }
            perPair = Tensor.pairwiseSquaredDistances(sample, clusters)
        }
        let loss = (weights * perPair).sum() / b
        return [PatternLoss(name: "similarity_loss", group: group, value: loss * weight)]
    }
}

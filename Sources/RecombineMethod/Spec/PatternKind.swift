/// The design patterns of the ontology (`Schema/design_patterns/*.json`), by their ids, with the short
/// label that logs, progress lines and plots show.
public enum PatternKind: String, CaseIterable, Sendable {
    case reconstruction = "training_feature_extractor_through_reconstruction_of_samples"
    case denoisingLayerWiseReconstruction = "training_feature_extractor_through_denoising_layer_wise_reconstruction"
    case adversarialInterpolation = "training_feature_extractor_by_using_adversarial_interpolation"
    case layerWisePretraining = "facilitating_training_of_feature_extractor_by_using_layer_wise_pretraining"
    case instanceContrastive = "learning_feature_representations_by_using_contrastive_learning_and_data_augmentation"
    case clusterContrastive =
        "learning_invariance_to_transformations_by_using_assignment_statistics_vectors_and_data_augmentation"
    case targetDivergence =
        "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution"
    case reinforcement = "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters"
    case cauchySchwarzDivergence =
        "encouraging_cluster_formation_by_maximizing_cauchy_schwarz_divergence_between_cluster_densities"
    case entropy = "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments"
    case companionObjectives =
        "learning_cluster_structure_in_intermediate_layers_by_using_unsupervised_companion_objectives"
    case mutualInformation =
        "encouraging_cluster_formation_by_maximizing_mutual_information_between_assignments_of_paired_views"

    /// A few words for displays.
    public var shortLabel: String {
        switch self {
        case .reconstruction: return "reconstruction"
        case .denoisingLayerWiseReconstruction: return "denoising layer-wise"
        case .adversarialInterpolation: return "adversarial interpolation"
        case .layerWisePretraining: return "layer-wise pretraining"
        case .instanceContrastive: return "instance contrastive"
        case .clusterContrastive: return "cluster contrastive"
        case .targetDivergence: return "target divergence"
        case .reinforcement: return "reinforcement"
        case .cauchySchwarzDivergence: return "DDC"
        case .entropy: return "entropy"
        case .companionObjectives: return "UCO"
        case .mutualInformation: return "IIC"
        }
    }

    /// Other spellings method files use for an id (the reference framework's singular "assignment").
    public static let aliases: [String: PatternKind] = [
        "encouraging_cluster_formation_by_reinforcing_current_assignment_of_samples_to_clusters": .reinforcement
    ]

    /// The kind a method file's `pattern` names (its id or an alias), nil for an unknown id.
    public init?(id: String) {
        guard let kind = PatternKind(rawValue: id) ?? Self.aliases[id] else { return nil }
        self = kind
    }

    /// The short label of a pattern id; unknown ids are shown with spaces for underscores.
    public static func shortLabel(of id: String) -> String {
        PatternKind(rawValue: id)?.shortLabel ?? id.replacingOccurrences(of: "_", with: " ")
    }
}

/// How samples are assigned to clusters.
public struct StrategySpec: Sendable {
    public enum Kind: String, Sendable {
        case classifier
        case classicalClusteringAfterPhase = "classical_clustering_in_feature_space_after_phase"
        case centroidSimilarity = "feature_representation_centroid_similarity"
    }

    /// Inverse temperature of the Gaussian similarity: fixed, or annealed stepwise.
    public enum InverseTemperature: Sendable {
        case fixed(Double)
        case annealed(initial: Double, final: Double, iterationsPerValue: Int)
    }

    public let kind: Kind
    public let classifierSelectionCriterion: String
    public let classifierName: String?
    public let initializationNumRestarts: Int
    public let recalculationNumRestarts: Int
    /// The phase after which classical clustering assigns clusters.
    public let classicalClusteringAfterPhase: String?
    public let classicalClusteringAfterPhaseNumRestarts: Int
    public let associatedFeatureExtractorName: String?
    public let similarityMeasure: String?
    public let inverseTemperature: InverseTemperature?
    public let centroidInitializationStrategy: String?
    public let centroidRecalculationStrategy: String?
    public let centroidFilePath: String?
    public let centroidRecalculationInterval: Int?
    public let useCentroidsDuringPhases: [String]
    /// Every key as written, for strategy options added by later issues.
    public let options: JSONObject
    public let pointer: JSONPointer

    init(_ r: SpecReader) {
        kind = Kind(rawValue: r.string("type", default: "")) ?? .classifier
        classifierSelectionCriterion = r.string("classifier_selection_criterion", default: "first_declared")
        classifierName = r.string("classifier_name")
        initializationNumRestarts = r.int("centroid_initialization_classical_clustering_num_restarts", default: 20)
        recalculationNumRestarts = r.int("centroid_recalculation_classical_clustering_num_restarts", default: 20)
        classicalClusteringAfterPhase =
            r.string("classical_clustering_in_feature_space_after_phase")
            ?? r.string("classical_clustering_after_phase")
        classicalClusteringAfterPhaseNumRestarts =
            r.int("classical_clustering_in_feature_space_after_phase_num_restarts")
            ?? r.int("classical_clustering_after_phase_num_restarts") ?? 20
        associatedFeatureExtractorName = r.string("associated_feature_extractor_name")
        similarityMeasure = r.string("similarity_measure")
        let t = r.child("gaussian_similarity_measure_inverse_temperature")
        if let fixed = t.double("fixed_value") {
            inverseTemperature = .fixed(fixed)
        } else if let a = t.double("annealing_initial_value"), let b = t.double("annealing_final_value"),
            let n = t.int("annealing_iterations_per_value")
        {
            inverseTemperature = .annealed(initial: a, final: b, iterationsPerValue: n)
        } else {
            inverseTemperature = nil
        }
        centroidInitializationStrategy = r.string("centroid_initialization_strategy")
        centroidRecalculationStrategy = r.string("centroid_recalculation_strategy")
        centroidFilePath = r.string("centroid_file_path")
        centroidRecalculationInterval = r.int("centroid_recalculation_interval").flatMap { $0 >= 1 ? $0 : nil }
        useCentroidsDuringPhases = r.strings("use_centroids_during_phases") ?? []
        options = r.object
        pointer = r.pointer
    }
}

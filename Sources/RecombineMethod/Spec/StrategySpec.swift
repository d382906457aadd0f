/// How samples are assigned to clusters.
public struct StrategySpec: Sendable {
    public enum Kind: String, Sendable {
        case classifier
        case classicalClusteringAfterPhase = "classical_clustering_in_feature_space_after_phase"
        case centroidSimilarity = "feature_representation_centroid_similarity"
    }

    /// The kernel between features and centroids (`similarity_measure`).
    public enum SimilarityMeasure: String, Sendable, CaseIterable {
        case studentT = "student_t"
        case gaussian
    }

    /// How centroids start (`centroid_initialization_strategy`).
    public enum CentroidInitialization: String, Sendable, CaseIterable {
        case classicalClustering = "classical_clustering"
        case randomFeatureRepresentations = "random_feature_representations"
        case randomUniformNoise = "random_uniform_noise"
        case loadFromFile = "load_from_file"
    }

    /// The classical clustering whose centres initialise centroids
    /// (`centroid_initialization_classical_clustering_method`).
    public enum CentroidInitializationClustering: String, Sendable, CaseIterable {
        case kMeans = "k_means"
        case gaussianMixture = "gaussian_mixture"
    }

    /// How centroids change during a phase (`centroid_recalculation_strategy`).
    public enum CentroidRecalculation: String, Sendable, CaseIterable {
        case fixedCentroids = "fixed_centroids"
        case classicalClustering = "classical_clustering"
        case recalculationByDesignPattern = "recalculation_by_design_pattern"
        case softAssignmentMeans = "soft_assignment_means"
    }

    /// Inverse temperature of the Gaussian similarity: fixed, or annealed stepwise.
    public enum InverseTemperature: Sendable {
        case fixed(Double)
        case annealed(initial: Double, final: Double, iterationsPerValue: Int)
    }

    public let kind: Kind
    public let classifierSelectionCriterion: String
    public let classifierName: String?
    public let initializationClustering: CentroidInitializationClustering
    /// k-means restarts of the centroid initialisation.
    public let initializationNumRestarts: Int
    public let initializationGaussianMixtureRestarts: Int
    public let initializationGaussianMixtureCovarianceRegularization: Double
    public let recalculationNumRestarts: Int
    /// The phase after which classical clustering assigns clusters.
    public let classicalClusteringAfterPhase: String?
    public let classicalClusteringAfterPhaseNumRestarts: Int
    public let associatedFeatureExtractorName: String?
    public let similarityMeasure: SimilarityMeasure?
    public let inverseTemperature: InverseTemperature?
    public let centroidInitializationStrategy: CentroidInitialization
    public let centroidRecalculationStrategy: CentroidRecalculation
    public let centroidFilePath: String?
    public let centroidRecalculationInterval: Int?
    public let useCentroidsDuringPhases: [String]
    /// Every key as written, for strategy options added by later issues.
    public let options: JSONObject
    public let pointer: JSONPointer

    init(_ r: SpecReader) {
        kind = Kind(rawValue: r.filledString("type")) ?? .classifier
        classifierSelectionCriterion = r.filledString("classifier_selection_criterion")
        classifierName = r.string("classifier_name")
        initializationClustering = r.filledEnum(
            "centroid_initialization_classical_clustering_method", zero: .kMeans)
        initializationNumRestarts = r.filledInt("centroid_initialization_classical_clustering_num_restarts")
        initializationGaussianMixtureRestarts = r.filledInt("centroid_initialization_gaussian_mixture_restarts")
        initializationGaussianMixtureCovarianceRegularization = r.filledDouble(
            "centroid_initialization_gaussian_mixture_covariance_regularization")
        recalculationNumRestarts = r.filledInt("centroid_recalculation_classical_clustering_num_restarts")
        classicalClusteringAfterPhase =
            r.string("classical_clustering_in_feature_space_after_phase")
            ?? r.string("classical_clustering_after_phase")
        classicalClusteringAfterPhaseNumRestarts =
            r.int("classical_clustering_in_feature_space_after_phase_num_restarts")
            ?? r.filledInt("classical_clustering_after_phase_num_restarts")
        associatedFeatureExtractorName = r.string("associated_feature_extractor_name")
        similarityMeasure = r.string("similarity_measure").flatMap(SimilarityMeasure.init)
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
        centroidInitializationStrategy = r.filledEnum("centroid_initialization_strategy", zero: .classicalClustering)
        centroidRecalculationStrategy = r.filledEnum("centroid_recalculation_strategy", zero: .fixedCentroids)
        centroidFilePath = r.string("centroid_file_path")
        centroidRecalculationInterval = r.int("centroid_recalculation_interval").flatMap { $0 >= 1 ? $0 : nil }
        useCentroidsDuringPhases = r.strings("use_centroids_during_phases") ?? []
        options = r.object
        pointer = r.pointer
    }
}

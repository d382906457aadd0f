import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTraining
import XCTest

/// Defects of the reference framework (spec §13) that recombine fixes, each shown on a small run.
final class ReferenceDefectTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func run(_ text: String) throws -> (RunResult, String) {
        let result = try runMethodText(text, directories: &directories)
        return (result, try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8))
    }

    static let encoder = """
          {"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 8}, {"type": "ReLU"}, {"type": "Linear", "in_features": 8, "out_features": 2}]}
        """
    static let classifier = """
          {"name": "head", "type": "feature_space_classifier", "layers": [{"type": "Linear", "in_features": 2, "out_features": 3}, {"name": "softmax", "type": "Softmax", "dim": 1}], "softmax_layer_name": "softmax"}
        """
    static func gaussians(_ name: String, enabled: Bool = true, batch: Int = 64) -> String {
        #"{"name": "\#(name)", "dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": \#(batch), "num_clusters": 3, "shuffle": true, "enabled": \#(enabled)}"#
    }

    /// A classifier strategy trained by P4 + P5 (the CC family) with an NMI exit threshold.
    func classifierMethod(exit: String, datasets: String) -> String {
        """
        {"name": "cc", "mappings": [\(Self.encoder), \(Self.classifier)],
         "phases": [{"name": "train", "order": 1, "exit_criteria": \(exit), "performance_evaluation_interval": 5,
           "design_patterns": [
             {"pattern": "learning_invariance_to_transformations_by_using_assignment_statistics_vectors_and_data_augmentation", "batch_augmentation_name_1": "noise1", "batch_augmentation_name_2": "noise2"},
             {"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments", "classifier_name": "head"}],
           "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "head"]}]}],
         "cluster_assignment_strategy": {"type": "classifier"},
         "datasets": [\(datasets)]}
        """
    }

    func testDisabledDatasetsAreSkipped() throws {  // B1
        let augmented = Self.gaussians("first").replacingOccurrences(
            of: "}",
            with:
                #", "batch_augmentations": [{"name": "noise1", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}, {"name": "noise2", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}]}"#
        )
        let disabled = Self.gaussians("second", enabled: false)
        let (result, log) = try run(
            classifierMethod(exit: #"{"iterations": 10}"#, datasets: augmented + ", " + disabled))
        XCTAssertTrue(log.contains("Skipping dataset \"second\" (disabled)"), log)
        XCTAssertEqual(Set(result.evaluations.map(\.dataset)), ["first"])
    }

    /// B6: `performance_evaluation_nmi_gt` ends the phase at the first evaluation whose NMI exceeds it —
    /// with a threshold that ACC and ARI cross at other evaluations, so a check of another score (or of
    /// `≥`, or of a later evaluation) stops elsewhere.
    func testNMIThresholdEndsThePhaseAtTheFirstEvaluationAboveIt() throws {  // B6
        let augmented = Self.gaussians("data").replacingOccurrences(
            of: "}",
            with:
                #", "batch_augmentations": [{"name": "noise1", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}, {"name": "noise2", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}]}"#
        )
        let (free, _) = try run(classifierMethod(exit: #"{"iterations": 300}"#, datasets: augmented))
        let nmi = free.evaluations.map { $0.nmi ?? .nan }, acc = free.evaluations.map { $0.acc ?? .nan },
            ari = free.evaluations.map { $0.ari ?? .nan }
        func firstAbove(_ values: [Double], _ threshold: Double) -> Int? { values.firstIndex { $0 > threshold } }
        var chosen: (threshold: Double, index: Int)?
        for i in 1..<nmi.count where nmi[i] > nmi[..<i].max()! {
            let threshold = (nmi[..<i].max()! + nmi[i]) / 2
            if firstAbove(acc, threshold) != i && firstAbove(ari, threshold) != i { chosen = (threshold, i); break }
        }
        let (threshold, index) = try XCTUnwrap(
            chosen, "no threshold separates NMI from ACC and ARI on this trajectory: \(nmi)")
        let (result, log) = try run(
            classifierMethod(
                exit: #"{"iterations": 300, "performance_evaluation_nmi_gt": \#(threshold)}"#, datasets: augmented))
        XCTAssertTrue(log.contains("max NMI performance threshold passed"), log)
        XCTAssertEqual(
            result.evaluations.count, index + 1,
            "stopped at evaluation \(result.evaluations.count - 1), NMI first above \(threshold) at \(index)")
        XCTAssertEqual(result.evaluations.map { $0.nmi ?? .nan }, Array(nmi[...index]))
    }

    func testRandomFeatureCentroidsWithoutASubset() throws {  // B15
        let (result, log) = try run(
            """
            {"name": "b15", "mappings": [\(Self.encoder)],
             "phases": [{"name": "clustering", "order": 1, "exit_criteria": {"iterations": 5}, "performance_evaluation_interval": 5,
               "design_patterns": [{"pattern": "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters", "loss_type": "l2",
                  "sample_selection_criterion": "all_samples", "cluster_selection_criterion": "nearest_centroid", "sample_representation": "feature_representation", "cluster_representation": "centroid"}],
               "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"], "optimizes_centroids": true}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "gaussian",
                "gaussian_similarity_measure_inverse_temperature": {"fixed_value": 1.0}, "use_centroids_during_phases": ["clustering"],
                "centroid_initialization_strategy": "random_feature_representations"},
             "datasets": [\(Self.gaussians("data"))]}
            """)
        XCTAssertTrue(log.contains("Initialized feature-space centroids (features of 3 random samples)"), log)
        XCTAssertEqual(result.evaluations.count, 1)
    }

    func testDatasetSmallerThanABatchIsRejectedBeforeTraining() {  // B12
        XCTAssertThrowsError(
            try run(classifierMethod(exit: #"{"iterations": 10}"#, datasets: Self.gaussians("tiny", batch: 5000)))
        ) { error in
            XCTAssertTrue(
                "\(error)".contains("exceeds the 4500 samples") || "\(error)".contains("fewer than batch_size"),
                "\(error)")
        }
    }
}

extension ReferenceDefectTests {
    func testSoftAssignmentMeansRecalculateTheCentroids() throws {
        let (result, _) = try run(
            """
            {"name": "means", "mappings": [\(Self.encoder)],
             "phases": [{"name": "clustering", "order": 1, "exit_criteria": {"iterations": 20}, "performance_evaluation_interval": 20,
               "design_patterns": [{"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments"}],
               "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"]}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
                "use_centroids_during_phases": ["clustering"], "centroid_initialization_strategy": "classical_clustering",
                "centroid_recalculation_strategy": "soft_assignment_means", "centroid_recalculation_interval": 5},
             "datasets": [\(Self.gaussians("data"))]}
            """)
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.6)
    }
}

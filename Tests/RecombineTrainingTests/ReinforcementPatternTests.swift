import Foundation
import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// P8's pair selection on the plain batch (SCAN's self-labelling): the plain batch's assignments pick each
/// sample's cluster and whether it takes part; the loss is the augmented view's.
final class ReinforcementPatternTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    static let centroids = Tensor([0, 0, 4, 0, 0, 4] as [Double], shape: [3, 2]).to(.float32)

    /// A cross-entropy P8 on Student-t assignments of a 2-d encoder, its loss on the view "noise".
    func pattern(_ options: String) throws -> (ReinforcementPattern, MappingSet, ClusterAssignment) {
        let method = try loadMethodText(
            """
            {"name": "self_labelling", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 2}]}],
             "phases": [{"name": "train", "order": 1, "exit_criteria": {"iterations": 1},
               "design_patterns": [{"pattern": "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters",
                  "loss_type": "cross_entropy", "cluster_selection_criterion": "argmax_of_soft_assignments",
                  "sample_representation": "soft_assignments", "cluster_representation": "pseudolabel",
                  "batch_augmentation_name": "noise", \(options)}],
               "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"]}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
               "use_centroids_during_phases": ["train"], "centroid_initialization_strategy": "classical_clustering"},
             "datasets": [{"name": "data", "dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 8, "num_clusters": 3,
               "batch_augmentations": [{"name": "noise", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}]}]}
            """, directories: &directories)
        var g = RandomGenerator(seed: 7)
        let mappings = try MappingSet(specs: method.mappings, generator: &g)
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: mappings, numClusters: 3, seed: 0, referenceNumerics: false)
        strategy.centroids = Self.centroids
        let context = try patternContext(method, mappings: mappings, strategy: strategy)
        return (try ReinforcementPattern(spec: method.phases[0].patterns[0], context: context), mappings, strategy)
    }

    /// A plain batch and a view of it whose nearest clusters differ for some samples.
    static func batches() -> (plain: Tensor, view: Tensor) {
        var g = RandomGenerator(seed: 21)
        let plain = Tensor.normal([10, 2], generator: &g) * 3.0
        let view = plain + Tensor.normal([10, 2], generator: &g) * 2.0
        return (plain, view)
    }

    /// Mean over the selected samples' rows (divided by the batch size) of −log q_view[i, cluster_i].
    static func expectedLoss(qView: [Double], clusters: [Int], selected: [Bool]) -> Double {
        (0..<clusters.count).reduce(0) { $0 + (selected[$1] ? -log(qView[3 * $1 + clusters[$1]]) : 0) }
            / Double(clusters.count)
    }

    func testPairsSelectedOnPlainBatchTakeClustersFromItAndTheLossFromTheView() throws {
        let (plain, view) = Self.batches()
        let step = StepInput(batch: plain, views: ["noise": view], indices: Array(0..<10), phaseIteration: 1, epoch: 1)
        let (onPlain, _, strategy) = try pattern(
            #""sample_selection_criterion": "all_samples", "pairs_selected_on_plain_batch": true"#)
        let (onView, _, _) = try pattern(
            #""sample_selection_criterion": "all_samples", "pairs_selected_on_plain_batch": false"#)
        let qPlain = try strategy.assignments(plain, logits: false),
            qView = try strategy.assignments(view, logits: false)
        let plainClusters = qPlain.argmax(axis: 1), viewClusters = qView.argmax(axis: 1)
        XCTAssertNotEqual(plainClusters, viewClusters, "the view moves some samples to another cluster")
        let all = [Bool](repeating: true, count: 10)
        let expected = Self.expectedLoss(qView: qView.toDoubleArray(), clusters: plainClusters, selected: all)
        let sameView = Self.expectedLoss(qView: qView.toDoubleArray(), clusters: viewClusters, selected: all)
        XCTAssertEqual(try onPlain.losses(step)[0].value.item, expected, accuracy: 1e-5 * expected)
        XCTAssertEqual(try onView.losses(step)[0].value.item, sameView, accuracy: 1e-5 * sameView)
        XCTAssertGreaterThan(abs(expected - sameView), 1e-3, "the two selections give different losses here")
    }

    func testThresholdOnPlainBatchAssignmentsSelectsTheSamplesWhoseLossIsTaken() throws {
        let (plain, view) = Self.batches()
        let step = StepInput(batch: plain, views: ["noise": view], indices: Array(0..<10), phaseIteration: 1, epoch: 1)
        let (p, _, strategy) = try pattern(
            #""pairs_selected_on_plain_batch": true, "sample_selection_criterion": "threshold_on_soft_assignment_to_cluster", "threshold_on_soft_assignment_to_cluster": 0.5"#
        )
        let qPlain = try strategy.assignments(plain, logits: false),
            qView = try strategy.assignments(view, logits: false)
        let plainValues = qPlain.toDoubleArray(), clusters = qPlain.argmax(axis: 1)
        let selected = (0..<10).map { plainValues[3 * $0 + clusters[$0]] >= 0.5 }
        XCTAssertTrue(selected.contains(true) && selected.contains(false), "the threshold splits this batch")
        let expected = Self.expectedLoss(qView: qView.toDoubleArray(), clusters: clusters, selected: selected)
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(try p.losses(step)[0].value.item, expected, accuracy: 1e-5 * expected)
    }

    func testSelectionOnPlainBatchWithoutAnAugmentedViewIsRejectedWhenLoaded() {
        let text = """
            {"name": "self_labelling", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 2}]}],
             "phases": [{"name": "train", "order": 1, "exit_criteria": {"iterations": 1},
               "design_patterns": [{"pattern": "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters",
                  "loss_type": "cross_entropy", "sample_selection_criterion": "all_samples", "cluster_selection_criterion": "argmax_of_soft_assignments",
                  "sample_representation": "soft_assignments", "cluster_representation": "pseudolabel", "pairs_selected_on_plain_batch": true}],
               "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"]}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
               "use_centroids_during_phases": ["train"], "centroid_initialization_strategy": "classical_clustering"},
             "datasets": [{"name": "data", "dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 8, "num_clusters": 3}]}
            """
        XCTAssertThrowsError(try loadMethodText(text, directories: &directories)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("/phases/0/design_patterns/0"), message)
            XCTAssertTrue(message.contains("batch_augmentation_name"), message)
        }
    }
}

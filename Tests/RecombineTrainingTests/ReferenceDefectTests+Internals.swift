import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// Reference defects (spec §13) shown on the trainer's parts: optimizer groups, P8's targets,
/// full-dataset sweeps and batch augmentations.
extension ReferenceDefectTests {
    func testEntropyLossReachesItsOwnGroupFromTheFirstIteration() throws {  // B10
        // One iteration; P5's loss goes to group "entropy", whose optimizer trains the head. The
        // default group's optimizer (encoder) has no loss. The reference sent iteration 1's entropy
        // loss to "default": the encoder would move and the head would not.
        func run(learningRate: Double) throws -> RunResult {
            try runMethodText(
                """
                {"name": "b10", "seed": 4, "mappings": [\(Self.encoder), \(Self.classifier)],
                 "phases": [{"name": "train", "order": 1, "exit_criteria": {"iterations": 1},
                   "design_patterns": [{"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments", "classifier_name": "head", "loss_optimizer_group_name": "entropy"}],
                   "optimizers": [{"type": "SGD", "lr": \(learningRate), "trained_mapping_names": ["encoder"]},
                                  {"type": "SGD", "lr": \(learningRate), "group_name": "entropy", "trained_mapping_names": ["head"]}],
                   "save_mapping_parameters": [{"mapping_name": "encoder", "saving_interval": 1, "path_to_file_or_dir": "weights/encoder/", "keep_old_files": false},
                                               {"mapping_name": "head", "saving_interval": 1, "path_to_file_or_dir": "weights/head/", "keep_old_files": false}]}],
                 "cluster_assignment_strategy": {"type": "classifier"},
                 "datasets": [\(Self.gaussians("data"))]}
                """, directories: &directories)
        }
        let initial = try run(learningRate: 1e-30), trained = try run(learningRate: 1.0)
        XCTAssertEqual(
            try savedWeights(trained, "encoder"), try savedWeights(initial, "encoder"),
            "the default group received no loss")
        let head = try savedWeights(trained, "head"), headBefore = try savedWeights(initial, "head")
        XCTAssertEqual(Set(head.keys), Set(headBefore.keys))
        XCTAssertTrue(
            head.contains { name, values in values != headBefore[name] }, "the entropy group stepped at iteration 1")
    }

    /// P8 of a method text, with its mappings and strategy built as the trainer does.
    func reinforcement(_ text: String, centroids: Tensor? = nil) throws -> (ReinforcementPattern, MappingSet) {
        let method = try loadMethodText(text, directories: &directories)
        var g = RandomGenerator(seed: 7)
        let mappings = try MappingSet(specs: method.mappings, generator: &g)
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: mappings, numClusters: 3, seed: 0, referenceNumerics: false)
        strategy.centroids = centroids
        let context = try patternContext(method, mappings: mappings, strategy: strategy)
        return (try ReinforcementPattern(spec: method.phases[0].patterns[0], context: context), mappings)
    }

    static func p8Method(_ options: String, mappings: String, strategy: String) -> String {
        """
        {"name": "b13", "mappings": [\(mappings)],
         "phases": [{"name": "train", "order": 1, "exit_criteria": {"iterations": 1},
           "design_patterns": [{"pattern": "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters", "loss_type": "l2",
              "sample_selection_criterion": "all_samples", \(options)}],
           "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"]}]}],
         "cluster_assignment_strategy": \(strategy),
         "datasets": [\(Self.gaussians("data"))]}
        """
    }

    func testPseudolabelTargetOfAPairIsItsCluster() throws {  // B13 (pseudolabels)
        let (pattern, mappings) = try reinforcement(
            Self.p8Method(
                #""cluster_selection_criterion": "argmax_of_soft_assignments", "sample_representation": "soft_assignments", "cluster_representation": "pseudolabel", "classifier_name": "head""#,
                mappings: "\(Self.encoder), \(Self.classifier)", strategy: #"{"type": "classifier"}"#))
        var g = RandomGenerator(seed: 11)
        let x = Tensor.normal([12, 2], generator: &g) * 3.0
        let loss = try pattern.losses(
            StepInput(batch: x, views: [:], indices: Array(0..<12), phaseIteration: 1, epoch: 1))[0].value.item
        let head = mappings["head"]!, encoder = mappings["encoder"]!
        let logits = head.logits(encoder(x)).toDoubleArray(), labels = head(encoder(x)).argmax(axis: 1)
        // ‖s_i − e_{k_i}‖² with k_i sample i's own cluster; the reference used sample k_i's one-hot instead.
        func squaredDistance(_ i: Int, to cluster: Int) -> Double {
            (0..<3).reduce(0) { $0 + pow(logits[3 * i + $1] - ($1 == cluster ? 1 : 0), 2) }
        }
        let expected = (0..<12).reduce(0) { $0 + squaredDistance($1, to: labels[$1]) } / 12
        let reference = (0..<12).reduce(0) { $0 + squaredDistance($1, to: labels[labels[$1]]) } / 12
        XCTAssertEqual(loss, expected, accuracy: 1e-5 * expected)
        XCTAssertGreaterThan(abs(reference - expected), 1e-3, "this batch tells the two targets apart")
    }

    func testImageShapedRepresentationsUseWholeSquaredDistances() throws {  // B13 (sum over dim 1 only)
        let decoder =
            #"{"name": "decoder", "type": "design_pattern_specific", "layers": [{"type": "Linear", "in_features": 2, "out_features": 8}, {"type": "Unflatten", "dim": 1, "unflattened_size": [2, 2, 2]}]}"#
        let strategy =
            #"{"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t", "use_centroids_during_phases": ["train"], "centroid_initialization_strategy": "classical_clustering"}"#
        let mu = Tensor([0, 1, -2, 0.5, 3, -1] as [Double], shape: [3, 2]).to(.float32)
        let (pattern, mappings) = try reinforcement(
            Self.p8Method(
                #""cluster_selection_criterion": "all_clusters", "sample_representation": "decoder_reconstructed_sample", "cluster_representation": "centroid_processed_by_decoder", "associated_encoder_name": "encoder", "associated_decoder_name": "decoder""#,
                mappings: "\(Self.encoder), \(decoder)", strategy: strategy), centroids: mu)
        var g = RandomGenerator(seed: 12)
        let x = Tensor.normal([5, 2], generator: &g)
        let loss = try pattern.losses(
            StepInput(batch: x, views: [:], indices: Array(0..<5), phaseIteration: 1, epoch: 1))[0].value.item
        let decoded = mappings["decoder"]!(mappings["encoder"]!(x)), centres = mappings["decoder"]!(mu)
        XCTAssertEqual(decoded.shape, [5, 2, 2, 2])
        let s = decoded.toDoubleArray(), c = centres.toDoubleArray()
        var expected = 0.0
        for i in 0..<5 { for k in 0..<3 { for e in 0..<8 { expected += pow(s[8 * i + e] - c[8 * k + e], 2) } } }
        expected /= 5
        XCTAssertEqual(loss, expected, accuracy: 1e-5 * expected)
    }

    func testFullDatasetFeaturesCarryNoGraph() throws {  // B26 (k-means initialisation features)
        let method = try loadMethodText(TrainerTests.decMethod(), directories: &directories)
        var g = RandomGenerator(seed: 1)
        let mappings = try MappingSet(specs: method.mappings, generator: &g)
        XCTAssertTrue(mappings["encoder"]!.parameters.allSatisfy(\.requiresGrad))
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: mappings, numClusters: 3, seed: 0, referenceNumerics: false)
        let data = try SyntheticDatasets.gaussianMixture(
            counts: [1000, 1000, 500], means: [[0, 0], [4, 0], [0, 4]], stds: [1, 1, 1], seed: 1)
        let z = strategy.allFeatures(data, pipeline: TransformPipeline([]))
        XCTAssertEqual(z.shape, [2500, 2])
        XCTAssertFalse(z.requiresGrad)
        XCTAssertNil(z.gradFn)
        XCTAssertTrue(GradMode.isEnabled, "gradient recording is back on afterwards")
    }

    func testAugmentedViewsHaveTheirOwnStreams() throws {  // B34
        let method = try loadMethodText(
            classifierMethod(
                exit: #"{"iterations": 1}"#,
                datasets: Self.gaussians("data").replacingOccurrences(of: "}", with: Self.noiseViews)),
            directories: &directories)
        let spec = method.datasets[0]
        let context = try DatasetContext(spec: spec, data: SyntheticDatasets.threeGaussians(seed: 1), seed: 9)
        let indices = Array(0..<64)
        let views = context.views(["noise1", "noise2"], indices: indices, epoch: 1, batchIndex: 0)
        let clean = context.data.batch(indices).toDoubleArray()
        let one = views["noise1"]!.toDoubleArray(), two = views["noise2"]!.toDoubleArray()
        XCTAssertEqual(Set(views.keys), ["noise1", "noise2"])
        XCTAssertNotEqual(one, clean, "the noise is applied to feature vectors")
        XCTAssertNotEqual(one, two, "identically configured views draw different noise")
        XCTAssertEqual(
            context.views(["noise1", "noise2"], indices: indices, epoch: 1, batchIndex: 0)["noise2"]!.toDoubleArray(),
            two, "reproducible")
        XCTAssertNotEqual(
            context.views(["noise1"], indices: indices, epoch: 2, batchIndex: 0)["noise1"]!.toDoubleArray(), one,
            "new noise each epoch")
        // Noise of std 0.1: the views stay near the samples.
        let deviation = zip(one, clean).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(one.count)
        XCTAssertEqual(deviation.squareRoot(), 0.1, accuracy: 0.02)
    }

    func testOnlyTheAugmentationsAPhaseUsesAreComputed() throws {  // B29
        // Phase 1 (reconstruction) reads no view, phase 2 (cluster-level contrast) reads both.
        let decoder =
            #"{"name": "decoder", "type": "design_pattern_specific", "layers": [{"type": "Linear", "in_features": 2, "out_features": 2}]}"#
        let method = classifierMethod(
            exit: #"{"iterations": 3}"#,
            datasets: Self.gaussians("data").replacingOccurrences(of: "}", with: Self.noiseViews)
        )
        .replacingOccurrences(of: "\(Self.classifier)]", with: "\(Self.classifier), \(decoder)]")
        .replacingOccurrences(
            of: #""phases": ["#,
            with: #"""
                "phases": [{"name": "pretraining", "order": 0, "exit_criteria": {"iterations": 3},
                  "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}],
                  "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "decoder"]}]},
                """#)
        XCTAssertTrue(method.contains(#""name": "pretraining""#))
        let (_, log) = try run(method)
        let lines = log.split(separator: "\n").filter { $0.contains("Batch augmentations computed per iteration") }
        XCTAssertEqual(lines.count, 2, log)
        XCTAssertTrue(lines[0].hasSuffix("per iteration: none"), "\(lines[0])")
        XCTAssertTrue(lines[1].hasSuffix(#"per iteration: "noise1", "noise2""#), "\(lines[1])")
    }

    /// A method file the method checks refuse (as `recombine validate` does), with the pointer of the fault.
    func assertInvalid(_ method: String, pointer: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try loadMethodText(method, directories: &directories), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(pointer), "expected \(pointer) in: \(error)", file: file, line: line)
        }
    }

    func testFeatureVectorsRefuseImageTransforms() throws {
        // Known shapes (Gaussians: [2]): refused by the method checks, at the transform's pointer.
        let rotated = Self.gaussians("data").replacingOccurrences(
            of: "}", with: #", "transforms": [{"type": "RandomRotation", "degrees": 10}]"# + Self.noiseViews)
        assertInvalid(
            classifierMethod(exit: #"{"iterations": 1}"#, datasets: rotated), pointer: "/datasets/0/transforms/0")
        let flipView = Self.noiseViews.replacingOccurrences(
            of: #""type": "GaussianNoise", "std": 0.1}]}]}"#,
            with: #""type": "RandomApply", "transforms": [{"type": "RandomHorizontalFlip"}]}]}]}"#)
        XCTAssertNotEqual(flipView, Self.noiseViews)
        assertInvalid(
            classifierMethod(
                exit: #"{"iterations": 1}"#,
                datasets: Self.gaussians("data").replacingOccurrences(of: "}", with: flipView)),
            pointer: "/datasets/0/batch_augmentations/1/transforms/0")
        // Shapes known only from the file (CSV): refused when the data is read, before training.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        directories.append(directory)
        var csv = "x,y,label\n"
        for i in 0..<90 { csv += "\(Double(i % 3) * 5),\(Double(i) * 0.01),\(i % 3)\n" }
        try csv.write(to: directory.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        let fromFile =
            #"{"name": "data", "dataset": "CSV", "path": "\#(directory.path)/points.csv", "label_column": "label", "batch_size": 30, "num_clusters": 3, "transforms": [{"type": "Pad", "padding": 1}]"#
            + Self.noiseViews
        assertRejected(
            classifierMethod(exit: #"{"iterations": 1}"#, datasets: fromFile), pointer: "/datasets/0/transforms/0")
    }

    /// B7: with several classifiers, the strategy selects by the scores of each classifier's evaluations
    /// (the reference crashed calling the selection without its second argument), and a run with two
    /// heads and a highest_* criterion trains and is scored.
    func testSeveralClassifiersAreSelectedByTheirScores() throws {  // B7
        func method(_ criterion: String, iterations: Int = 1) -> String {
            let head = { (name: String) in
                #"{"name": "\#(name)", "type": "feature_space_classifier", "layers": [{"type": "Linear", "in_features": 2, "out_features": 3}, {"name": "softmax", "type": "Softmax", "dim": 1}], "softmax_layer_name": "softmax"}"#
            }
            return """
                {"name": "b7", "mappings": [\(Self.encoder), \(head("head_a")), \(head("head_b"))],
                 "phases": [{"name": "train", "order": 1, "exit_criteria": {"iterations": \(iterations)}, "performance_evaluation_interval": 5,
                   "design_patterns": [{"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments", "classifier_name": "head_a"},
                                       {"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments", "classifier_name": "head_b"}],
                   "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "head_a", "head_b"]}]}],
                 "cluster_assignment_strategy": {"type": "classifier", "classifier_selection_criterion": "\(criterion)"},
                 "datasets": [\(Self.gaussians("data"))]}
                """
        }
        // head_a: NMI 0.2 then 0.9 (best last); head_b: 0.8 then 0.5 (best average).
        let history: [String: [(acc: Double, nmi: Double, ari: Double)]] = [
            "head_a": [(0.9, 0.2, 0.9), (0.1, 0.9, 0.1)], "head_b": [(0.1, 0.8, 0.1), (0.9, 0.5, 0.9)],
        ]
        let expected = [
            "highest_last_nmi": ["head_a"], "highest_average_nmi": ["head_b"], "highest_last_acc": ["head_b"],
            "highest_average_ari": ["head_a"], "average": ["head_a", "head_b"], "first_declared": ["head_a"],
        ]
        for (criterion, names) in expected {
            let spec = try loadMethodText(method(criterion), directories: &directories)
            var g = RandomGenerator(seed: 7)
            let mappings = try MappingSet(specs: spec.mappings, generator: &g)
            let strategy = try ClusterAssignment(
                spec: spec.strategy, mappings: mappings, numClusters: 3, seed: 0, referenceNumerics: false)
            if criterion.hasPrefix("highest") {
                XCTAssertEqual(strategy.classifiers.map(\.name), ["head_a", "head_b"], "before any evaluation: all")
            }
            strategy.classifierHistory = history
            XCTAssertEqual(strategy.classifiers.map(\.name), names, criterion)
        }
        let result = try runMethodText(method("highest_last_nmi", iterations: 20), directories: &directories)
        XCTAssertEqual(result.evaluations.count, 4)
        XCTAssertNotNil(result.final?.nmi)
    }
}

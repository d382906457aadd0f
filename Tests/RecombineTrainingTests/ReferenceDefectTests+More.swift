import Foundation
import RecombineMethod
import RecombineTestSupport
import RecombineTraining
import XCTest

/// More defects of the reference framework (spec §13), each shown on a small run or a rejected file.
extension ReferenceDefectTests {
    static let noiseViews =
        #", "batch_augmentations": [{"name": "noise1", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}, {"name": "noise2", "transforms": [{"type": "GaussianNoise", "std": 0.1}]}]}"#

    /// The reconstruction losses reported every `interval` iterations of the DEC teaching method's pretraining.
    func reconstructionReports(interval: Int, reduction: String = "mean_across_samples") throws -> [Double] {
        let method = TrainerTests.decMethod()
            .replacingOccurrences(
                of: #""decoder_name": "decoder", "loss_report_interval": 50"#,
                with:
                    #""decoder_name": "decoder", "loss_report_interval": \#(interval), "loss_reduction_method": "\#(reduction)""#
            )
        XCTAssertTrue(method.contains("\"loss_report_interval\": \(interval)"))
        let result = try runMethodText(method, seed: 5, directories: &directories)
        let lines = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(
            separator: "\n")
        return try lines.compactMap { line -> Double? in
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard record["kind"] as? String == "loss", record["phase"] as? String == "pretraining" else { return nil }
            return (record["loss"] as! NSNumber).doubleValue
        }
    }

    // B2 (classifier registry), B4 (associated extractor by name)
    func testClassifierMethodRunsOnSeveralDatasets() throws {
        let head = Self.classifier.replacingOccurrences(
            of: #""type": "feature_space_classifier","#,
            with: #""type": "feature_space_classifier", "associated_feature_extractor_name": "encoder","#)
        let datasets =
            Self.gaussians("first").replacingOccurrences(of: "}", with: Self.noiseViews) + ", "
            + Self.gaussians("second").replacingOccurrences(of: "}", with: Self.noiseViews)
        let method = classifierMethod(exit: #"{"iterations": 10}"#, datasets: datasets)
            .replacingOccurrences(of: Self.classifier, with: head)
            .replacingOccurrences(
                of: #"{"type": "classifier"}"#,
                with: #"{"type": "classifier", "associated_feature_extractor_name": "encoder"}"#)
        XCTAssertTrue(method.contains(#""associated_feature_extractor_name": "encoder"}"#))
        let (result, _) = try run(method)
        XCTAssertEqual(Set(result.evaluations.map(\.dataset)), ["first", "second"])
    }

    /// B3: the classical-clustering strategy reads its schema key and clusters once, when the named
    /// phase ends (the reference read another key and crashed at the first phase exit).
    func testClassicalClusteringRunsWhenItsNamedPhaseEnds() throws {  // B3
        let result = try runMethodText(
            """
            {"name": "b3", "mappings": [\(PretrainingPatternTests.autoencoder)],
             "phases": [{"name": "pretraining", "order": 1, "exit_criteria": {"iterations": 20},
                         "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}],
                         "optimizers": [{"type": "Adam", "lr": 0.001, "trained_mapping_names": ["encoder", "decoder"]}]},
                        {"name": "evaluation", "order": 2, "exit_criteria": {"iterations": 1}, "performance_evaluation_interval": 1}],
             \(PretrainingPatternTests.tail)
            """, directories: &directories)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        let clusterings = log.components(separatedBy: "\n").filter { $0.contains("k-means on the features") }
        XCTAssertEqual(clusterings.count, 1, log)
        XCTAssertTrue(clusterings.first?.contains(#"Performance after phase "pretraining""#) == true, log)
        XCTAssertEqual(result.evaluations.map(\.phase), ["pretraining", "evaluation"])
        XCTAssertNotNil(result.final?.acc)
    }

    func testRunningLossIncludesTheReportingIteration() throws {  // B9
        let every = try reconstructionReports(interval: 1)
        let fourth = try reconstructionReports(interval: 4)
        XCTAssertGreaterThan(fourth.count, 2)
        for (r, report) in fourth.prefix(3).enumerated() {
            let window = every[(4 * r)..<(4 * r + 4)]
            XCTAssertEqual(
                report, window.reduce(0, +) / 4, accuracy: 1e-5 * abs(report),
                "report \(r + 1) is the mean of its 4 iterations")
        }
    }

    func testSumReductionIsTheSumOfSquaredErrors() throws {  // B8
        let mean = try reconstructionReports(interval: 1, reduction: "mean_across_elements")
        let sum = try reconstructionReports(interval: 1, reduction: "sum")
        let perSample = try reconstructionReports(interval: 1, reduction: "mean_across_samples")
        // Same seed, same first batch and weights: batch 100 of 2-d samples.
        XCTAssertEqual(sum[0], mean[0] * 200, accuracy: 1e-4 * sum[0])
        XCTAssertEqual(perSample[0], mean[0] * 2, accuracy: 1e-4 * perSample[0])
    }

    func testCentroidsAreSavedAtTheirIntervalWithoutMappingSaves() throws {  // B14
        let method = TrainerTests.decMethod().replacingOccurrences(
            of:
                #""save_mapping_parameters": [{"mapping_name": "encoder", "saving_interval": 20, "path_to_file_or_dir": "weights/", "keep_old_files": false}]"#,
            with:
                #""save_centroids": {"saving_interval": 15, "path_to_file_or_dir": "centroids/", "keep_old_files": true}"#
        )
        XCTAssertTrue(method.contains("save_centroids"))
        let result = try runMethodText(method, directories: &directories)
        let files = try FileManager.default.contentsOfDirectory(atPath: result.runDirectory + "/centroids").sorted()
        // 40 clustering iterations, every 15: iterations 15 and 30, and the phase end (40); never every iteration.
        XCTAssertEqual(files.count, 3, "\(files)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: result.runDirectory + "/weights"))
    }

    func testFewerClustersThanLabelClassesIsReported() {  // B19
        let method = TrainerTests.decMethod().replacingOccurrences(
            of: #""num_clusters": 3"#, with: #""num_clusters": 2"#)
        XCTAssertThrowsError(try runMethodText(method, directories: &directories)) { error in
            XCTAssertTrue("\(error)".contains("num_clusters"), "\(error)")
            XCTAssertTrue("\(error)".contains("labels run from 0 to 2"), "names the labels found: \(error)")
        }
    }

    /// A method file that must be rejected before training, with the JSON pointer of the fault.
    func assertRejected(_ method: String, pointer: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try runMethodText(method, directories: &directories), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(pointer), "expected \(pointer) in: \(error)", file: file, line: line)
        }
    }

    func testGaussianTemperatureWithoutValuesIsRejected() {  // B31, B33
        let gaussian = { (temperature: String) in
            TrainerTests.decMethod().replacingOccurrences(
                of: #""similarity_measure": "student_t", "student_t_distance_power": 2.0"#,
                with:
                    #""similarity_measure": "gaussian", "gaussian_similarity_measure_inverse_temperature": \#(temperature)"#
            )
        }
        XCTAssertTrue(gaussian("{}").contains("gaussian_similarity_measure_inverse_temperature"))
        assertRejected(
            gaussian("{}"), pointer: "/cluster_assignment_strategy/gaussian_similarity_measure_inverse_temperature")
        assertRejected(
            gaussian(#"{"annealing_initial_value": 1.0, "annealing_final_value": 4.0}"#),
            pointer: "/cluster_assignment_strategy/gaussian_similarity_measure_inverse_temperature")
    }

    func testMissingEncoderOrDecoderOfAPatternIsRejected() {  // B11 (P6 encoder), B32 (P8 decoder)
        let misspeltEncoder = TrainerTests.decMethod().replacingOccurrences(
            of: #""encoder_name": "encoder""#, with: #""encoder_name": "encodr""#)
        assertRejected(misspeltEncoder, pointer: "/phases/0/design_patterns/0/encoder_name")
        let reinforcing = """
            {"name": "p8", "mappings": [\(Self.encoder)],
             "phases": [{"name": "clustering", "order": 1, "exit_criteria": {"iterations": 5},
               "design_patterns": [{"pattern": "encouraging_cluster_formation_by_reinforcing_current_assignments_of_samples_to_clusters", "loss_type": "l2",
                  "sample_selection_criterion": "all_samples", "cluster_selection_criterion": "nearest_centroid",
                  "sample_representation": "sample", "cluster_representation": "centroid", "decoder_name": "missing_decoder"}],
               "optimizers": [{"type": "SGD", "lr": 0.01, "trained_mapping_names": ["encoder"], "optimizes_centroids": true}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
                "use_centroids_during_phases": ["clustering"], "centroid_initialization_strategy": "classical_clustering"},
             "datasets": [\(Self.gaussians("data"))]}
            """
        assertRejected(reinforcing, pointer: "/phases/0/design_patterns/0/decoder_name")
    }

    func testEvaluationRunsInEvaluationMode() throws {  // B25
        // Dropout after the encoder's last layer, so every weight is initialised as without it.
        try assertEvaluationsIgnoreDropout { layer in
            """
            {"name": "b25", "mappings": [
               {"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"},
                  {"type": "Linear", "in_features": 16, "out_features": 2}\(layer)]}],
             "phases": [{"name": "clustering", "order": 1, "exit_criteria": {"iterations": 10}, "performance_evaluation_interval": 5,
               "design_patterns": [{"pattern": "preventing_cluster_degeneracy_by_maximizing_entropy_of_soft_assignments"}],
               "optimizers": [{"type": "SGD", "lr": 1e-20, "trained_mapping_names": ["encoder"]}]}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
                "use_centroids_during_phases": ["clustering"], "centroid_initialization_strategy": "classical_clustering"},
             "datasets": [\(Self.gaussians("data"))]}
            """
        }
    }

    /// B25 for classical_clustering_in_feature_space_after_phase, whose evaluation runs k-means on its own
    /// sweep of encoder features rather than on soft assignments.
    func testClassicalClusteringEvaluatesInEvaluationMode() throws {
        try assertEvaluationsIgnoreDropout { layer in
            let mappings = PretrainingPatternTests.autoencoder.replacingOccurrences(
                of: #""out_features": 2}]},"#, with: #""out_features": 2}\#(layer)]},"#)
            return """
                {"name": "b25_classical", "mappings": [\(mappings)],
                 "phases": [{"name": "pretraining", "order": 1, "exit_criteria": {"iterations": 10}, "performance_evaluation_interval": 5,
                   "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}],
                   "optimizers": [{"type": "SGD", "lr": 1e-20, "trained_mapping_names": ["encoder", "decoder"]}]}],
                 \(PretrainingPatternTests.tail)
                """
        }
    }

    /// Evaluations of `method(layer)` (at iterations 5 and 10, and at the end if the strategy adds one) with weights that cannot move (lr far below
    /// float32 resolution): with `layer` a Dropout(0.9) they equal those without it only if dropout is
    /// off while evaluating.
    func assertEvaluationsIgnoreDropout(
        _ method: (String) -> String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let dropout = method(#", {"type": "Dropout", "p": 0.9}"#)
        XCTAssertTrue(
            dropout.contains("Dropout"), "the method text has no place for the dropout layer", file: file, line: line)
        let with = try run(dropout).0.evaluations, without = try run(method("")).0.evaluations
        XCTAssertEqual(Array(with.map(\.iteration).prefix(2)), [5, 10], file: file, line: line)
        XCTAssertEqual(with.map(\.iteration), without.map(\.iteration), file: file, line: line)
        XCTAssertEqual(with.map(\.acc), without.map(\.acc), file: file, line: line)
        XCTAssertEqual(with.map(\.nmi), without.map(\.nmi), file: file, line: line)
    }
}

extension ReferenceDefectTests {
    /// The first logged divergence loss of Configurations/dec_gaussians.json with the given numerics and DEC weight.
    func firstDivergenceLoss(numerics: String, weight: Double) throws -> Double {
        let repository = URL(fileURLWithPath: TrainerTests.schemaDirectory).deletingLastPathComponent()
        var method = try String(
            contentsOf: repository.appendingPathComponent("Configurations/dec_gaussians.json"), encoding: .utf8)
        method = method.replacingOccurrences(of: #""numerics": "papers""#, with: #""numerics": "\#(numerics)""#)
            .replacingOccurrences(
                of: #""target_distribution_recalculation_interval": 10,"#,
                with: #""target_distribution_recalculation_interval": 10, "loss_weight": \#(weight),"#
            )
            .replacingOccurrences(of: #""loss_report_interval": 5"#, with: #""loss_report_interval": 1"#)
        let result = try runMethodText(method, directories: &directories)
        let lines = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(
            separator: "\n")
        for line in lines {
            let record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if record["term"] as? String == "divergence_loss", record["phase"] as? String == "clustering" {
                return try XCTUnwrap(record["loss"] as? Double)
            }
        }
        throw TrainingError("no divergence loss was logged")
    }

    func testDivergenceWeightIsAppliedWithPaperNumericsAndIgnoredWithReferenceNumerics() throws {  // B5
        // Iteration 1 of the clustering phase starts from the same pretrained weights, so only the weight differs.
        let papers = try firstDivergenceLoss(numerics: "papers", weight: 1),
            halfPapers = try firstDivergenceLoss(numerics: "papers", weight: 0.5)
        assertClose(halfPapers, papers / 2, tolerance: 1e-9)
        let reference = try firstDivergenceLoss(numerics: "reference", weight: 1),
            halfReference = try firstDivergenceLoss(numerics: "reference", weight: 0.5)
        assertClose(halfReference, reference, tolerance: 1e-12)
        XCTAssertGreaterThan(papers, 0)
    }
}

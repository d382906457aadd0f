import Foundation
import RecombineMethod
import RecombineNN
import RecombineTensor
import RecombineTestSupport
import RecombineTraining
import XCTest

/// End-to-end runs of small methods on synthetic data (seconds in debug builds).
final class TrainerTests: XCTestCase {
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    static let schemaDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Schema").path

    /// An autoencoder on the three-Gaussian teaching set, pretrained by reconstruction, then DEC's KL
    /// target with Student-t centroids initialised by k-means.
    /// A 2-16-2 encoder and a 2-16-2 decoder, as the `mappings` array of a method file.
    static let tinyAutoencoderMappings = """
        [
           {"name": "encoder", "type": "feature_extractor", "layers": [
              {"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"}, {"type": "Linear", "in_features": 16, "out_features": 2}]},
           {"name": "decoder", "type": "design_pattern_specific", "layers": [
              {"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"}, {"type": "Linear", "in_features": 16, "out_features": 2}]}]
        """

    static func decMethod(power: Double = 2, learningRate: Double = 0.01) -> String {
        """
        {"name": "tiny_dec", "seed": 3,
         "mappings": \(tinyAutoencoderMappings),
         "phases": [
           {"name": "pretraining", "order": 1, "exit_criteria": {"epochs": 2},
            "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder", "loss_report_interval": 50}],
            "optimizers": [{"type": "Adam", "lr": \(learningRate), "trained_mapping_names": ["encoder", "decoder"]}]},
           {"name": "clustering", "order": 2, "exit_criteria": {"iterations": 40}, "performance_evaluation_interval": 20,
            "design_patterns": [{"pattern": "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution", "target_distribution_recalculation_interval": 10}],
            "optimizers": [{"type": "SGD", "lr": 0.01, "momentum": 0.9, "trained_mapping_names": ["encoder"], "optimizes_centroids": true}],
            "save_mapping_parameters": [{"mapping_name": "encoder", "saving_interval": 20, "path_to_file_or_dir": "weights/", "keep_old_files": false}]}],
         "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t", "student_t_distance_power": \(power),
            "use_centroids_during_phases": ["clustering"], "centroid_initialization_strategy": "classical_clustering",
            "centroid_initialization_classical_clustering_num_restarts": 3},
         "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100, "num_clusters": 3, "shuffle": true}]}
        """
    }

    var directories: [URL] = []

    func run(_ text: String, seed: UInt64? = nil, scale: Double = 1, name: String = "m") throws -> RunResult {
        try runMethodText(text, seed: seed, scale: scale, directories: &directories)
    }

    func testDECOnThreeGaussiansClustersAndWritesTheRunDirectory() throws {
        let result = try run(Self.decMethod())
        let final = try XCTUnwrap(result.final)
        XCTAssertGreaterThan(final.acc!, 0.9, "ACC \(final.acc!)")
        XCTAssertEqual(result.evaluations.count, 2)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/result.json"))) as! [String: Any]
        for key in ["method", "seed", "final", "evaluations", "wall_seconds"] { XCTAssertNotNil(json[key], key) }
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: result.runDirectory + "/weights/tiny_dec_encoder.safetensors"))
        let metrics = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8)
        XCTAssertTrue(metrics.contains("\"kind\":\"loss\"") && metrics.contains("\"kind\":\"evaluation\""))
        XCTAssertTrue(metrics.contains("\"learning_rates\":{\"optimizer_0\":"), "loss records carry the learning rates")
        let provenance = try XCTUnwrap(json["provenance"] as? [String: Any])
        // Recorded when this test binary was built, from this checkout: its HEAD (tests build first).
        let revision = try XCTUnwrap(provenance["git_revision"] as? String)
        if let head = SourceRevisionHead.current() {
            XCTAssertTrue(
                revision == head || revision == head + "+modified", "\(revision) is not the checkout's \(head)")
        } else {
            XCTAssertEqual(revision, "unknown")
        }
        let end = try XCTUnwrap((json["end_of_training"] as? [[String: Any]])?.first)
        XCTAssertEqual(end["dataset"] as? String, "GaussianMixture")
        XCTAssertGreaterThan((end["acc"] as? Double) ?? 0, 0.9)
        XCTAssertNil((json["final"] as? [String: Any])?["source"], "a scheduled evaluation stays the final result")
    }

    /// Without scheduled evaluations the state training ended in is scored and becomes the final result.
    func testRunWithoutEvaluationsReportsTheEndOfTraining() throws {
        let method = try MethodDocument(Self.decMethod()).removing("/phases/1/performance_evaluation_interval").text
        let result = try run(method)
        XCTAssertTrue(result.evaluations.isEmpty)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/result.json"))) as! [String: Any]
        let final = try XCTUnwrap(json["final"] as? [String: Any])
        XCTAssertEqual(final["source"] as? String, "end_of_training")
        XCTAssertGreaterThan((final["acc"] as? Double) ?? 0, 0.9)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains("Performance at the end of training on dataset \"GaussianMixture\": ACC"), log)
    }

    func testSameSeedGivesTheSameNumbersAndScaleShortensRuns() throws {  // B24
        let a = try run(Self.decMethod(power: 4), seed: 11, name: "a"),
            b = try run(Self.decMethod(power: 4), seed: 11, name: "b")
        let finalA = try XCTUnwrap(a.final, "the run must be scored"),
            finalB = try XCTUnwrap(b.final, "the run must be scored")
        XCTAssertEqual([finalA.acc, finalA.nmi, finalA.ari], [finalB.acc, finalB.nmi, finalB.ari])
        XCTAssertNotNil(finalA.acc)
        XCTAssertEqual(a.evaluations.map(\.nmi), b.evaluations.map(\.nmi))
        let short = try run(Self.decMethod(), seed: 11, scale: 0.25, name: "short")
        // 40 clustering iterations scaled to 10: the evaluation interval (20) no longer fires.
        XCTAssertEqual(short.evaluations.count, 0)
    }

    func testDivergingLossStopsWithTheTermAndIterationNamed() throws {
        XCTAssertThrowsError(try run(Self.decMethod(learningRate: 1e30), name: "nan")) { error in
            let text = "\(error)"
            // Whether the exploded weights give NaN or ±Inf first depends on the CPU's kernels.
            XCTAssertTrue(["became NaN", "became +Inf", "became -Inf"].contains { text.contains($0) }, text)
            for part in [
                "method 'tiny_dec'", "phase 'pretraining'", "iteration 2:", "reconstruction_loss", "last finite value",
                "at iteration 1",
            ] {
                XCTAssertTrue(text.contains(part), "'\(part)' missing from: \(text)")
            }
        }
        // The run directory stays valid and says why it stopped.
        let run = directories.last!.appendingPathComponent("run").path
        let result =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/result.json")))
            as! [String: Any]
        XCTAssertEqual(result["status"] as? String, "failed")
        XCTAssertTrue((result["reason"] as? String ?? "").contains("reconstruction_loss"))
        XCTAssertNotNil(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/method.json"))))
    }
}

/// The adversarial-interpolation and layer-wise patterns on the teaching set.
final class PretrainingPatternTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func run(_ text: String) throws -> RunResult { try runMethodText(text, directories: &directories) }

    static let autoencoder = """
          {"name": "encoder", "type": "feature_extractor", "layers": [
             {"name": "e1", "type": "Linear", "in_features": 2, "out_features": 8}, {"name": "e2", "type": "ReLU"}, {"name": "e3", "type": "Linear", "in_features": 8, "out_features": 2}]},
          {"name": "decoder", "type": "design_pattern_specific", "layers": [
             {"name": "d1", "type": "Linear", "in_features": 2, "out_features": 8}, {"name": "d2", "type": "ReLU"}, {"name": "d3", "type": "Linear", "in_features": 8, "out_features": 2}]}
        """
    static let tail = """
          "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "pretraining",
                                          "classical_clustering_in_feature_space_after_phase_num_restarts": 2},
          "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 64, "num_clusters": 3, "shuffle": true}]}
        """

    func testLayerWisePretrainingRunsItsStagesThenClassicalClustering() throws {
        let result = try run(
            """
            {"name": "layer_wise", "mappings": [\(Self.autoencoder)],
             "phases": [{"name": "pretraining", "order": 1, "exit_criteria": {"iterations": 60},
               "design_patterns": [{"pattern": "facilitating_training_of_feature_extractor_by_using_layer_wise_pretraining", "encoder_name": "encoder", "decoder_name": "decoder",
                  "dropout_rate": 0.1, "encoder_decoder_layer_pairs": [
                     {"encoder_layer_names": ["e1", "e2"], "decoder_layer_names": ["d3"], "train_for_iterations": 30},
                     {"encoder_layer_names": ["e3"], "decoder_layer_names": ["d1", "d2"], "train_for_iterations": 20}]}],
               "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "decoder"]}]}],
             \(Self.tail)
            """)
        let final = try XCTUnwrap(result.final)
        XCTAssertEqual(final.phase, "pretraining")
        XCTAssertGreaterThan(final.acc!, 0.6)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains("now pretraining layers [\"e3\"] of encoder and [\"d1\", \"d2\"] of decoder"), log)
        XCTAssertTrue(log.contains("finished pretraining all layers"), log)
    }

    /// Pretraining on one dataset, centroids only in a later dataset's evaluation (the shape of
    /// Configurations/layer_wise_pretraining.json): the first dataset ends without assignments
    /// instead of failing the run after all its training.
    func testDatasetEndingBeforeItsCentroidsExistIsNotScored() throws {
        let result = try run(
            """
            {"name": "pretrain_then_evaluate", "mappings": [\(Self.autoencoder)],
             "phases": [{"name": "pretraining", "order": 1, "exit_criteria": {"iterations": 20},
               "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}],
               "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "decoder"]}]},
               {"name": "evaluation", "order": 2, "exit_criteria": {"iterations": 1}, "performance_evaluation_interval": 1}],
             "cluster_assignment_strategy": {"type": "feature_representation_centroid_similarity", "similarity_measure": "student_t",
                "use_centroids_during_phases": ["evaluation"], "centroid_initialization_strategy": "classical_clustering",
                "centroid_recalculation_strategy": "fixed_centroids"},
             "datasets": [{"name": "train", "dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 64, "num_clusters": 3, "phases": ["pretraining"]},
                          {"name": "test", "dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 2, "batch_size": 64, "num_clusters": 3,
                           "phases": ["evaluation"], "reinitialize_mappings": false}]}
            """)
        XCTAssertEqual(result.status, .completed)
        let final = try XCTUnwrap(result.final)
        XCTAssertEqual(final.dataset, "test")
        XCTAssertEqual(final.phase, "evaluation")
        XCTAssertEqual(result.endOfTraining.map(\.dataset), ["test"])
        XCTAssertEqual(result.predictionsDataset, "test", "predictions.csv holds the dataset that has predictions")
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(
            log.contains(
                #"No cluster assignments at the end of dataset "train": the strategy's centroids are initialised only in phases ["evaluation"]"#
            ), log)
        let (tensors, metadata) = try Safetensors.read(result.runDirectory + "/final.safetensors")
        XCTAssertEqual(metadata["dataset"], "test")
        XCTAssertNotNil(tensors["analysis/predictions"])
        XCTAssertNotNil(tensors["strategy/centroids"])
    }

    /// One SGD iteration of ACAI with the critic's loss in group "adversary" (critic) and the autoencoder's
    /// in group "autoencoder" (encoder and decoder): a group whose learning rate is ~0 leaves exactly its own
    /// mappings where they started, and each group's step is the same whatever the other group's loss
    /// weight — no gradient of one group's loss reaches the other group's step.
    func testAdversarialInterpolationTrainsCriticAndAutoencoderInSeparateGroups() throws {  // B35
        for variant in [
            ("critic", #""critic_name": "critic", "critic_loss_optimizer_group_name": "adversary""#),
            (
                "discriminator",
                #""discriminator_name": "critic", "discriminator_loss_optimizer_group_name": "adversary""#
            ),
        ] {
            let lastLayer = variant.0 == "critic" ? "" : #", {"type": "Sigmoid"}"#
            func train(
                optimizer: String = "SGD", autoencoderRate: Double = 0.01, criticRate: Double = 0.01,
                autoencoderWeight: Double = 1, criticWeight: Double = 1, iterations: Int = 1
            ) throws -> RunResult {
                try run(
                    """
                    {"name": "acai", "seed": 3, "mappings": [\(Self.autoencoder),
                       {"name": "critic", "type": "design_pattern_specific", "layers": [{"type": "Linear", "in_features": 2, "out_features": 8}, {"type": "ReLU"}, {"type": "Linear", "in_features": 8, "out_features": 1}\(lastLayer)]}],
                     "phases": [{"name": "pretraining", "order": 1, "exit_criteria": {"iterations": \(iterations)},
                       "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder", "loss_optimizer_group_name": "autoencoder"},
                          {"pattern": "training_feature_extractor_by_using_adversarial_interpolation", "encoder_name": "encoder", "decoder_name": "decoder",
                           "autoencoder_loss_optimizer_group_name": "autoencoder", \(variant.1), "loss_report_interval": 10,
                           "autoencoder_loss_weight": \(autoencoderWeight), "\(variant.0)_loss_weight": \(criticWeight)}],
                       "optimizers": [{"type": "\(optimizer)", "lr": \(autoencoderRate), "trained_mapping_names": ["encoder", "decoder"], "group_name": "autoencoder"},
                                      {"type": "\(optimizer)", "lr": \(criticRate), "trained_mapping_names": ["critic"], "group_name": "adversary"}],
                       "save_mapping_parameters": [\(["encoder", "decoder", "critic"].map { #"{"mapping_name": "\#($0)", "saving_interval": 1, "path_to_file_or_dir": "weights/\#($0)/", "keep_old_files": false}"# }.joined(separator: ", "))]}],
                     \(Self.tail)
                    """)
            }
            let untouched = try train(autoencoderRate: 1e-30, criticRate: 1e-30), both = try train()
            let criticOnly = try train(autoencoderRate: 1e-30), autoencoderOnly = try train(criticRate: 1e-30)
            let lighterAutoencoderLoss = try train(autoencoderWeight: 0.25),
                lighterCriticLoss = try train(criticWeight: 0.25)
            for mapping in ["encoder", "decoder"] {
                XCTAssertEqual(
                    try savedWeights(criticOnly, mapping), try savedWeights(untouched, mapping),
                    "\(mapping) moved with the critic's group")
                XCTAssertNotEqual(
                    try savedWeights(both, mapping), try savedWeights(untouched, mapping), "\(mapping) did not move")
                XCTAssertEqual(
                    try savedWeights(lighterCriticLoss, mapping), try savedWeights(both, mapping),
                    "the critic's loss reached the \(mapping)'s step")
            }
            XCTAssertEqual(
                try savedWeights(autoencoderOnly, "critic"), try savedWeights(untouched, "critic"),
                "the critic moved with the autoencoder's group")
            XCTAssertNotEqual(
                try savedWeights(both, "critic"), try savedWeights(untouched, "critic"), "the critic did not move")
            XCTAssertEqual(
                try savedWeights(lighterAutoencoderLoss, "critic"), try savedWeights(both, "critic"),
                "the autoencoder's loss reached the critic's step")
            // Longer, both losses are reported and the run is scored.
            let trained = try train(optimizer: "Adam", autoencoderRate: 0.001, criticRate: 0.001, iterations: 30)
            XCTAssertNotNil(trained.final?.acc)
            let metrics = try String(contentsOfFile: trained.runDirectory + "/metrics.jsonl", encoding: .utf8)
            XCTAssertTrue(metrics.contains("adversarial_mapping_loss") && metrics.contains("autoencoder_loss"))
        }
    }
}

/// Damaged or unsuitable inputs stop a run before training with the file and the problem named.
final class DamagedTrainingInputTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func scratch() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        directories.append(d)
        return d
    }

    func assertRunFails(_ text: String, mentions parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try runMethodText(text, directories: &directories), file: file, line: line) { error in
            for part in parts {
                XCTAssertTrue("\(error)".contains(part), "'\(part)' missing from: \(error)", file: file, line: line)
            }
        }
    }

    static func csvMethod(_ path: String, batch: Int) -> String {
        TrainerTests.decMethod().replacingOccurrences(
            of: #"{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100,"#,
            with: #"{"dataset": "CSV", "path": "\#(path)", "label_column": "label", "batch_size": \#(batch),"#)
    }

    /// A CSV whose columns do not fit the first Linear stops before training with the dataset, the
    /// mapping, the layer and both shapes named (it used to reach a precondition inside Tensor.linear).
    func testCSVWithAColumnMoreThanTheEncoderTakesIsReportedBeforeTraining() throws {
        let d = try scratch()
        var csv = "x,y,z,label\n"
        for i in 0..<60 { csv += "\(Double(i % 3) * 5),\(Double(i) * 0.01),1,\(i % 3)\n" }
        let file = d.appendingPathComponent("three-columns.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        assertRunFails(
            Self.csvMethod(file.path, batch: 20),
            mentions: ["three-columns.csv", "shape [3]", "mapping 'encoder'", "Linear(in_features: 2)", "got 3"])
    }

    func testLabelsOutsideNumClustersAndTooFewSamples() throws {
        let d = try scratch()
        var csv = "x,y,label\n"
        for i in 0..<60 { csv += "\(Double(i % 3) * 5),\(Double(i) * 0.01),\(i % 3 + 1)\n" }
        try csv.write(to: d.appendingPathComponent("one-based.csv"), atomically: true, encoding: .utf8)
        assertRunFails(
            Self.csvMethod(d.appendingPathComponent("one-based.csv").path, batch: 20),
            mentions: ["one-based.csv", "label 3", "outside 0…2", "counted from 1"])
        assertRunFails(
            Self.csvMethod(
                d.appendingPathComponent("one-based.csv").path.replacingOccurrences(of: "one-based", with: "missing"),
                batch: 20), mentions: ["missing.csv"])
        csv = "x,y,label\n1,2,0\n3,4,1\n"
        try csv.write(to: d.appendingPathComponent("tiny.csv"), atomically: true, encoding: .utf8)
        assertRunFails(
            Self.csvMethod(d.appendingPathComponent("tiny.csv").path, batch: 20),
            mentions: ["tiny.csv", "2 samples", "batch_size 20", "/datasets/0/batch_size"])
    }

    /// Fewer samples than clusters used to surface in k-means after the whole pretraining phase.
    func testFewerSamplesThanClustersIsRefusedBeforeTraining() throws {
        let d = try scratch()
        try "x,y,label\n1,2,0\n3,4,1\n".write(
            to: d.appendingPathComponent("two.csv"), atomically: true, encoding: .utf8)
        assertRunFails(
            Self.csvMethod(d.appendingPathComponent("two.csv").path, batch: 2),
            mentions: ["two.csv", "2 samples", "fewer than num_clusters 3", "/datasets/0/num_clusters"])
    }

    func testWeightsFileWithWrongNamesOrShapes() throws {
        let d = try scratch()
        let wrongNames = d.appendingPathComponent("wrong-names.safetensors").path
        try Safetensors.write([("encoder.weight", Tensor.zeros([16, 2]))], to: wrongNames)
        let wrongShapes = d.appendingPathComponent("wrong-shapes.safetensors").path
        try Safetensors.write(
            [
                ("net.0.weight", Tensor.zeros([8, 2])), ("net.0.bias", Tensor.zeros([16])),
                ("net.2.weight", Tensor.zeros([2, 16])), ("net.2.bias", Tensor.zeros([2])),
            ], to: wrongShapes)
        let garbage = d.appendingPathComponent("garbage.safetensors").path
        try Data("not a safetensors file".utf8).write(to: URL(fileURLWithPath: garbage))
        func method(_ path: String) -> String {
            TrainerTests.decMethod().replacingOccurrences(
                of: #""exit_criteria": {"epochs": 2},"#,
                with:
                    #""exit_criteria": {"epochs": 2}, "load_mapping_parameters": [{"mapping_name": "encoder", "path_to_file": "\#(path)"}],"#
            )
        }
        assertRunFails(
            method(wrongNames),
            mentions: ["wrong-names.safetensors", "missing: net.0.weight", "unexpected: encoder.weight"])
        assertRunFails(
            method(wrongShapes),
            mentions: ["wrong-shapes.safetensors", "net.0.weight: file has shape [8, 2], the module [16, 2]"])
        assertRunFails(method(garbage), mentions: ["garbage.safetensors"])
    }
}

/// The HEAD of the checkout holding these tests, or nil without git.
enum SourceRevisionHead {
    static func current() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "git", "-C", URL(fileURLWithPath: #filePath).deletingLastPathComponent().path, "rev-parse", "HEAD",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

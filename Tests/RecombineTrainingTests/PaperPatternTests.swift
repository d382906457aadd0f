import Foundation
import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// The patterns of recombine's papers on tiny data (issue 6): UCO with the tensor kernel, the
/// objective-function mismatch, and DEPICT (denoising layer-wise reconstruction, the q/√f target,
/// the centroid-initialised softmax layer). Each trains a few iterations and its loss must fall.
final class PaperPatternTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// Three 16-d Gaussians seen as 1×4×4 images by a small convolutional classifier.
    static func ddcUCOMethod(orthogonalisation: String = "cholesky", mismatch: String) -> String {
        """
        {"name": "tiny_ddc_uco", "seed": 2,
         "mappings": [{"name": "net", "type": "sample_space_classifier", "softmax_layer_name": "softmax", "layers": [
            {"type": "Unflatten", "dim": 1, "unflattened_size": [1, 4, 4]},
            {"type": "Conv2d", "in_channels": 1, "out_channels": 4, "kernel_size": 3, "padding": 1}, {"name": "block", "type": "ReLU"},
            {"type": "Flatten"}, {"type": "Linear", "in_features": 64, "out_features": 16}, {"type": "ReLU"},
            {"name": "hidden", "type": "BatchNorm1d", "num_features": 16},
            {"type": "Linear", "in_features": 16, "out_features": 3}, {"name": "softmax", "type": "Softmax", "dim": 1}]}],
         "phases": [{"name": "ddc_uco", "order": 1, "exit_criteria": {"iterations": 60}, "performance_evaluation_interval": 30,
            \(mismatch)
            "design_patterns": [
              {"pattern": "encouraging_cluster_formation_by_maximizing_cauchy_schwarz_divergence_between_cluster_densities", "hidden_layer_name": "hidden", "loss_report_interval": 10},
              {"pattern": "learning_cluster_structure_in_intermediate_layers_by_using_unsupervised_companion_objectives", "kernel": "tensor",
               "orthogonalisation": "\(orthogonalisation)", "uco_lambda": 1, "attachment_points": [{"mapping_name": "net", "layer_name": "block"}], "loss_report_interval": 10}],
            "optimizers": [{"type": "Adam", "lr": 0.003, "trained_mapping_names": ["net"]}]}],
         "cluster_assignment_strategy": {"type": "classifier"},
         "datasets": [{"dataset": "GaussianMixture", "seed": 3, "batch_size": 60, "num_clusters": 3, "shuffle": true,
            "num_samples_per_component": [100, 100, 100], "std": 0.6,
            "means": [[1,1,1,1, 0,0,0,0, 0,0,0,0, 0,0,0,0], [0,0,0,0, 1,1,1,1, 0,0,0,0, 0,0,0,0], [0,0,0,0, 0,0,0,0, 1,1,1,1, 1,1,1,1]]}]}
        """
    }

    func records(_ result: RunResult) throws -> [[String: Any]] {
        try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func losses(_ records: [[String: Any]], term: String) -> [Double] {
        records.filter { $0["kind"] as? String == "loss" && $0["term"] as? String == term }.compactMap {
            ($0["loss"] as? NSNumber)?.doubleValue
        }
    }

    func testUCOWithTheTensorKernelTrainsOnBothPaths() throws {
        for path in ["cholesky", "eigen"] {
            let result = try runMethodText(
                Self.ddcUCOMethod(orthogonalisation: path, mismatch: ""), directories: &directories)
            let all = try records(result)
            let uco = losses(all, term: "uco_1"), separation = losses(all, term: "cluster_separation_loss")
            XCTAssertEqual(uco.count, 6, path)
            XCTAssertTrue(uco.allSatisfy { $0 > 0 && $0 <= 1 }, "\(path): \(uco)")
            XCTAssertLessThan(uco.last!, uco.first!, "\(path): uco \(uco)")
            XCTAssertLessThan(separation.last!, separation.first!, "\(path): separation \(separation)")
            XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.8, path)
        }
    }

    /// The mismatch is logged on training batches and at evaluations (with pairwise cosines), lies in
    /// [−1, 1], and measuring at evaluations leaves the run unchanged.
    func testObjectiveFunctionMismatchIsLoggedWithoutChangingTheRun() throws {
        let measured =
            #""objective_function_mismatch": {"feature_extractor_name": "net", "iteration_interval": 20, "at_evaluation": true, "pairwise": true},"#
        let batchOnly = #""objective_function_mismatch": {"feature_extractor_name": "net", "iteration_interval": 20},"#
        let withRun = try runMethodText(Self.ddcUCOMethod(mismatch: measured), directories: &directories)
        let withoutRun = try runMethodText(Self.ddcUCOMethod(mismatch: batchOnly), directories: &directories)
        let with = try records(withRun), without = try records(withoutRun)
        let mismatches = with.filter { $0["kind"] as? String == "ofm" }
        XCTAssertEqual(mismatches.filter { $0["source"] as? String == "batch" }.count, 3)
        let atEvaluation = mismatches.filter { $0["source"] as? String == "evaluation" }
        XCTAssertEqual(atEvaluation.count, 2)
        XCTAssertEqual(atEvaluation.first?["batches"] as? Int, 5)
        for record in mismatches {
            let cosine = try XCTUnwrap((record["cosine"] as? NSNumber)?.doubleValue)
            XCTAssertTrue((-1...1).contains(cosine) && cosine != 0, "\(cosine)")
            let pairs = record["pairs"] as? [String: Any] ?? [:]
            XCTAssertEqual(Set(pairs.keys).count, 6, "four terms give six pairs: \(pairs.keys)")
        }
        func evaluations(_ r: [[String: Any]]) -> [Double] {
            r.filter { $0["kind"] as? String == "evaluation" }.flatMap {
                [($0["acc"] as? NSNumber)?.doubleValue ?? -1, ($0["ari"] as? NSNumber)?.doubleValue ?? -1]
            }
        }
        XCTAssertEqual(evaluations(with), evaluations(without))
        XCTAssertEqual(losses(with, term: "uco_1"), losses(without, term: "uco_1"))
        // Batch-norm running statistics (updated by training-mode passes) end identical.
        let a = try Safetensors.read(withRun.runDirectory + "/final.safetensors").tensors
        let b = try Safetensors.read(withoutRun.runDirectory + "/final.safetensors").tensors
        let statistics = a.keys.filter { $0.hasPrefix("mapping/") && $0.contains("running_") }
        XCTAssertEqual(statistics.count, 2)
        for key in statistics { XCTAssertEqual(a[key]?.toDoubleArray(), b[key]?.toDoubleArray(), key) }
    }

    func testMismatchCosineOfKnownGradients() {
        // L_cluster = ⟨a, w⟩ and L_companion = ⟨b, w⟩ have gradients a and b; a third parameter
        // outside the feature extractor must not count.
        let w = Tensor([0.5, -1, 2] as [Double]).requiringGrad(), other = Tensor([1.0] as [Double]).requiringGrad()
        let a = Tensor([1, 2, 0] as [Double]), b = Tensor([0, 2, 2] as [Double])
        let spec = MismatchSpec(
            featureExtractorName: "w", interval: 1, atEvaluation: false, evaluationBatches: nil,
            companionPatterns: ["companion"], companionPatternsGiven: true, pairwise: true, pointer: JSONPointer())
        let meter = MismatchMeter(spec: spec, parameters: [w]) {
            w.grad = nil; other.grad = nil
        }
        let terms = [
            MismatchMeter.Term(pattern: "cluster", name: "c", value: (a * w).sum() + (other * 100).sum()),
            MismatchMeter.Term(pattern: "companion", name: "o", value: (b * w).sum() - (other * 100).sum()),
        ]
        let m = meter.measure(terms)
        XCTAssertEqual(try XCTUnwrap(m.cosine), 4 / (5.0.squareRoot() * 8.0.squareRoot()), accuracy: 1e-12)
        XCTAssertEqual(m.pairs.map { $0.0 }, ["c|o"])
        XCTAssertNil(w.grad)
        XCTAssertNil(MismatchMeter.cosine([0, 0], [1, 2]))
    }

    func testMismatchNeedsBothLossesAndAMeasurementPoint() throws {
        let noCompanion = Self.ddcUCOMethod(
            mismatch:
                #""objective_function_mismatch": {"feature_extractor_name": "nett", "companion_patterns": ["training_feature_extractor_through_reconstruction_of_samples"]},"#
        )
        XCTAssertThrowsError(try runMethodText(noCompanion, directories: &directories)) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("/phases/0/objective_function_mismatch/feature_extractor_name")
                    && text.contains("Did you mean 'net'"), text)
            XCTAssertTrue(text.contains("never measured"), text)
            XCTAssertTrue(text.contains("companion_patterns/0") && text.contains("has no enabled design pattern"), text)
            XCTAssertTrue(text.contains("needs both a companion loss and a cluster loss"), text)
        }
    }

    func testSquareRootTargetRule() {
        let q = Tensor([0.7, 0.2, 0.1, 0.3, 0.3, 0.4] as [Double], shape: [2, 3])
        let f = [1.0, 0.5, 0.5]
        let expected = [[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]].map { row -> [Double] in
            let w = zip(row, f).map { $0 / $1.squareRoot() }
            return w.map { $0 / w.reduce(0, +) }
        }.flatMap { $0 }
        for (o, e) in zip(DivergencePattern.squareRootTargetDistribution(q).toDoubleArray(), expected) {
            XCTAssertEqual(o, e, accuracy: 1e-12)
        }
    }

    /// DEPICT in miniature: dropout encoder (noisy and clean pathways), the decoder reconstructing the
    /// input and the first hidden layer, a softmax clustering layer initialised from k-means centroids
    /// and trained on the q/√f target of the clean pathway.
    static func depictMethod(
        secondPair: String = #"{"encoder_layer_name": "h1", "decoder_layer_name": "d1", "weight": 0.1}"#
    ) -> String {
        """
        {"name": "tiny_depict", "seed": 4,
         "mappings": [
           {"name": "encoder", "type": "feature_extractor", "layers": [
              {"type": "Dropout", "p": 0.1}, {"name": "h1", "type": "Linear", "in_features": 2, "out_features": 16}, {"type": "LeakyReLU", "negative_slope": 0.01},
              {"type": "Dropout", "p": 0.1}, {"type": "Linear", "in_features": 16, "out_features": 3}, {"type": "Tanh"}]},
           {"name": "decoder", "type": "design_pattern_specific", "layers": [
              {"name": "d1", "type": "Linear", "in_features": 3, "out_features": 16}, {"type": "LeakyReLU", "negative_slope": 0.01},
              {"name": "out", "type": "Linear", "in_features": 16, "out_features": 2}]},
           {"name": "clustering", "type": "feature_space_classifier", "associated_feature_extractor_name": "encoder", "softmax_layer_name": "softmax", "layers": [
              {"name": "theta", "type": "Linear", "in_features": 3, "out_features": 3}, {"name": "softmax", "type": "Softmax", "dim": 1}]}],
         "phases": [
           {"name": "pretraining", "order": 1, "exit_criteria": {"epochs": 3},
            "design_patterns": [{"pattern": "training_feature_extractor_through_denoising_layer_wise_reconstruction", "encoder_name": "encoder", "decoder_name": "decoder",
               "layer_pairs": [{"decoder_layer_name": "out"}, \(secondPair)], "loss_report_interval": 10}],
            "optimizers": [{"type": "Adam", "lr": 0.003, "trained_mapping_names": ["encoder", "decoder"]}]},
           {"name": "clustering", "order": 2, "exit_criteria": {"epochs": 6}, "performance_evaluation_interval": 30,
            "design_patterns": [
              {"pattern": "training_feature_extractor_through_denoising_layer_wise_reconstruction", "encoder_name": "encoder", "decoder_name": "decoder",
               "layer_pairs": [{"decoder_layer_name": "out"}, \(secondPair)], "loss_report_interval": 10},
              {"pattern": "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution",
               "target_distribution_rule": "over_square_root_of_frequency", "target_distribution_recalculation_interval": 1,
               "target_distribution_recalculation_interval_unit": "epoch", "initialize_classifier_layer_from_kmeans": "theta",
               "initialization_kmeans_restarts": 5, "loss_report_interval": 10}],
            "optimizers": [{"type": "Adam", "lr": 0.003, "trained_mapping_names": ["encoder", "decoder", "clustering"]}]}],
         "cluster_assignment_strategy": {"type": "classifier"},
         "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 50, "num_clusters": 3, "shuffle": true}]}
        """
    }

    func testDEPICTTrains() throws {
        let result = try runMethodText(Self.depictMethod(), directories: &directories)
        let all = try records(result)
        let reconstruction = all.filter {
            $0["kind"] as? String == "loss" && $0["term"] as? String == "layer_wise_reconstruction_loss"
                && $0["phase"] as? String == "pretraining"
        }
        .compactMap { ($0["loss"] as? NSNumber)?.doubleValue }
        XCTAssertGreaterThan(reconstruction.count, 3)
        XCTAssertLessThan(reconstruction.last!, reconstruction.first! * 0.8, "\(reconstruction)")
        let divergence = losses(all, term: "divergence_loss")
        XCTAssertGreaterThan(divergence.count, 3)
        XCTAssertTrue(divergence.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.9)
    }

    /// The centroid initialisation gives unit-norm rows and a zero bias (checked after one step with a
    /// negligible learning rate), and the log says it happened.
    func testClassifierLayerIsInitialisedFromUnitCentroidsAndLogged() throws {
        let text = Self.depictMethod().replacingOccurrences(
            of: #""lr": 0.003, "trained_mapping_names": ["encoder", "decoder", "clustering"]"#,
            with: #""lr": 1e-12, "trained_mapping_names": ["encoder", "decoder", "clustering"]"#)
        let result = try runMethodText(
            text.replacingOccurrences(
                of: #""exit_criteria": {"epochs": 6}"#, with: #""exit_criteria": {"iterations": 1}"#),
            directories: &directories)
        let weights = try Safetensors.read(result.runDirectory + "/final.safetensors").tensors
        let rows = try XCTUnwrap(weights["mapping/clustering/net.0.weight"]).toDoubleArray()
        for r in 0..<3 {
            let squaredNorm: Double = rows[(r * 3)..<(r * 3 + 3)].reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(squaredNorm, 1, accuracy: 1e-5)
        }
        let bias = try XCTUnwrap(weights["mapping/clustering/net.0.bias"])
        // One Adam step of lr 1e-12 moves each entry by at most about 1e-12.
        XCTAssertTrue(bias.toDoubleArray().allSatisfy { Swift.abs($0) < 1e-11 }, "\(bias.toDoubleArray())")
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(
            log.contains(
                #"Initialized layer "theta" of classifier "clustering" from k-means on 4500 feature vectors (5 restarts, inertia "#
            ), log)
    }

    /// Trains one step (at a learning rate too small to move anything) of the DEPICT method whose
    /// k-means options are replaced by `clusteringOptions`; checks that the classifier layer's three
    /// rows have unit norm and returns the run's log.
    func logOfUnitRowsInitialisation(_ clusteringOptions: String) throws -> String {
        let text = Self.depictMethod()
            .replacingOccurrences(
                of: #""lr": 0.003, "trained_mapping_names": ["encoder", "decoder", "clustering"]"#,
                with: #""lr": 1e-12, "trained_mapping_names": ["encoder", "decoder", "clustering"]"#
            )
            .replacingOccurrences(of: #""initialization_kmeans_restarts": 5,"#, with: clusteringOptions)
            .replacingOccurrences(of: #""exit_criteria": {"epochs": 6}"#, with: #""exit_criteria": {"iterations": 1}"#)
        let result = try runMethodText(text, directories: &directories)
        let weights = try Safetensors.read(result.runDirectory + "/final.safetensors").tensors
        let rows = try XCTUnwrap(weights["mapping/clustering/net.0.weight"]).toDoubleArray()
        for r in 0..<3 {
            XCTAssertEqual(rows[(r * 3)..<(r * 3 + 3)].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        }
        return try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
    }

    /// With `initialization_clustering: ac_pic` the layer's rows are the unit-normalised means of the
    /// AC-PIC clusters, and the log names AC-PIC and its graph.
    func testClassifierLayerIsInitialisedFromACPICClustersAndLogged() throws {
        let log = try logOfUnitRowsInitialisation(
            #""initialization_clustering": "ac_pic", "initialization_ac_pic_neighbours": 10,"#)
        XCTAssertTrue(
            log.contains(
                #"Initialized layer "theta" of classifier "clustering" from AC-PIC on 4500 feature vectors (10 neighbours, "#
            ), log)
    }

    /// With `initialization_clustering: gaussian_mixture` the layer's rows are the unit-normalised means
    /// of the mixture's components, and the log names the mixture and its EM.
    func testClassifierLayerIsInitialisedFromGaussianMixtureMeansAndLogged() throws {
        let log = try logOfUnitRowsInitialisation(
            #""initialization_clustering": "gaussian_mixture", "initialization_gaussian_mixture_restarts": 2,"#)
        XCTAssertTrue(
            log.contains(
                #"Initialized layer "theta" of classifier "clustering" from a Gaussian mixture on 4500 feature vectors (full covariances, 2 restarts, converged after "#
            ), log)
    }

    /// DEPICT's initialisation on hard labels: a phase whose target is the initial clustering's one-hot
    /// labels, then the usual self-training phase; the run clusters the three Gaussians.
    func testInitialClusteringLabelsPhaseThenSelfTraining() throws {
        let hardPhase = #"""
            {"name": "initialization", "order": 2, "exit_criteria": {"epochs": 2},
             "design_patterns": [{"pattern": "encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution",
               "target_distribution_rule": "initial_clustering_labels", "target_distribution_recalculation_interval": 1,
               "initialize_classifier_layer_from_kmeans": "theta", "initialization_clustering": "ac_pic", "initialization_ac_pic_neighbours": 10, "loss_report_interval": 10}],
             "optimizers": [{"type": "Adam", "lr": 0.003, "trained_mapping_names": ["encoder", "clustering"]}]},
            {"name": "clustering", "order": 3,
            """#
        let text = Self.depictMethod()
            .replacingOccurrences(of: #""initialize_classifier_layer_from_kmeans": "theta","#, with: "")
            .replacingOccurrences(of: #""initialization_kmeans_restarts": 5,"#, with: "")
            .replacingOccurrences(of: #"{"name": "clustering", "order": 2,"#, with: hardPhase)
        let result = try runMethodText(text, directories: &directories)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertEqual(
            log.components(separatedBy: #"Initialized layer "theta" of classifier "clustering" from AC-PIC"#).count, 2,
            log)
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.9)
    }

    /// The fixed target of `initial_clustering_labels` is the labels' one-hot matrix; centroids are
    /// cluster means.
    func testOneHotTargetAndCentroidsOfInitialLabels() {
        XCTAssertEqual(
            DivergencePattern.oneHot([2, 0, 1, 2], k: 3, dtype: .float64).toDoubleArray(),
            [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1])
        let x = Tensor([1, 2, 3, 4, 10, 10, 5, 6] as [Double], shape: [4, 2])
        XCTAssertEqual(
            DivergencePattern.centroids(x, labels: [0, 0, 1, 0], k: 3).toDoubleArray(), [3, 4, 10, 10, 0, 0])
    }

    func testLayerPairShapesAreCheckedBeforeTraining() throws {
        let bad = Self.depictMethod(
            secondPair: #"{"encoder_layer_name": "h1", "decoder_layer_name": "out", "weight": 0.1}"#)
        XCTAssertThrowsError(try runMethodText(bad, directories: &directories)) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("/phases/0/design_patterns/0/layer_pairs/1")
                    && text.contains("layer 'out' outputs [2, 2]") && text.contains("layer 'h1'"), text)
        }
    }
}

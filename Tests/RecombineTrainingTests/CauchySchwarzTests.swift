import Foundation
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// DDC's terms (methods.md §1.2–§1.3) against a NumPy transcription of the specification, their
/// gradients against finite differences, and the pattern training a classifier on toy data.
final class CauchySchwarzTests: XCTestCase {
    func inputs(seed: UInt64) -> (logits: Tensor, hidden: Tensor) {
        var g = RandomGenerator(seed: seed)
        return (
            Tensor.normal([12, 3], generator: &g, dtype: .float64),
            Tensor.normal([12, 5], generator: &g, dtype: .float64)
        )
    }

    func terms(_ logits: Tensor, _ hidden: Tensor, sigmaSquared: Double? = nil) -> [Tensor] {
        let a = logits.softmax(axis: 1)
        let d = Tensor.pairwiseSquaredDistances(hidden, hidden)
        let k = CauchySchwarz.gaussianKernel(distances: d, sigmaSquared: sigmaSquared ?? 0.15 * CauchySchwarz.median(d))
        return [
            CauchySchwarz.dcs(a, k, numeratorEpsilon: 1e-9, denominatorEpsilon: 1e-18), CauchySchwarz.orthogonality(a),
            CauchySchwarz.dcs(
                CauchySchwarz.simplexCornerSimilarities(a), k, numeratorEpsilon: 1e-9, denominatorEpsilon: 1e-18),
        ]
    }

    func testTermsMatchNumpy() throws {
        try PythonOracle.require(["numpy"])
        let (logits, hidden) = inputs(seed: 3)
        let script = """
            import json, sys, numpy as np
            z, h = (np.array(v).reshape(s) for v, s in zip(json.loads(sys.argv[1]), [(12, 3), (12, 5)]))
            A = np.exp(z - z.max(1, keepdims=True)); A /= A.sum(1, keepdims=True)
            D = np.maximum((h**2).sum(1)[:, None] + (h**2).sum(1)[None] - 2 * h @ h.T, 0)
            s = 0.15 * np.percentile(D, 50, method="midpoint")
            K = np.exp(-D / (2 * s))
            def dcs(A, K):
                nom = A.T @ K @ A; den2 = np.outer(np.diag(nom), np.diag(nom))
                r = np.maximum(nom, 1e-9) / np.sqrt(np.maximum(den2, 1e-18)); k = A.shape[1]
                return 2 / (k * (k - 1)) * np.triu(r, 1).sum()
            n = A.shape[0]
            M = np.exp(-((A[:, None, :] - np.eye(3)[None]) ** 2).sum(2))
            print(json.dumps([dcs(A, K), 2 / (n * (n - 1)) * np.triu(A @ A.T, 1).sum(), dcs(M, K)]))
            """
        let argument = String(
            decoding: try JSONSerialization.data(withJSONObject: [logits.toDoubleArray(), hidden.toDoubleArray()]),
            as: UTF8.self)
        let output = try PythonOracle.run(script, arguments: [argument])
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Double])
        let ours = terms(logits, hidden).map(\.item)
        for (o, e) in zip(ours, expected) { XCTAssertEqual(o, e, accuracy: 1e-12 * Swift.max(1, Swift.abs(e))) }
        XCTAssertEqual(ours.count, 3)
    }

    /// With the bandwidth fixed (the method treats it as a constant), every term's gradient with respect
    /// to the logits and the hidden representation matches central finite differences.
    func testGradientsMatchFiniteDifferences() {
        let (logits, hidden) = inputs(seed: 5)
        let d = Tensor.pairwiseSquaredDistances(hidden, hidden)
        let sigmaSquared = 0.15 * CauchySchwarz.median(d)
        for term in 0..<3 {
            let error = GradientCheck.maxRelativeError([logits, hidden]) { x in
                self.terms(x[0], x[1], sigmaSquared: sigmaSquared)[term]
            }
            XCTAssertLessThan(error, 1e-6, "term \(term + 1)")
        }
        XCTAssertEqual(CauchySchwarz.median(Tensor([3, 1, 4, 1] as [Double])), 2)
        XCTAssertEqual(CauchySchwarz.median(Tensor([3, 1, 4] as [Double])), 3)
    }

    /// A DDC head (hidden layer, ReLU, batch norm, softmax) on the three-Gaussian set: the summed loss
    /// falls and the clusters are found.
    func testPatternTrainsADDCHead() throws {
        var directories: [URL] = []
        defer { for d in directories { try? FileManager.default.removeItem(at: d) } }
        let method = """
            {"name": "tiny_ddc", "seed": 1,
             "mappings": [{"name": "head", "type": "sample_space_classifier", "softmax_layer_name": "softmax", "layers": [
                {"type": "Linear", "in_features": 2, "out_features": 32}, {"type": "ReLU"}, {"name": "hidden", "type": "BatchNorm1d", "num_features": 32},
                {"type": "Linear", "in_features": 32, "out_features": 3}, {"name": "softmax", "type": "Softmax", "dim": 1}]}],
             "phases": [{"name": "ddc", "order": 1, "exit_criteria": {"epochs": 6}, "performance_evaluation_interval": 45,
                "design_patterns": [{"pattern": "encouraging_cluster_formation_by_maximizing_cauchy_schwarz_divergence_between_cluster_densities", "hidden_layer_name": "hidden", "loss_report_interval": 45}],
                "optimizers": [{"type": "Adam", "lr": 0.001, "trained_mapping_names": ["head"]}]}],
             "cluster_assignment_strategy": {"type": "classifier"},
             "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100, "num_clusters": 3, "shuffle": true}]}
            """
        let result = try runMethodText(method, directories: &directories)
        let losses = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(
            separator: "\n"
        )
        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["kind"] as? String == "loss" }
        let byIteration = Dictionary(grouping: losses) { ($0["iteration"] as? NSNumber)?.intValue ?? 0 }
            .mapValues { $0.reduce(0) { $0 + (($1["loss"] as? NSNumber)?.doubleValue ?? 0) } }
        let first = try XCTUnwrap(byIteration[byIteration.keys.min()!]),
            last = try XCTUnwrap(byIteration[byIteration.keys.max()!])
        XCTAssertEqual(
            Set(losses.compactMap { $0["term"] as? String }),
            ["cluster_separation_loss", "orthogonality_loss", "simplex_corner_loss"])
        XCTAssertLessThan(last, first * 0.9, "summed DDC loss \(first) → \(last)")
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.9)
    }
}

/// UCO's companion terms (methods.md §2.2–§2.3) on DEC's encoder.
final class CompanionObjectivesTests: XCTestCase {
    func testDepthWeights() {
        XCTAssertEqual(
            (1...3).map { CompanionObjectivesPattern.depthWeight($0, of: 3, weighting: "constant") }, [1, 1, 1])
        XCTAssertEqual(
            (1...4).map { CompanionObjectivesPattern.depthWeight($0, of: 4, weighting: "linear") },
            [0.25, 0.5, 0.75, 1])
        XCTAssertEqual(
            (1...3).map { CompanionObjectivesPattern.depthWeight($0, of: 3, weighting: "exp") }, [0.01, 0.1, 1])
    }

    /// DEC-UCO in miniature: both attachment points report a term in (0, 1] (a mean Cauchy–Schwarz
    /// cosine times λ = 1), the run clusters, and a misnamed layer is reported with its pointer.
    func testDECWithCompanionObjectivesTrains() throws {
        var directories: [URL] = []
        defer { for d in directories { try? FileManager.default.removeItem(at: d) } }
        let uco =
            #"{"pattern": "learning_cluster_structure_in_intermediate_layers_by_using_unsupervised_companion_objectives", "attachment_points": [{"mapping_name": "encoder", "layer_name": "1"}, {"mapping_name": "encoder", "layer_name": "2"}], "uco_lambda": 1, "loss_report_interval": 10}"#
        let method = TrainerTests.decMethod().replacingOccurrences(
            of: #""target_distribution_recalculation_interval": 10}]"#,
            with: #""target_distribution_recalculation_interval": 10}, \#(uco)]"#)
        XCTAssertTrue(method.contains("attachment_points"))
        let result = try runMethodText(method, directories: &directories)
        let records = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(
            separator: "\n"
        )
        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        for term in ["uco_1", "uco_2"] {
            let values = records.filter { $0["term"] as? String == term }.compactMap {
                ($0["loss"] as? NSNumber)?.doubleValue
            }
            XCTAssertEqual(values.count, 4, term)
            XCTAssertTrue(values.allSatisfy { $0.isFinite && $0 > 0 && $0 <= 1 }, "\(term): \(values)")
        }
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.9)
        let bad = method.replacingOccurrences(of: #""layer_name": "2""#, with: #""layer_name": "hidden""#)
        XCTAssertThrowsError(try runMethodText(bad, directories: &directories)) { error in
            XCTAssertTrue(
                "\(error)".contains("no layer named 'hidden'") && "\(error)".contains("attachment_points/1/layer_name"),
                "\(error)")
        }
    }
}

import Foundation
import XCTest

@testable import RecombineMethod

/// Findings of the fuzz target (Scripts/fuzz), each a crash before its fix.
final class FuzzRegressionTests: XCTestCase {
    func method(layers: String, initialization: String = "[]") throws -> MethodSpec {
        let text = """
            {"name": "m", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": \(layers), "layer_initialization": \(initialization)}],
             "phases": [{"name": "p", "order": 1, "exit_criteria": {"iterations": 1},
               "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "encoder"}],
               "optimizers": [{"type": "SGD", "lr": 0.1, "trained_mapping_names": ["encoder"]}]}],
             "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "p"},
             "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 10, "num_clusters": 3}]}
            """
        // As MethodLoader reads it: with the schema's defaults filled in, but without rejecting it first.
        let document = try JSONParser.parse(text: text, file: "m.json")
        let filled = DefaultFiller(validator: SchemaValidator(store: try SchemaStore.embedded())).fill(document.root)
        return MethodSpec(
            document: JSONDocument(file: document.file, root: filled, sourceMap: document.sourceMap), baseDirectory: "."
        )
    }

    /// The compiler is reached only by schema-valid files, but must not trap on values the schema
    /// would reject (a Linear with 0 outputs crashed `recombine validate` when it built the layer).
    func testLayerArgumentsOutsideTheirRangeAreErrorsNotTraps() throws {
        let cases: [(String, String)] = [
            (
                #"[{"type": "Linear", "in_features": 2, "out_features": 0}]"#,
                "/mappings/0/layers/0/out_features: expected a positive integer, found 0"
            ),
            (
                #"[{"type": "Conv1d", "in_channels": 3, "out_channels": 4, "kernel_size": 1, "groups": 2}]"#,
                "must both be divisible by groups 2"
            ),
            (#"[{"type": "Dropout", "p": 1.5}]"#, "expected a probability in [0, 1], found 1.5"),
            (#"[{"type": "Upsample", "size": 4, "scale_factor": 2}]"#, "exactly one of size and scale_factor"),
            (#"[{"type": "MaxPool2d", "kernel_size": 2, "padding": -1}]"#, "expected a non-negative integer, found -1"),
            (#"[{"type": "LayerNorm", "normalized_shape": [2, 0]}]"#, "expected a positive integer, found 0"),
            // Found by CI's fuzz step: products of huge sizes overflowed instead of being reported.
            (
                #"[{"type": "Linear", "in_features": 2, "out_features": 9223372036854775807}]"#,
                "expected at most 2147483647, found 9223372036854775807"
            ),
            (
                #"[{"type": "Linear", "in_features": 2, "out_features": 4}, {"type": "Unflatten", "dim": 1, "unflattened_size": [2147483647, 2147483647, 2147483647]}]"#,
                "needs axis 1 of size"
            ),
            (#"[{"type": "Upsample", "scale_factor": 1e300}]"#, "expected a scale factor in (0, 10⁶]"),
        ]
        for (layers, expected) in cases {
            let issues = MethodCompiler.check(try method(layers: layers))
            XCTAssertTrue(
                issues.contains { $0.description.contains(expected) }, "\(layers): \(issues.map(\.description))")
        }
    }

    /// Initialisers that need fan-in and fan-out on a bias, or eye on a convolution kernel: errors.
    func testInitialisersOnTensorsOfTheWrongRankAreErrors() throws {
        let layers = #"[{"name": "l", "type": "Conv2d", "in_channels": 1, "out_channels": 2, "kernel_size": 3}]"#
        for (initialiser, tensor, expected) in [
            ("xavier_uniform", "bias", "needs a tensor with at least 2 dimensions"),
            ("eye", "weight", "needs a 2-D tensor"),
        ] {
            let initialization = #"[{"layer_names": ["l"], "weight_type": "\#(tensor)", "type": "\#(initialiser)"}]"#
            let spec = try method(layers: layers, initialization: initialization)
            let issues = MethodCompiler.check(spec)
            XCTAssertTrue(
                issues.contains { $0.description.contains(expected) }, "\(initialiser): \(issues.map(\.description))")
        }
    }

    /// Through the loader, a schema-invalid size is reported by the schema and nothing is built.
    func testSchemaInvalidSizesNeverReachTheCompiler() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        var text = try String(
            contentsOf: RepositoryPaths.configurations.appendingPathComponent("dec_gaussians.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"out_features\": 16", with: "\"out_features\": 0")
        let outcome = loader.load(text: text, file: "mutated.json")
        XCTAssertNil(outcome.spec)
        XCTAssertTrue(
            outcome.issues.contains { $0.pointer.description.hasSuffix("/out_features") },
            outcome.issues.map(\.description).joined(separator: "\n"))
    }

    /// Found by the long fuzz run (execution ≈ 922 500): two mappings with one name but different layer
    /// counts made the shape checks look up the other mapping's layers by name and index past the end
    /// of this one's. The duplicate is reported and nothing traps.
    func testDuplicateMappingNamesAreReportedNotTraps() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        for (first, second) in [(1, 3), (3, 1)] {
            let layers = { (count: Int) in
                (0..<count).map { _ in #"{"type": "Linear", "in_features": 2, "out_features": 2}"# }.joined(
                    separator: ", ")
            }
            let text = """
                {"name": "m", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": [\(layers(first))]},
                                           {"name": "encoder", "type": "feature_extractor", "layers": [\(layers(second))]}],
                 "phases": [{"name": "p", "order": 1, "exit_criteria": {"iterations": 1},
                   "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "encoder"}],
                   "optimizers": [{"type": "SGD", "lr": 0.1, "trained_mapping_names": ["encoder"]}]}],
                 "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "p"},
                 "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 10, "num_clusters": 3}]}
                """
            let outcome = loader.load(text: text, file: "duplicate.json")
            XCTAssertNil(outcome.spec)
            XCTAssertTrue(
                outcome.issues.contains { $0.description.contains("duplicate mapping name 'encoder'") },
                outcome.issues.map(\.description).joined(separator: "\n"))
            // The compiler itself, fed such a file, returns issues or nothing and never traps.
            _ = MethodCompiler.check(
                MethodSpec(document: try JSONParser.parse(text: text, file: "duplicate.json"), baseDirectory: "."))
        }
    }
}

import RecombineTestSupport
import XCTest

@testable import RecombineMethod

/// The validator's keywords and messages, on a small schema set written for the test.
final class SchemaValidatorTests: XCTestCase {
    static let schemas: [String: String] = [
        "root.json": #"""
        {"$id": "root.json", "type": "object", "additionalProperties": false, "required": ["name", "items"],
         "properties": {
           "name": {"type": "string", "minLength": 1},
           "size": {"type": "integer", "minimum": 1},
           "rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
           "mode": {"enum": ["nearest", "bilinear"]},
           "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "minItems": 2, "maxItems": 2},
           "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
           "criteria": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "number"}},
           "items": {"type": "array", "items": {"$ref": "parts/item.json"}},
           "strategy": {"$ref": "#/$defs/strategy"},
           "either": {"type": "object", "additionalProperties": false,
                      "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                      "anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
           "forbidden": false,
           "notBoth": {"type": "object", "not": {"required": ["x", "y"]}}
         },
         "$defs": {"strategy": {"type": "object", "required": ["type"],
            "properties": {"type": {"enum": ["classifier", "similarity"]}, "measure": {"type": "string"}},
            "if": {"properties": {"type": {"const": "similarity"}}}, "then": {"required": ["measure"]}}}}
        """#,
        "parts/item.json": #"""
        {"$id": "parts/item.json", "oneOf": [{"$ref": "linear.json"}, {"$ref": "relu.json"}]}
        """#,
        "parts/linear.json": #"""
        {"type": "object", "additionalProperties": false, "required": ["type", "in_features", "out_features"],
         "properties": {"type": {"const": "Linear"}, "in_features": {"type": "integer", "minimum": 1},
                        "out_features": {"type": "integer", "minimum": 1}, "bias": {"type": "boolean", "default": true}}}
        """#,
        "parts/relu.json": #"""
        {"type": "object", "additionalProperties": false, "required": ["type"],
         "properties": {"type": {"enum": ["ReLU", "nn.ReLU"]}, "inplace": {"type": "boolean"}}}
        """#,
    ]

    func issues(_ text: String) throws -> [String] {
        let validator = SchemaValidator(store: try SchemaStore(texts: Self.schemas))
        let doc = try JSONParser.parse(text: text, file: "m.json")
        return validator.validate(doc, against: "root.json").map(\.description)
    }

    func testValidDocumentHasNoIssues() throws {
        XCTAssertEqual(
            try issues(
                #"{"name": "x", "size": 3.0, "rate": 0.5, "mode": "nearest", "pair": [1, "a"], "tags": ["a", "b"], "criteria": {"iterations": 5}, "items": [{"type": "Linear", "in_features": 3, "out_features": 2}, {"type": "nn.ReLU"}], "strategy": {"type": "similarity", "measure": "t"}, "either": {"b": 1}, "notBoth": {"x": 1}}"#
            ), [])
    }

    func testEveryProblemIsReportedWithPointerExpectedAndFound() throws {
        let found = try issues(
            """
            {"name": "", "size": 2.5, "rate": 0, "mode": "bilinar", "pair": [1, 2, 3], "tags": ["a", "a"],
             "criteria": {}, "forbidden": 1, "extra": true,
             "items": [{"type": "Linear", "in_feature": 784, "out_features": "10"}, {"type": "Relu"}],
             "strategy": {"type": "similarity"}, "either": {}, "notBoth": {"x": 1, "y": 2}}
            """)
        let expected = [
            "m.json:1:10: /name: expected a non-empty string",
            "m.json:1:22: /size: expected an integer, found a number 2.5",
            "m.json:1:35: /rate: expected a value > 0, found 0",
            "m.json:1:46: /mode: expected one of [\"nearest\", \"bilinear\"], found \"bilinar\" Did you mean 'bilinear'?",
            "m.json:1:65: /pair: expected at most 2 items, found 3",
            "m.json:1:69: /pair/1: expected a string, found an integer 2",
            "m.json:1:90: /tags/1: \"a\" repeats item 0; items must be unique",
            "m.json:2:14: /criteria: expected at least 1 property, found an empty object",
            "m.json:2:18: /forbidden: property 'forbidden' is not allowed here",
            "m.json:2:34: /extra: unknown property 'extra'. Allowed: [\"name\", \"size\", \"rate\", \"mode\", \"pair\", \"tags\", \"criteria\", \"items\", \"strategy\", \"either\", \"forbidden\", \"notBoth\"]",
            "m.json:3:12: /items/0: missing required property 'in_features' ('in_feature' is not a known property; a misspelling?)",
            "m.json:3:31: /items/0/in_feature: unknown property 'in_feature'. Did you mean 'in_features'?",
            "m.json:3:66: /items/0/out_features: expected an integer, found a string \"10\"",
            "m.json:3:82: /items/1/type: unknown type 'Relu'. Did you mean 'ReLU'?",
            "m.json:4:14: /strategy: missing required property 'measure' (because 'type' is \"similarity\")",
            "m.json:4:48: /either: none of the alternatives holds: missing required property 'a'; or missing required property 'b'",
            "m.json:4:63: /notBoth: {\"x\": 1, \"y\": 2} is not allowed here ('x', 'y' must not be given together with the other settings)",
        ]
        XCTAssertEqual(found, expected)
    }

    func testDiscriminatedOneOfReportsOnlyTheNamedBranch() throws {
        let found = try issues(
            #"{"name": "x", "items": [{"type": "Linear", "in_features": 0, "out_features": 2, "bias": 1}]}"#)
        XCTAssertEqual(
            found,
            [
                "m.json:1:59: /items/0/in_features: expected a value ≥ 1, found 0",
                "m.json:1:89: /items/0/bias: expected a boolean, found an integer 1",
            ])
        XCTAssertEqual(
            try issues(#"{"name": "x", "items": [{"in_features": 1}]}"#),
            ["m.json:1:25: /items/0: missing required property 'type' (one of [\"Linear\", \"ReLU\", \"nn.ReLU\"])"])
    }

    func testMissingRequiredAndWrongRootType() throws {
        XCTAssertEqual(try issues("[]"), ["m.json:1:1: /: expected an object, found an array"])
        XCTAssertEqual(
            try issues("{}"),
            ["m.json:1:1: /: missing required property 'name'", "m.json:1:1: /: missing required property 'items'"])
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestions.editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(
            Suggestions.closest(to: "temperature_paramter", among: ["temperature_parameter", "loss_weight"]),
            "temperature_parameter")
        XCTAssertNil(Suggestions.closest(to: "zzz", among: ["encoder_name", "decoder_name"]))
    }
}

/// Whole-file checks on broken copies of the reference's dec_cc_hybrid method: one precise message per fault.
final class MethodCheckTests: XCTestCase {
    func loadBroken(_ edit: (inout JSONObject) -> Void) throws -> [String] {
        let path = RepositoryPaths.shared.appendingPathComponent("reference-configs/dec_cc_hybrid_mnist.json").path
        try requirePrerequisite(
            FileManager.default.fileExists(atPath: path), "the reference configurations (../shared/reference-configs)")
        var root = try JSONParser.parse(contentsOf: path).root.object!
        edit(&root)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).json")
        try JSONValue.object(root).serialized(indent: 2).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        return loader.load(path: file.path).issues.map { "\($0.pointer): \($0.message)" }
    }

    static func set(_ root: inout JSONObject, _ pointer: String, _ value: JSONValue?) {
        let p = JSONPointer(parsing: pointer)!
        if let value {
            root = MethodLoader.setting(.object(root), at: p, to: value)!.object!
        } else {
            root = MethodFileMutator.replacing(.object(root), at: p) { _ in nil }.object!
        }
    }

    func testReferenceMethodIsValid() throws {
        XCTAssertEqual(try loadBroken { _ in }, [])
    }

    /// B20: layer shapes are checked before training, naming the mapping, the layer and both shapes.
    func testLayerShapeMismatchesAreFoundBeforeTraining() throws {  // B20
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/mappings/0/layers/1/in_features", .int(748)) },
            [
                "/mappings/0/layers/1: mapping 'encoder', layer 'enc_linear_2' (#1, Linear) for dataset 'MNIST-Train': Linear(in_features: 748) expects 748 input features, got 784 (input shape [2, 784])"
            ])
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/mappings/1/layers/6/out_features", .int(748)) },
            [
                "/mappings/1/layers/7: mapping 'decoder', layer 'dec_unflatten_8' (#7, Unflatten) (input: the output [2, 10] of 'encoder'): Unflatten(dim: 1, unflattened_size: [1, 28, 28]) needs axis 1 of size 784, got 748 (input shape [2, 748])"
            ])
    }

    /// B21: names (patterns, batch augmentations, mappings, phases) are checked up front, with a suggestion,
    /// and names that must be unique are.
    func testUnknownNamesAreReportedUpFront() throws {  // B21
        for (pointer, wrong) in [
            ("/phases/0/optimizers/0/trained_mappings/0", "encodr"), ("/datasets/0/phases/0", "pretrain"),
        ] {
            let messages = try loadBroken { Self.set(&$0, pointer, .string(wrong)) }
            XCTAssertEqual(messages.count, 1, "\(messages)")
            XCTAssertTrue(
                messages.first?.hasPrefix(pointer + ": ") == true && messages.first?.contains("'\(wrong)'") == true,
                "\(messages)")
        }
        XCTAssertEqual(
            try loadBroken {
                Self.set(
                    &$0, "/phases/1/design_patterns/1/pattern",
                    .string(
                        "learning_invariance_to_transformation_by_using_assignment_statistics_vectors_and_data_augmentation"
                    ))
            },
            [
                "/phases/1/design_patterns/1/pattern: unknown pattern 'learning_invariance_to_transformation_by_using_assignment_statistics_vectors_and_data_augmentation'. Did you mean 'learning_invariance_to_transformations_by_using_assignment_statistics_vectors_and_data_augmentation'?"
            ])
        XCTAssertEqual(
            try loadBroken {
                Self.set(&$0, "/phases/1/design_patterns/0/batch_augmentation_name_2", .string("batch_augmentation_3"))
            },
            [
                "/phases/1/design_patterns/0/batch_augmentation_name_2: unknown batch augmentation 'batch_augmentation_3'. Did you mean 'batch_augmentation_1'? Known batch augmentations: 'batch_augmentation_1', 'batch_augmentation_2'."
            ])
        // Two optimizers of a phase with one name: schedulers and optimizer cycles could not tell them apart.
        let twoNamedAlike = try JSONParser.parse(
            text: """
                [{"name": "sgd", "type": "SGD", "lr": 0.001, "trained_mappings": ["encoder"]},
                 {"name": "sgd", "type": "SGD", "lr": 0.001, "trained_mappings": ["decoder"]}]
                """, file: "optimizers.json"
        ).root
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/phases/0/optimizers", twoNamedAlike) },
            ["/phases/0/optimizers/1/name: duplicate optimizer name 'sgd' in phase 'pretraining'"])
    }

    /// An optimizer entry the schema refuses gets no defaults filled in, group_name included; its phase's patterns
    /// used to add "unknown optimizer group 'default'. Known optimizer groups: ''." to the one real problem.
    func testARefusedOptimizerEntryIsTheOnlyProblemReported() throws {
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/phases/0/optimizers/0/lr", .string("NaN")) },
            ["/phases/0/optimizers/0/lr: expected a number, found a string \"NaN\""])
    }

    /// The target-convergence exit criterion needs a pattern that recomputes a target in its phase.
    func testTargetConvergenceCriterionWithoutARecomputedTargetIsReported() throws {
        XCTAssertEqual(
            try loadBroken {
                Self.set(&$0, "/phases/0/exit_criteria/target_distribution_change_mse_lt", .double(1e-7))
            },
            [
                "/phases/0/exit_criteria/target_distribution_change_mse_lt: phase 'pretraining' ends when its target distribution stops changing, but none of its enabled design patterns recomputes one (expected 'encouraging_cluster_formation_by_minimizing_divergence_between_current_and_target_cluster_assignment_distribution' with a target_distribution_rule other than initial_clustering_labels)"
            ])
        XCTAssertEqual(
            try loadBroken {
                Self.set(&$0, "/phases/1/exit_criteria/target_distribution_change_mse_lt", .double(1e-7))
            },
            [])
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/phases/1/exit_criteria/target_distribution_change_mse_lt", .double(0)) }
                .count, 1)
    }

    func testMissingPropertiesAndEarlyEvaluationsAreReportedUpFront() throws {
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/phases/0/exit_criteria", nil) },
            ["/phases/0: missing required property 'exit_criteria'"])
        // An evaluation before any phase with centroids would fail at run time; it is found up front.
        XCTAssertEqual(
            try loadBroken { Self.set(&$0, "/phases/0/performance_evaluation_interval", .int(100)) },
            [
                "/phases/0/performance_evaluation_interval: phase 'pretraining' evaluates cluster assignments, but the centroid strategy has no centroids yet: list it (or an earlier phase) in use_centroids_during_phases, or evaluate in a later phase"
            ])
    }
}

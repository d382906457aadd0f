import Foundation
import XCTest

@testable import RecombineMethod

/// Specs are read from the method with the schema's defaults filled in, and state no default of their own.
final class MethodLoaderTests: XCTestCase {
    static let minimalMethod = """
        {"name": "m", "mappings": [{"name": "encoder", "type": "feature_extractor", "layers": [{"type": "Linear", "in_features": 2, "out_features": 2}]}],
         "phases": [{"name": "p", "order": 1, "exit_criteria": {"iterations": 1},
           "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "encoder"}],
           "optimizers": [{"type": "SGD", "lr": 0.1, "trained_mapping_names": ["encoder"]}]}],
         "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "p"},
         "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "batch_size": 10, "num_clusters": 3}]}
        """

    func testOptionsLeftOutTakeTheSchemaDefaults() throws {
        let outcome = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
            .load(text: Self.minimalMethod, file: "m.json")
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(spec.unfilledOptions, [])
        let dataset = try XCTUnwrap(spec.datasets.first)
        XCTAssertEqual(dataset.enabled, true)
        XCTAssertEqual(dataset.reinitializeMappings, true)
        XCTAssertEqual(dataset.shuffle, false)
        XCTAssertEqual(spec.phases.first?.optimizers.first?.groupName, "default")
        XCTAssertEqual(spec.strategy.classicalClusteringAfterPhaseNumRestarts, 20)
    }

    func testGradientClippingIsReadWithItsDefaultScopeAndItsNormIsChecked() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        let clipped = Self.minimalMethod.replacingOccurrences(
            of: "\"lr\": 0.1,", with: "\"lr\": 0.1, \"gradient_clipping\": {\"max_norm\": 10},")
        let outcome = loader.load(text: clipped, file: "m.json")
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        let optimizer = try XCTUnwrap(spec.phases.first?.optimizers.first)
        XCTAssertEqual(optimizer.gradientClipping?.maxNorm, 10)
        XCTAssertEqual(optimizer.gradientClipping?.scope, "global")
        XCTAssertNil(optimizer.arguments["gradient_clipping"], "not an argument of torch.optim.SGD")
        XCTAssertTrue(
            MethodSummary(spec: spec).text().contains("gradients clipped to norm 10 (all together)"),
            MethodSummary(spec: spec).text())
        XCTAssertNil(
            loader.load(text: Self.minimalMethod, file: "m.json").spec?.phases.first?.optimizers.first?
                .gradientClipping)
        let zero = loader.load(
            text: clipped.replacingOccurrences(of: "\"max_norm\": 10", with: "\"max_norm\": 0"), file: "m.json")
        XCTAssertNil(zero.spec)
        XCTAssertTrue(
            zero.issues.contains { $0.pointer.description == "/phases/0/optimizers/0/gradient_clipping/max_norm" },
            zero.issues.map(\.description).joined(separator: "\n"))
    }

    /// A dataset entry the schema rejects has no defaults filled in; it was also reported as "every dataset is
    /// disabled", sending the user after an `enabled` they never wrote.
    func testAnUnknownDatasetKeyIsTheOnlyProblemReported() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        let unknown = loader.load(
            text: Self.minimalMethod.replacingOccurrences(
                of: "\"num_clusters\": 3}", with: "\"num_clusters\": 3, \"foo\": 1}"),
            file: "m.json")
        XCTAssertEqual(unknown.issues.map(\.pointer.description), ["/datasets/0/foo"], "\(unknown.issues)")
        let disabled = loader.load(
            text: Self.minimalMethod.replacingOccurrences(
                of: "\"num_clusters\": 3}", with: "\"num_clusters\": 3, \"enabled\": false}"),
            file: "m.json")
        XCTAssertEqual(disabled.issues.map(\.message), ["every dataset is disabled; nothing would run"])
    }

    func testOptionWithoutValueOrSchemaDefaultIsReportedInsteadOfGuessed() throws {
        // The same schema with one default removed: the reader has no fallback of its own to use.
        var texts: [String: String] = [:]
        let root = URL(fileURLWithPath: RepositoryPaths.schema)
        for name in try FileManager.default.subpathsOfDirectory(atPath: root.path) where name.hasSuffix(".json") {
            texts[name] = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        }
        let common = try XCTUnwrap(texts["common.json"])
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(common.utf8)) as? [String: Any])
        var definitions = try XCTUnwrap(object["$defs"] as? [String: Any])
        var shuffle = try XCTUnwrap(definitions["dataset_shuffle"] as? [String: Any])
        XCTAssertNotNil(shuffle.removeValue(forKey: "default"))
        definitions["dataset_shuffle"] = shuffle
        object["$defs"] = definitions
        texts["common.json"] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        let outcome = MethodLoader(store: try SchemaStore(texts: texts)).load(text: Self.minimalMethod, file: "m.json")
        XCTAssertNil(outcome.spec)
        XCTAssertEqual(outcome.issues.map(\.pointer.description), ["/datasets/0/shuffle"])
        XCTAssertTrue(
            outcome.issues.first?.message.contains("the schema states no default") ?? false,
            outcome.issues.map(\.description).joined(separator: "\n"))
    }

    func testEveryShippedMethodIsReadWithoutMissingOptions() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        let files = RepositoryPaths.methodFiles()
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let outcome = loader.load(path: file.path)
            let spec = try XCTUnwrap(outcome.spec, "\(file.lastPathComponent): \(outcome.issues)")
            XCTAssertEqual(spec.unfilledOptions, [], file.lastPathComponent)
        }
    }
}

import Foundation
import XCTest

@testable import RecombineMethod

final class DefaultFillerTests: XCTestCase {
    /// Every shipped and reference method, with its defaults filled in, is still valid, states more than
    /// the original, and filling again changes nothing.
    func testFilledMethodsStayValidAndFillingIsIdempotent() throws {
        let store = try SchemaStore(directory: RepositoryPaths.schema)
        let validator = SchemaValidator(store: store), filler = DefaultFiller(validator: validator)
        let files = RepositoryPaths.methodFiles()
        XCTAssertGreaterThanOrEqual(files.count, 7)
        for file in files {
            let document = try JSONParser.parse(contentsOf: file.path)
            let filled = filler.fill(document.root)
            XCTAssertTrue(validator.isValid(filled, against: "method.json"), file.lastPathComponent)
            XCTAssertGreaterThan(
                filled.serialized(indent: 0).count, document.root.serialized(indent: 0).count, file.lastPathComponent)
            XCTAssertEqual(filler.fill(filled), filled, file.lastPathComponent)
        }
    }

    /// A run's method.json (defaults filled in) passes every check again, as `--resume` and `predict`
    /// need: depict_usps's filled objective-function-mismatch defaults used to fail the semantic checks.
    func testFilledMethodsPassEveryCheckAgain() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in RepositoryPaths.methodFiles() {
            let original = loader.load(path: file.path)
            let spec = try XCTUnwrap(original.spec, file.lastPathComponent)
            XCTAssertEqual(original.issues.map(\.description), [], file.lastPathComponent)
            let filled = folder.appendingPathComponent(file.lastPathComponent)
            try XCTUnwrap(spec.withDefaults).serialized(indent: 2).write(to: filled, atomically: true, encoding: .utf8)
            let again = loader.load(path: filled.path, baseDirectory: file.deletingLastPathComponent().path)
            XCTAssertEqual(again.issues.map(\.description), [], "\(file.lastPathComponent) with its defaults filled in")
        }
    }

    /// Defaults come from the branch the value matches: an SGD optimizer gets SGD's, not Adam's.
    func testDefaultsFollowTheMatchingBranch() throws {
        let filler = DefaultFiller(
            validator: SchemaValidator(store: try SchemaStore(directory: RepositoryPaths.schema)))
        let sgd = filler.fill(
            .object(
                JSONObject([
                    ("type", .string("SGD")), ("lr", JSONValue.double(0.1)),
                    ("trained_mapping_names", .array([.string("e")])),
                ])), against: "optimizer.json")
        XCTAssertEqual(sgd["nesterov"], JSONValue.bool(false))
        XCTAssertNil(sgd["betas"])
        XCTAssertEqual(sgd["lr"]?.number, 0.1)
    }

    /// A key given by its alias keeps the alias's value: the canonical key's default is not filled in
    /// beside it (kmeans_gaussians.json's `classical_clustering_after_phase_num_restarts: 10` was
    /// overridden by a filled-in `classical_clustering_in_feature_space_after_phase_num_restarts: 20`).
    func testAliasGivenKeepsItsValueAndTheCanonicalDefaultIsNotFilled() throws {
        let loader = MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema))
        let file = RepositoryPaths.configurations.appendingPathComponent("kmeans_gaussians.json")
        let spec = try XCTUnwrap(loader.load(path: file.path).spec)
        XCTAssertEqual(spec.strategy.classicalClusteringAfterPhaseNumRestarts, 10)
        XCTAssertNil(
            spec.withDefaults?["cluster_assignment_strategy"]?[
                "classical_clustering_in_feature_space_after_phase_num_restarts"])
        let aliasSet = try XCTUnwrap(
            loader.load(
                path: file.path,
                overrides: [
                    (
                        JSONPointer(["cluster_assignment_strategy", "classical_clustering_after_phase_num_restarts"]),
                        .int(7)
                    )
                ]
            ).spec)
        XCTAssertEqual(aliasSet.strategy.classicalClusteringAfterPhaseNumRestarts, 7)
        // Without either key, the canonical key's default applies.
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: #", "classical_clustering_after_phase_num_restarts": 10"#, with: "")
        XCTAssertFalse(text.contains("after_phase_num_restarts"), "the key was removed from the text")
        let plain = try XCTUnwrap(loader.load(text: text, file: "plain.json").spec)
        XCTAssertEqual(plain.strategy.classicalClusteringAfterPhaseNumRestarts, 20)
    }
}

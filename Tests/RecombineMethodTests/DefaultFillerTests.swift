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
}

import Foundation
import RecombineData
import XCTest

@testable import RecombineMethod

/// Dataset defaults the data layer applies equal the schema's. The built-in datasets need nothing
/// machine-specific: the shipped method files name no `root` and leave `download` at its default.
final class DatasetDefaultsTests: XCTestCase {
    func testSchemaDefaultOfDownloadIsTheOneTheLoaderUses() throws {
        let store = try SchemaStore(directory: RepositoryPaths.schema)
        let dataset = try XCTUnwrap(store.schema(at: "dataset.json"))
        for kind in BuiltinImageDataset.allCases {
            let download = try XCTUnwrap(dataset["$defs"]?[kind.rawValue]?["properties"]?["download"], kind.rawValue)
            XCTAssertEqual(download["$ref"]?.string, "common.json#/$defs/builtin_dataset_download", kind.rawValue)
            XCTAssertNil(
                dataset["$defs"]?[kind.rawValue]?["properties"]?["root"]?["default"],
                "\(kind.rawValue): root needs no default")
        }
        let shared = try XCTUnwrap(store.schema(at: "common.json")?["$defs"]?["builtin_dataset_download"])
        XCTAssertEqual(shared["default"]?.bool, BuiltinImageDataset.downloadsByDefault)
        XCTAssertEqual(BuiltinImageDataset.downloadsByDefault, true)
    }

    func testStandardizeDefaultIsStatedOnceInCommonSchema() throws {
        let store = try SchemaStore(directory: RepositoryPaths.schema)
        for kind in ["CSV", "NPY"] {
            let standardize = try XCTUnwrap(
                store.schema(at: "dataset.json")?["$defs"]?[kind]?["properties"]?["standardize"], kind)
            XCTAssertEqual(standardize["$ref"]?.string, "common.json#/$defs/feature_standardize", kind)
            XCTAssertNil(standardize["default"], kind)
        }
        let shared = try XCTUnwrap(store.schema(at: "common.json")?["$defs"]?["feature_standardize"])
        XCTAssertEqual(shared["default"]?.bool, false)
    }

    func testShippedConfigurationsNameNoRootAndDownloadWhenMissing() throws {
        let directory = RepositoryPaths.configurations
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
            .sorted()
        XCTAssertFalse(files.isEmpty)
        let builtin = Set(BuiltinImageDataset.allCases.map(\.rawValue))
        for file in files {
            let root =
                try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(file)))
                as? [String: Any]
            for entry in root?["datasets"] as? [[String: Any]] ?? []
            where builtin.contains(entry["dataset"] as? String ?? "") {
                XCTAssertNil(entry["root"], "\(file): \(entry["name"] ?? "") names a machine-specific root")
                XCTAssertNotEqual(
                    entry["download"] as? Bool, false, "\(file): \(entry["name"] ?? "") turns downloading off")
            }
        }
    }
}

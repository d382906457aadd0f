import Foundation
import XCTest

@testable import RecombineMethod

final class MemoryEstimateTests: XCTestCase {
    func load(_ mutate: (inout [String: Any]) -> Void, from name: String) throws -> MethodLoader.Outcome {
        var method =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: RepositoryPaths.configurations.appendingPathComponent(name))) as! [String: Any]
        mutate(&method)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: method).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return MethodLoader(store: try SchemaStore(directory: RepositoryPaths.schema)).load(path: file.path)
    }

    /// A Linear with 10⁹ outputs is refused from its arguments alone (nothing is allocated: the check
    /// runs in a few megabytes), naming the layer and the memory it would need.
    func testAbsurdLayerIsRefusedBeforeAllocation() throws {
        let outcome = try load(
            { m in
                var mappings = m["mappings"] as! [[String: Any]]
                var layers = mappings[0]["layers"] as! [[String: Any]]
                layers[0]["out_features"] = 1_000_000_000; layers[2]["in_features"] = 1_000_000_000
                mappings[0]["layers"] = layers; m["mappings"] = mappings
            }, from: "dec_gaussians.json")
        XCTAssertNil(outcome.spec)
        let text = outcome.issues.map(\.description).joined(separator: "\n")
        XCTAssertEqual(outcome.issues.count, 1, text)
        for part in ["/mappings/0/layers/0", "3000000000 parameters", "80.0 GB", "more than this machine's"] {
            XCTAssertTrue(text.contains(part), "'\(part)' missing: \(text)")
        }
    }

    func testAbsurdBatchIsRefusedWithTheEstimate() throws {
        let outcome = try load(
            { m in
                var datasets = m["datasets"] as! [[String: Any]]
                datasets[0]["batch_size"] = 10_000_000; m["datasets"] = datasets
            }, from: "dec.json")
        let text = outcome.issues.map(\.description).joined(separator: "\n")
        XCTAssertTrue(text.contains("/datasets/0/batch_size") && text.contains("activations of one step 1.2 TB"), text)
    }

    /// DEC's autoencoder: 784-500-500-2000-10 and back has 3 330 794 parameters (16 bytes each with
    /// gradient and two Adam states); MNIST's 60 000 training images are held as bytes.
    func testEstimateOfDEC() throws {
        let spec = try XCTUnwrap(try load({ _ in }, from: "dec.json").spec)
        let estimate = MethodCompiler.memoryEstimate(spec)
        XCTAssertEqual(estimate.parameterCount, 3_330_794)
        XCTAssertEqual(estimate.parameterCount, Double(MethodCompiler.parameterCounts(spec).values.reduce(0, +)))
        XCTAssertEqual(estimate.dataBytes, 60_000 * 784)
        XCTAssertGreaterThan(estimate.activationBytes, 256 * (784 * 2 + 500 * 2 + 2000 + 10) * 8 * 0.9)
        XCTAssertTrue(MethodSummary(spec: spec).text().contains("Estimated peak memory: 162 MB"))
        XCTAssertEqual(MemoryEstimate.format(1.5e9), "1.5 GB")
        XCTAssertEqual(MemoryEstimate.format(512), "512 B")
    }
}

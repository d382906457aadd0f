import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import RecombineTraining
import XCTest

/// The reference framework's own method files train unchanged (at a tiny schedule on a slice of MNIST).
final class ReferenceConfigTests: XCTestCase {
    func testReferenceMethodFilesTrainEndToEnd() throws {
        let shared = URL(fileURLWithPath: TrainerTests.schemaDirectory).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
        let data =
            ProcessInfo.processInfo.environment["RECOMBINE_DATA"] ?? shared.appendingPathComponent("datasets").path
        try Repository.requireData("mnist/train-images-idx3-ubyte.gz")
        let loader = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory))
        for name in ["dec_cc_hybrid_mnist", "deep_k_means"] {
            let path = shared.appendingPathComponent("reference-configs/\(name).json").path
            // Only the data slice is overridden, so the test stays fast in debug builds.
            let overrides = [
                (JSONPointer(["datasets", "0", "index_of_last_sample_to_use"]), JSONValue.int(1023)),
                (JSONPointer(["datasets", "1", "index_of_last_sample_to_use"]), JSONValue.int(511)),
            ]
            let outcome = loader.load(path: path, overrides: overrides)
            let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
            var configuration = RunConfiguration()
            configuration.quiet = true
            configuration.seed = 1
            configuration.iterationsScale = 0.0002
            configuration.dataDirectories = [data]
            configuration.outputDirectory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "recombine-ref-\(name)-\(UUID().uuidString)"
                ).path
            defer { try? FileManager.default.removeItem(atPath: configuration.outputDirectory!) }
            let result = try MethodRunner(spec: spec, configuration: configuration).run()
            let final = try XCTUnwrap(result.final)
            XCTAssertEqual(final.dataset, "MNIST-Test")
            XCTAssertGreaterThan(final.acc!, 0.15, "\(name): ACC \(final.acc!)")
            guard name == "dec_cc_hybrid_mnist" else { continue }
            // The run's method.json states every default; training it gives the same numbers, so the
            // schema's defaults are the trainer's.
            let written = try XCTUnwrap(
                loader.load(path: configuration.outputDirectory! + "/method.json", baseDirectory: spec.baseDirectory)
                    .spec)
            // The run wrote the method with every default filled in (the file leaves `numerics` out).
            XCTAssertNil(try JSONParser.parse(contentsOf: path).root["numerics"])
            XCTAssertEqual(written.document.root["numerics"], .string("papers"))
            XCTAssertEqual(written.document.root, outcome.spec!.withDefaults)
            var again = configuration
            again.outputDirectory = configuration.outputDirectory! + "-filled"
            defer { try? FileManager.default.removeItem(atPath: again.outputDirectory!) }
            let second = try XCTUnwrap(try MethodRunner(spec: written, configuration: again).run().final)
            XCTAssertEqual([second.acc, second.nmi, second.ari], [final.acc, final.nmi, final.ari])
        }
    }
}

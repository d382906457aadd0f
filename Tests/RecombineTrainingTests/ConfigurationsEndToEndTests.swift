import Foundation
import RecombineMethod
import RecombineTestSupport
import RecombineTraining
import XCTest

/// Every method file in Configurations/ trains end to end and is scored — on a slice of its image
/// data at a tiny schedule (every budget scaled to its minimum of 1), so that what only shows at the
/// end of a run (the end of a dataset, the evaluation dataset, the final state) is exercised for each
/// file users start from.
final class ConfigurationsEndToEndTests: XCTestCase {
    static let imageDatasets: Set<String> = ["MNIST", "FashionMNIST", "USPS"]
    /// Samples kept of each image dataset (two batches of 256).
    static let sliceEnd: Int64 = 511

    func testEveryConfigurationTrainsAndIsScored() throws {
        let repository = URL(fileURLWithPath: TrainerTests.schemaDirectory).deletingLastPathComponent()
        let shared = repository.deletingLastPathComponent().appendingPathComponent("shared")
        let data =
            ProcessInfo.processInfo.environment["RECOMBINE_DATA"] ?? shared.appendingPathComponent("datasets").path
        try Repository.requireData("mnist/train-images-idx3-ubyte.gz")
        let loader = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory))
        let directory = repository.appendingPathComponent("Configurations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
            .sorted()
        XCTAssertGreaterThanOrEqual(files.count, 7)
        let digits = try TemporaryDirectory(); defer { digits.remove() }
        try runProcess([
            "python3", Repository.scripts.appendingPathComponent("idx-to-image-folder").path, "--data-root", data,
            "--count", String(Self.sliceEnd + 1), "--output", digits.path,
        ])
        for file in files {
            let path = directory.appendingPathComponent(file).path
            let root = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            let datasets = try XCTUnwrap(root["datasets"] as? [[String: Any]], file)
            var overrides: [(JSONPointer, JSONValue)] = []
            for (i, d) in datasets.enumerated() where Self.imageDatasets.contains(d["dataset"] as? String ?? "") {
                overrides.append(
                    (JSONPointer(["datasets", String(i), "index_of_last_sample_to_use"]), .int(Self.sliceEnd)))
            }
            for (i, d) in datasets.enumerated() where d["dataset"] as? String == "ImageFolder" {
                // The folder users write with Scripts/idx-to-image-folder, of as many digits as the slices.
                overrides.append((JSONPointer(["datasets", String(i), "path"]), .string(digits.path)))
            }
            let outcome = loader.load(path: path, overrides: overrides)
            let spec = try XCTUnwrap(
                outcome.spec, "\(file): " + outcome.issues.map(\.description).joined(separator: "\n"))
            var configuration = RunConfiguration()
            configuration.quiet = true
            configuration.seed = 1
            configuration.iterationsScale = 1e-6
            configuration.dataDirectories = [data]
            configuration.outputDirectory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "recombine-configuration-\(UUID().uuidString)"
                ).path
            defer { try? FileManager.default.removeItem(atPath: configuration.outputDirectory!) }
            let started = Date()
            let result: RunResult
            do { result = try MethodRunner(spec: spec, configuration: configuration).run() } catch {
                XCTFail("\(file): \(error)"); continue
            }
            XCTAssertEqual(result.status, .completed, file)
            // The last dataset is scored: by an evaluation, or by the end-of-training record.
            let lastDataset = try XCTUnwrap(spec.datasets.last?.name)
            XCTAssertTrue(
                result.final?.dataset == lastDataset || result.endOfTraining.contains { $0.dataset == lastDataset },
                "\(file): no score on its last dataset \(lastDataset)")
            print(String(format: "%@: %.1f s", file, Date().timeIntervalSince(started)))
        }
    }
}

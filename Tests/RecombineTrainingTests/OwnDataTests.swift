import Foundation
import RecombineData
import RecombineMethod
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// A user's own CSV, named in a method file: quoted fields, text labels and `standardize`.
final class OwnDataTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testQuotedCSVWithTextLabelsIsStandardizedAndScored() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-own-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        directories.append(folder)
        // Three blobs; the second column is in units a thousand times larger than the first.
        var csv = "\"length, m\",\"mass, g\",species\r\n"
        let species = ["\"Blob \"\"c\"\"\"", "blob a", "\"blob b, large\""]
        for i in 0..<90 {
            let k = i % 3, jitter = (Double(i / 3) - 14.5) / 30
            csv += "\(Double(k) * 4 + jitter),\(1000 * (Double(2 - k) * 4 - jitter)),\(species[k])\r\n"
        }
        let path = folder.appendingPathComponent("blobs.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let method = try MethodDocument(TrainerTests.decMethod())
            .setting(
                "/datasets/0",
                [
                    "dataset": "CSV", "path": path, "label_column": "species", "standardize": true, "batch_size": 30,
                    "num_clusters": 3, "shuffle": true,
                ]
            ).text
        let spec = try loadMethodText(method, directories: &directories)
        let factory = DatasetFactory(
            baseDirectory: spec.baseDirectory, locations: DataLocations(searchDirectories: [], cache: folder.path))
        let data = try XCTUnwrap(try factory.load(spec.datasets[0], seed: 0) as? FeatureDataset)
        XCTAssertEqual(data.labelNames, ["Blob \"c\"", "blob a", "blob b, large"])
        XCTAssertEqual(Array(data.labels!.prefix(3)), [0, 1, 2])
        let statistics = try XCTUnwrap(data.standardization)
        XCTAssertEqual(statistics.mean[1], 4000, accuracy: 1e-6)
        for c in 0..<2 {
            let column = stride(from: c, to: data.features.count, by: 2).map { Double(data.features[$0]) }
            XCTAssertEqual(column.reduce(0, +) / 90, 0, accuracy: 1e-6)
            XCTAssertEqual((column.map { $0 * $0 }.reduce(0, +) / 90).squareRoot(), 1, accuracy: 1e-5)
        }
        let result = try runMethodText(method, directories: &directories)
        XCTAssertEqual(result.status, .completed)
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.9)
    }
}

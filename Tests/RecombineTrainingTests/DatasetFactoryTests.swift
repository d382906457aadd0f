import Foundation
import RecombineData
import RecombineMethod
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// Built-in datasets as the factory assembles them from the files it finds.
final class DatasetFactoryTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// ddc.json with its dataset entry's keys replaced by `entry`'s.
    func ddcMethod(dataset entry: [String: Any]) throws -> MethodSpec {
        let url = Repository.configurations.appendingPathComponent("ddc.json")
        var method = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var datasets = try XCTUnwrap(method["datasets"] as? [[String: Any]])
        datasets[0].merge(entry) { $1 }
        method["datasets"] = datasets
        return try loadMethodText(
            String(decoding: try JSONSerialization.data(withJSONObject: method), as: UTF8.self),
            directories: &directories)
    }

    func testIncludedTestSplitFollowsTheTrainingSplitInOrder() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let mnist = folder.appending("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        // Four training images filled with 10, 11, 12, 13 (labels 0–3); three test images with 20, 21, 22 (7–9).
        let train = (0..<4).map { UInt8(10 + $0) }, test = (0..<3).map { UInt8(20 + $0) }
        try ImageFolderRunTests.writeIDX(
            train.flatMap { Array(repeating: $0, count: 784) }, dimensions: [4, 28, 28],
            to: mnist.appendingPathComponent("train-images-idx3-ubyte"))
        try ImageFolderRunTests.writeIDX(
            [0, 1, 2, 3], dimensions: [4], to: mnist.appendingPathComponent("train-labels-idx1-ubyte"))
        try ImageFolderRunTests.writeIDX(
            test.flatMap { Array(repeating: $0, count: 784) }, dimensions: [3, 28, 28],
            to: mnist.appendingPathComponent("t10k-images-idx3-ubyte"))
        try ImageFolderRunTests.writeIDX(
            [7, 8, 9], dimensions: [3], to: mnist.appendingPathComponent("t10k-labels-idx1-ubyte"))
        func load(_ entry: [String: Any]) throws -> (data: Dataset, files: [String]) {
            let spec = try ddcMethod(dataset: entry.merging(["download": false]) { $1 })
            let factory = DatasetFactory(
                baseDirectory: spec.baseDirectory,
                locations: DataLocations(searchDirectories: [folder.path], cache: folder.appending("cache").path))
            return (try factory.load(spec.datasets[0], seed: 0), factory.files.paths)
        }
        func firstPixels(_ data: Dataset) -> [Float] {
            let t = data.batch(Array(0..<data.count))
            return (0..<data.count).map { t.floats[$0 * 784] * 255 }
        }

        let both = try load(["include_test_split": true])
        XCTAssertEqual(both.data.count, 7)
        XCTAssertEqual(both.data.labels, [0, 1, 2, 3, 7, 8, 9])
        XCTAssertEqual(firstPixels(both.data).map { $0.rounded() }, [10, 11, 12, 13, 20, 21, 22])
        XCTAssertEqual(
            both.files.map { ($0 as NSString).lastPathComponent },
            ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])

        let trainOnly = try load(["include_test_split": false])
        XCTAssertEqual(trainOnly.data.labels, [0, 1, 2, 3])
        XCTAssertEqual(trainOnly.files.count, 2)
        XCTAssertEqual(try load(["train": false, "include_test_split": false]).data.labels, [7, 8, 9])
    }

    func testConcatenatingImagesOfDifferentShapesIsAnErrorNotACrash() throws {
        let a = ImageDataset(name: "a", pixels: [1, 2, 3, 4], sampleShape: [1, 2, 2], labels: [0])
        let b = ImageDataset(name: "b", pixels: [1, 2, 3], sampleShape: [1, 1, 3], labels: [1])
        XCTAssertThrowsError(try ImageDataset(name: "ab", concatenating: [a, b])) { error in
            XCTAssertTrue("\(error)".contains("[1, 1, 3]"), "\(error)")
        }
        let unlabelled = ImageDataset(name: "c", pixels: [5, 6, 7, 8], sampleShape: [1, 2, 2], labels: nil)
        XCTAssertThrowsError(try ImageDataset(name: "ac", concatenating: [a, unlabelled]))
        XCTAssertThrowsError(try ImageDataset(name: "none", concatenating: []))
    }
}

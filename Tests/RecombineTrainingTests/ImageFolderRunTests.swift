import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// Configurations/ae_kmeans_image_folder.json trained on MNIST digits written as PNGs, and on the
/// same digits in the same order as IDX files: the runs agree to the last prediction.
final class ImageFolderRunTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// An uncompressed IDX file of unsigned bytes with `dimensions`.
    static func writeIDX(_ bytes: [UInt8], dimensions: [Int], to url: URL) throws {
        var data = Data([0, 0, 0x08, UInt8(dimensions.count)])
        for d in dimensions { withUnsafeBytes(of: UInt32(d).bigEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: bytes)
        try data.write(to: url)
    }

    /// The configuration with `entry`'s keys set and `removing` removed in its dataset entry, as method text.
    static func configuration(dataset entry: [String: Any], removing: [String] = []) throws -> String {
        let url = Repository.configurations.appendingPathComponent("ae_kmeans_image_folder.json")
        var method = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var datasets = try XCTUnwrap(method["datasets"] as? [[String: Any]])
        datasets[0].merge(entry) { $1 }
        for key in removing { datasets[0][key] = nil }
        method["datasets"] = datasets
        return String(decoding: try JSONSerialization.data(withJSONObject: method), as: UTF8.self)
    }

    func testPNGFolderRunEqualsTheIDXRunOfTheSameDigits() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let images = folder.appending("images").path
        try runProcess([
            "python3", Repository.scripts.appendingPathComponent("idx-to-image-folder").path, "--data-root",
            Repository.dataRoot,
            "--count", "300", "--output", images,
        ])
        let idx = try ImageDataset(
            name: "idx", imagesFile: Repository.requireData("mnist/t10k-images-idx3-ubyte.gz"),
            labelsFile: Repository.requireData("mnist/t10k-labels-idx1-ubyte.gz"))
        // The digits in the folder's order (class folders, then file names): written as IDX files.
        let folderData = try ImageFolderDataset(name: "folder", path: images)
        let order = folderData.files.map { Int(($0 as NSString).lastPathComponent.prefix(4))! }
        try Self.writeIDX(
            order.flatMap { idx.pixels[($0 * 784)..<(($0 + 1) * 784)] }, dimensions: [300, 28, 28],
            to: folder.appending("images.idx"))
        try Self.writeIDX(order.map { UInt8(idx.labels![$0]) }, dimensions: [300], to: folder.appending("labels.idx"))

        let fromFolder = try runMethodText(
            try Self.configuration(dataset: ["path": images]), seed: 2, scale: 0.05, directories: &directories)
        let idxEntry: [String: Any] = [
            "dataset": "IDX", "root": folder.path, "images_file": "images.idx", "labels_file": "labels.idx",
        ]
        let fromIDX = try runMethodText(
            try Self.configuration(dataset: idxEntry, removing: ["path", "image_size", "channels"]),
            seed: 2, scale: 0.05, directories: &directories)
        XCTAssertEqual(fromFolder.status, .completed)
        XCTAssertEqual(fromIDX.status, .completed)
        let acc = try XCTUnwrap(fromFolder.endOfTraining.last?.acc)
        XCTAssertGreaterThan(acc, 0.2)
        XCTAssertEqual(acc, try XCTUnwrap(fromIDX.endOfTraining.last?.acc))
        XCTAssertEqual(
            try String(contentsOfFile: fromFolder.runDirectory + "/predictions.csv"),
            try String(contentsOfFile: fromIDX.runDirectory + "/predictions.csv"))
        let stored = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: fromFolder.runDirectory + "/result.json")))
                as? [String: Any])
        XCTAssertEqual((stored["label_names"] as? [String: [String]])?["MNIST-Test-Images"], (0..<10).map(String.init))
        let hashes = try XCTUnwrap(stored["data_files_sha256"] as? [String: String])
        XCTAssertEqual(hashes[DataFileHashes.name(ofFile: images)], try ImageFolderListing(root: images).sha256())
    }
}

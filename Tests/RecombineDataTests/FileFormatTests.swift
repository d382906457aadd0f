import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

final class FileFormatTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// IDX bytes of images [n, h, w] or labels [n].
    static func idx(_ dims: [Int], _ values: [UInt8]) -> [UInt8] {
        [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in [24, 16, 8, 0].map { UInt8((d >> $0) & 0xff) } } + values
    }

    /// Every reader of data files says whether the path is missing, a folder or unreadable (they all said
    /// "cannot read the file").
    func testMissingPathsAndFoldersAreNamedByEveryReader() throws {
        let folder = FileManager.default.temporaryDirectory.path, missing = "/nonexistent/data.csv"
        let points = directory.appendingPathComponent("points.csv").path
        try "1,2\n3,4\n".write(toFile: points, atomically: true, encoding: .utf8)
        let readers: [(String, (String) throws -> Void)] = [
            ("CSV", { _ = try CSVReader(path: $0, delimiter: ",") }), ("NPY", { _ = try FeatureFiles.npy($0) }),
            ("gzip", { _ = try Gzip.readFile($0) }), ("image", { _ = try ImageFile.decode($0) }),
            ("labels", { _ = try FeatureFiles.csv(path: points, labelsPath: $0, name: "x") }),
        ]
        for (name, read) in readers {
            XCTAssertThrowsError(try read(folder), name) {
                XCTAssertTrue("\($0)".hasSuffix("a folder, not a file"), "\(name): \($0)")
            }
            XCTAssertThrowsError(try read(missing), name) {
                XCTAssertTrue("\($0)".hasSuffix("no such file"), "\(name): \($0)")
            }
        }
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex(Data(String(repeating: "a", count: 1_000_000).utf8)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSHA256InPiecesOfAnySizeEqualsOneShot() {
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        var hasher = SHA256(), offset = 0
        for size in [1, 63, 64, 65, 0, 128, 7] + Array(repeating: 100, count: 10) where offset < bytes.count {
            let end = Swift.min(bytes.count, offset + size)
            hasher.update(bytes[offset..<end]); offset = end
        }
        XCTAssertEqual(hasher.finalize(), SHA256.hex(bytes))
    }

    func testIDXParsingValidatesHeaderAndSize() throws {
        let good = try IDXArray(Self.idx([2, 2, 3], Array(0..<12)), file: "x")
        XCTAssertEqual(good.dimensions, [2, 2, 3])
        XCTAssertEqual(good.bytes.last, 11)
        XCTAssertThrowsError(try IDXArray(Self.idx([2, 2, 3], Array(0..<11)), file: "short.idx")) {
            XCTAssertEqual("\($0)", "short.idx: IDX header declares 2×2×3 = 12 values, but the file holds 11")
        }
        XCTAssertThrowsError(try IDXArray([1, 2, 8, 1, 0, 0, 0, 0], file: "m")) {
            XCTAssertTrue("\($0)".contains("bad magic number"), "\($0)")
        }
        XCTAssertThrowsError(try IDXArray([0, 0, 0x0D, 1, 0, 0, 0, 0], file: "f")) {
            XCTAssertTrue("\($0)".contains("0x0d"), "\($0)")
        }
    }

    func testGzipRoundTripThroughTheSystemGzipAndTruncation() throws {
        let raw = directory.appendingPathComponent("images")
        try Data(Self.idx([3, 2, 2], Array(0..<12))).write(to: raw)
        let gzip = Process(); gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env");
        gzip.arguments = ["gzip", "-k", raw.path]
        try gzip.run(); gzip.waitUntilExit()
        let images = try IDXArray.read(raw.path + ".gz")
        XCTAssertEqual(images.bytes, Array(0..<12))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: raw.path + ".gz"))
        XCTAssertThrowsError(try Gzip.decompress(compressed.prefix(compressed.count - 12), file: "cut.gz")) {
            XCTAssertTrue("\($0)".contains("cut.gz"), "\($0)")
        }
    }

    func testBuiltinDatasetLookupListsEveryPlaceLooked() throws {
        XCTAssertThrowsError(
            try BuiltinImageDataset.mnist.locate(
                train: true, root: directory.path,
                locations: DataLocations(
                    searchDirectories: ["/nonexistent"], cache: directory.appendingPathComponent("cache").path))
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains(directory.appendingPathComponent("MNIST/raw/train-images-idx3-ubyte.gz").path), text)
            XCTAssertTrue(text.contains("/nonexistent/mnist/train-images-idx3-ubyte"), text)
        }
        // torchvision layout with uncompressed files.
        let raw = directory.appendingPathComponent("MNIST/raw")
        try FileManager.default.createDirectory(at: raw, withIntermediateDirectories: true)
        try Data(Self.idx([2, 2, 2], Array(repeating: 255, count: 8))).write(
            to: raw.appendingPathComponent("t10k-images-idx3-ubyte"))
        try Data(Self.idx([2], [3, 7])).write(to: raw.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let data = try BuiltinImageDataset.mnist.load(
            train: false, root: directory.path, locations: DataLocations(searchDirectories: [], cache: directory.path))
        XCTAssertEqual(data.count, 2); XCTAssertEqual(data.sampleShape, [1, 2, 2]); XCTAssertEqual(data.labels, [3, 7])
        XCTAssertEqual(data.batch([1]).toFloatArray(), [1, 1, 1, 1])
    }

    func testSharedMNISTLoadsWhenAvailable() throws {
        try Repository.requireData("mnist/t10k-images-idx3-ubyte.gz")
        let root = Repository.dataRoot
        let test = try BuiltinImageDataset.mnist.load(
            train: false, root: nil, locations: DataLocations(searchDirectories: [root], cache: "/nonexistent"))
        XCTAssertEqual(test.count, 10000)
        XCTAssertEqual(test.sampleShape, [1, 28, 28])
        XCTAssertEqual(Dictionary(grouping: test.labels!, by: { $0 }).mapValues(\.count)[0], 980)
    }
}

/// Damaged inputs give errors that name the file and the problem (never a crash).
final class DamagedInputTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-damaged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func gzip(_ path: String) throws -> String {
        let p = Process(); p.executableURL = URL(fileURLWithPath: "/usr/bin/env"); p.arguments = ["gzip", "-kf", path]
        try p.run(); p.waitUntilExit()
        return path + ".gz"
    }

    func assertError(
        _ body: @autoclosure () throws -> Any, mentions parts: [String], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            for part in parts {
                XCTAssertTrue("\(error)".contains(part), "'\(part)' missing from: \(error)", file: file, line: line)
            }
        }
    }

    func testEachDamageIsNamed() throws {
        let images = try write("images-idx3-ubyte", FileFormatTests.idx([3, 2, 2], Array(0..<12)))
        let labels = try write("labels-idx1-ubyte", FileFormatTests.idx([2], [1, 2]))
        assertError(try ImageDataset(name: "d", imagesFile: images, labelsFile: labels), mentions: [labels, "3", "2"])
        let empty = try write("empty-idx3-ubyte", [])
        assertError(try IDXArray.read(empty), mentions: [empty])
        assertError(try IDXArray.read(directory.path), mentions: [directory.path])
        assertError(try IDXArray.read(directory.appendingPathComponent("missing").path), mentions: ["missing"])
        // A flipped byte inside the compressed stream: the CRC or the inflater rejects it.
        let big = try write(
            "big-idx3-ubyte", FileFormatTests.idx([50, 10, 10], (0..<5000).map { UInt8(($0 * 7919) % 251) }))
        var compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try gzip(big))))
        compressed[compressed.count / 2] ^= 0xFF
        let corrupt = try write("corrupt-idx3-ubyte.gz", compressed)
        assertError(try IDXArray.read(corrupt), mentions: [corrupt])
        // Labels stored as images and vice versa.
        assertError(try ImageDataset(name: "d", imagesFile: labels, labelsFile: nil), mentions: [labels])
    }
}

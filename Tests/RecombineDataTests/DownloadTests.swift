import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// Downloads from a loopback mirror: verified by decompressed content, written atomically, nothing
/// left behind on a failure, and errors that say what was looked for and how to get it.
final class DownloadTests: XCTestCase {
    var directory: TemporaryDirectory!
    override func setUpWithError() throws { directory = try TemporaryDirectory("recombine-download") }
    override func tearDown() { directory.remove() }

    var sharedMNIST: URL {
        get throws {
            URL(fileURLWithPath: try Repository.requireData("mnist/t10k-labels-idx1-ubyte.gz"))
                .deletingLastPathComponent()
        }
    }

    /// Copies of the shared MNIST files `names` in `folder`, decompressed and gzipped again by Python's
    /// gzip at level 1 with a stored file name and mtime: another header and another deflate stream
    /// than the shared files. `corrupting` names files whose content gets one byte flipped first.
    func regzip(_ names: [String], into folder: URL, corrupting: Set<String> = []) throws {
        try PythonOracle.require(["gzip"])
        try PythonOracle.run(
            """
            import gzip, pathlib, sys
            source, target, corrupt = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3].split(",")
            target.mkdir(parents=True, exist_ok=True)
            for name in sys.argv[4:]:
                content = bytearray(gzip.decompress((source / name).read_bytes()))
                if name in corrupt:
                    content[len(content) // 2] ^= 0xFF
                with open(target / name, "wb") as raw:
                    with gzip.GzipFile(filename=name[:-3], mode="wb", compresslevel=1, fileobj=raw, mtime=886000000) as f:
                        f.write(content)
            """, arguments: [try sharedMNIST.path, folder.path, corrupting.joined(separator: ",")] + names)
    }

    func testMirrorWithAnotherGzipHeaderAndLevelPassesBecauseTheContentIsChecked() throws {
        let names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
        let mirror = directory.appending("mirror")
        try regzip(names, into: mirror)
        for name in names {
            XCTAssertNotEqual(
                try SHA256.hex(ofFile: mirror.appendingPathComponent(name).path),
                try SHA256.hex(ofFile: try sharedMNIST.appendingPathComponent(name).path),
                "\(name) was not recompressed differently")
        }
        let server = try LoopbackServer(serving: mirror)
        defer { server.stop() }
        let cache = directory.appending("cache/mnist").path
        var heard: [String] = []
        let files = try Downloader.fetch(.mnist, train: true, into: cache, mirrors: [server.baseURL]) {
            heard.append($0)
        }
        XCTAssertEqual(files.images, cache + "/train-images-idx3-ubyte.gz")
        XCTAssertEqual(heard, names.map { "Downloading \(server.baseURL)\($0)" })
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: cache).sorted(), names, "temporary files left behind")
        let train = try ImageDataset(name: "MNIST", imagesFile: files.images, labelsFile: files.labels)
        XCTAssertEqual(train.count, 60000)
        XCTAssertEqual(train.labels?.filter { $0 == 0 }.count, 5923)
    }

    func testCorruptMirrorNamesTheFileAndBothHashesAndLeavesNothing() throws {
        let names = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
        let corrupt = directory.appending("mirrors/corrupt"), good = directory.appending("mirrors/good")
        try regzip(names, into: corrupt, corrupting: ["t10k-labels-idx1-ubyte.gz"])
        try regzip(names, into: good)
        let served = try Gzip.decompress(
            Data(contentsOf: corrupt.appendingPathComponent("t10k-labels-idx1-ubyte.gz")), file: "corrupt copy")
        let actual = SHA256.hex(served),
            expected = try XCTUnwrap(Downloader.contentChecksums[.mnist]?["t10k-labels-idx1-ubyte"])
        let server = try LoopbackServer(serving: directory.appending("mirrors"))
        defer { server.stop() }
        let cache = directory.appending("cache/mnist").path
        XCTAssertThrowsError(
            try Downloader.fetch(.mnist, train: false, into: cache, mirrors: [server.baseURL + "corrupt/"])
        ) { error in
            let text = "\(error)"
            for part in [
                "\(server.baseURL)corrupt/t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte has SHA-256 \(actual)",
                "original t10k-labels-idx1-ubyte has SHA-256 \(expected)",
            ] {
                XCTAssertTrue(text.contains(part), "'\(part)' missing from: \(text)")
            }
        }
        // Not even the images, which passed, are kept: a split is written only when both files pass.
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("cache").path))
        // The next mirror is tried after a corrupt one.
        let files = try Downloader.fetch(
            .mnist, train: false, into: cache, mirrors: [server.baseURL + "corrupt/", server.baseURL + "good/"])
        XCTAssertEqual(try ImageDataset(name: "MNIST", imagesFile: files.images, labelsFile: files.labels).count, 10000)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache).sorted(), names)
    }

    func testDataFoundNowhereAndNotDownloadableNamesEveryPlaceAndHowToGetIt() throws {
        let empty = directory.appending("empty-mirror")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let server = try LoopbackServer(serving: empty)
        defer { server.stop() }
        let root = directory.appending("root").path, cache = directory.appending("cache").path
        let locations = DataLocations(
            searchDirectories: [directory.appending("data-root").path, directory.appending("recombine-data").path],
            cache: cache)
        XCTAssertThrowsError(
            try BuiltinImageDataset.mnist.obtain(
                train: true, root: root, locations: locations, download: true, mirrors: [server.baseURL])
        ) { error in
            let text = "\(error)"
            for part in [
                root + "/train-images-idx3-ubyte", root + "/MNIST/raw/train-images-idx3-ubyte",
                directory.appending("data-root/mnist/train-images-idx3-ubyte").path,
                directory.appending("recombine-data/mnist/train-images-idx3-ubyte").path,
                cache + "/mnist/train-images-idx3-ubyte.gz", "Downloading into \(cache)/mnist failed",
                "\(server.baseURL)train-images-idx3-ubyte.gz: HTTP status 404", "RECOMBINE_MIRROR", "--data-root",
                "RECOMBINE_DATA",
            ] {
                XCTAssertTrue(text.contains(part), "'\(part)' missing from: \(text)")
            }
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: cache), "the failed download left the cache folder behind")
        XCTAssertThrowsError(try BuiltinImageDataset.mnist.locate(train: true, root: nil, locations: locations)) {
            error in
            XCTAssertTrue("\(error)".contains("Set \"download\": true"), "\(error)")
        }
        XCTAssertThrowsError(
            try BuiltinImageDataset.usps.obtain(
                train: false, root: nil, locations: locations, download: true, mirrors: [])
        ) { error in
            for part in ["no download mirror is known", "usps.bz2", "usps.h5", "Scripts/usps-to-idx", cache + "/usps"] {
                XCTAssertTrue("\(error)".contains(part), "'\(part)' missing from: \(error)")
            }
        }
    }
}

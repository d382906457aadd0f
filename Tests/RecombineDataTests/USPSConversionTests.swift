import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// Scripts/usps-to-idx turns LIBSVM's usps.bz2 / usps.t.bz2 into the IDX files recombine reads.
final class USPSConversionTests: XCTestCase {
    func testLIBSVMFilesBecomeIDXWithTheProjectsPixelMapping() throws {
        try PythonOracle.require(["bz2", "gzip"])
        let directory = try TemporaryDirectory("recombine-usps")
        defer { directory.remove() }
        // Digit 0 (LIBSVM label 1): black, white, a rounding tie (k = 200 rounds up to 26); features left
        // out are x = 0, mid-grey 128. Digit 9 (label 10): one pixel at x = 0.5 (k = 1500: 191).
        let text = "1 1:-1 2:1 3:-0.8\n10 256:0.5\n"
        let source = directory.appending("usps.t.bz2")
        try PythonOracle.run(
            "import bz2, sys; open(sys.argv[1], 'wb').write(bz2.compress(sys.argv[2].encode()))",
            arguments: [source.path, text])
        let output = directory.appending("out")
        let script = Repository.scripts.appendingPathComponent("usps-to-idx").path
        try runProcess(["python3", script, "--output", output.path, source.path])
        let images = try IDXArray.read(output.appendingPathComponent("t10k-images-idx3-ubyte.gz").path)
        XCTAssertEqual(images.dimensions, [2, 16, 16])
        XCTAssertEqual(Array(images.bytes[0..<4]), [0, 255, 26, 128])
        XCTAssertEqual(Set(images.bytes[3..<256]), [128])
        XCTAssertEqual(Array(images.bytes[256..<511]), Array(repeating: 128, count: 255))
        XCTAssertEqual(images.bytes[511], 191)
        XCTAssertEqual(
            try IDXArray.read(output.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path).bytes, [0, 9])
        let data = try BuiltinImageDataset.usps.load(
            train: false, root: output.path, locations: DataLocations(searchDirectories: [], cache: output.path))
        XCTAssertEqual(data.sampleShape, [1, 16, 16])
        // A line that is not LIBSVM is named, and nothing is written.
        try PythonOracle.run(
            "import bz2, sys; open(sys.argv[1], 'wb').write(bz2.compress(b'1 1:-1\\n3 x\\n'))", arguments: [source.path]
        )
        let bad = directory.appending("bad")
        XCTAssertThrowsError(try runProcess(["python3", script, "--output", bad.path, source.path])) { error in
            XCTAssertTrue("\(error)".contains("usps.t.bz2:2: not a LIBSVM line"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
    }
}

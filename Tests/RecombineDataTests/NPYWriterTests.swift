import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// `.npy` files written for NumPy (the features of `recombine predict --features`).
final class NPYWriterTests: XCTestCase {
    func testWrittenArrayReadsBackWithShapeAndValues() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        for shape in [[3, 2], [4], [2, 1, 3]] {
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 1 }
            let data = try NPYWriter.float32(values, shape: shape)
            let headerLength = Int(data[8]) | Int(data[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "the header is padded to 64 bytes")
            XCTAssertEqual(data[10 + headerLength - 1], UInt8(ascii: "\n"))
            let path = folder.appending("a.npy").path
            try data.write(to: URL(fileURLWithPath: path))
            let read = try FeatureFiles.npy(path)
            XCTAssertEqual(read.shape, shape)
            XCTAssertEqual(read.values, values.map(Double.init))
        }
    }

    func testValuesThatDoNotFillTheShapeAreRefused() {
        XCTAssertThrowsError(try NPYWriter.float32([1, 2, 3], shape: [2, 2])) { error in
            XCTAssertEqual("\(error)", ".npy: 3 values do not fill an array of shape [2, 2]")
        }
    }

    func testNumpyReadsTheFile() throws {
        try PythonOracle.require(["numpy"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let path = folder.appending("z.npy").path
        try NPYWriter.float32([1.5, -2, 0, 3.25, 1e-3, 7], shape: [2, 3]).write(to: URL(fileURLWithPath: path))
        let text = try PythonOracle.run(
            "import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype, a.shape, a.tolist())", arguments: [path])
        XCTAssertEqual(
            text.trimmingCharacters(in: .whitespacesAndNewlines),
            "float32 (2, 3) [[1.5, -2.0, 0.0], [3.25, 0.0010000000474974513, 7.0]]")
    }
}

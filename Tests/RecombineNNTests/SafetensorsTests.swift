import Foundation
import RecombineNN
import RecombineTensor
import RecombineTestSupport
import XCTest

final class SafetensorsTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testRoundTripAndStrictLoading() throws {
        var g = RandomGenerator(seed: 4)
        let net = Sequential([Linear(inFeatures: 3, outFeatures: 2, generator: &g)])
        let path = directory.appendingPathComponent("w.safetensors").path
        try Safetensors.write(
            net.stateDict() + [("extra64", Tensor([1.5, 2.5] as [Double], shape: [2]))], metadata: ["format": "pt"],
            to: path)
        let (tensors, metadata) = try Safetensors.read(path)
        XCTAssertEqual(metadata, ["format": "pt"])
        XCTAssertEqual(tensors["0.weight"]?.toFloatArray(), net.layers[0].namedParameters()[0].tensor.toFloatArray())
        XCTAssertEqual(tensors["extra64"]?.dtype, .float64)
        let other = Sequential([Linear(inFeatures: 3, outFeatures: 2, generator: &g)])
        XCTAssertThrowsError(try other.loadStateDict(tensors)) {
            XCTAssertTrue("\($0)".contains("unexpected: extra64"), "\($0)")
        }
        try other.loadStateDict(tensors, strict: false)
        XCTAssertEqual(other.stateDict()[0].tensor.toFloatArray(), tensors["0.weight"]?.toFloatArray())
        let wrong = Sequential([Linear(inFeatures: 4, outFeatures: 2, generator: &g)])
        XCTAssertThrowsError(try wrong.loadStateDict(tensors, strict: false)) {
            XCTAssertTrue("\($0)".contains("0.weight: file has shape [2, 3], the module [2, 4]"), "\($0)")
        }
    }

    func testCorruptFilesGiveErrors() throws {
        let path = directory.appendingPathComponent("bad.safetensors").path
        for bytes in [[UInt8](), [200, 0, 0, 0, 0, 0, 0, 0, 123], [2, 0, 0, 0, 0, 0, 0, 0, 91, 93]] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try Safetensors.read(path))
        }
        let header = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        var data = Data([UInt8(header.utf8.count), 0, 0, 0, 0, 0, 0, 0]); data.append(Data(header.utf8));
        data.append(Data(count: 8))
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Safetensors.read(path)) { XCTAssertTrue("\($0)".contains("'w'"), "\($0)") }
    }

    func testInteroperatesWithPythonSafetensors() throws {
        try PythonOracle.require(["safetensors.numpy", "numpy"])
        let ours = directory.appendingPathComponent("ours.safetensors").path,
            theirs = directory.appendingPathComponent("theirs.safetensors").path
        try Safetensors.write([("a", Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3]))], to: ours)
        let script = """
            import numpy as np, safetensors.numpy as st
            d = st.load_file('\(ours)'); assert d['a'].dtype == np.float32 and d['a'].shape == (2, 3) and d['a'][1, 2] == 6
            st.save_file({'b': np.arange(5, dtype=np.float64) / 4, 'c': np.ones((2, 2), np.float32)}, '\(theirs)')
            """
        try PythonOracle.run(script)
        let (tensors, _) = try Safetensors.read(theirs)
        XCTAssertEqual(tensors["b"]?.toDoubleArray(), [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(tensors["c"]?.shape, [2, 2])
    }

}

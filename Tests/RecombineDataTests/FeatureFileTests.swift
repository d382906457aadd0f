import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

final class FeatureFileTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-features-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testCSVWithHeaderAndLabelColumn() throws {
        let file = directory.appendingPathComponent("x.csv")
        try "a,b,label\n1,2,0\n3.5,-1,1\n\n".write(to: file, atomically: true, encoding: .utf8)
        let data = try FeatureFiles.csv(path: file.path, labelColumn: "label", name: "x")
        XCTAssertEqual(data.features, [1, 2, 3.5, -1]); XCTAssertEqual(data.labels, [0, 1]); XCTAssertEqual(data.sampleShape, [2])
        try "1,2\n3,x\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FeatureFiles.csv(path: file.path, header: false, name: "x")) { XCTAssertTrue("\($0)".contains(":2: 'x'"), "\($0)") }
    }

    func testNPYWrittenByNumpy() throws {
        let file = directory.appendingPathComponent("x.npy"), labels = directory.appendingPathComponent("y.npy")
        try PythonOracle.require(["numpy"])
        try PythonOracle.run("import numpy as np; np.save('\(file.path)', np.arange(12, dtype=np.float32).reshape(3, 2, 2)); np.save('\(labels.path)', np.array([2, 0, 1]))")
        let data = try FeatureFiles.npyDataset(path: file.path, labelsPath: labels.path, name: "x")
        XCTAssertEqual(data.count, 3); XCTAssertEqual(data.dimension, 4); XCTAssertEqual(data.features.last, 11); XCTAssertEqual(data.labels, [2, 0, 1])
    }
}

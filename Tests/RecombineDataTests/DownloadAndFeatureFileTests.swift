import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

final class DownloadAndFeatureFileTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Serves `folder` on 127.0.0.1 with python3's http.server; returns the process and base URL.
    func serve(_ folder: URL) throws -> (Process, String) {
        let port = 20000 + Int(getpid() % 20000)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", folder.path]
        p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
        try p.run()
        for _ in 0..<50 {   // wait until it answers
            if (try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/")!)) != nil { break }
            usleep(100_000)
        }
        return (p, "http://127.0.0.1:\(port)/")
    }

    func testDownloadVerifiesChecksumsAndLeavesNothingOnMismatch() throws {
        let shared = URL(fileURLWithPath: try Repository.requireData("mnist/t10k-labels-idx1-ubyte.gz")).deletingLastPathComponent()
        let mirror = directory.appendingPathComponent("mirror"), corrupt = directory.appendingPathComponent("corrupt")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: corrupt, withIntermediateDirectories: true)
        for name in ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: mirror.appendingPathComponent(name))
            var bytes = try Data(contentsOf: shared.appendingPathComponent(name)); bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: corrupt.appendingPathComponent(name))
        }
        let (server, base) = try serve(directory)
        defer { server.terminate() }
        let target = directory.appendingPathComponent("data/MNIST/raw").path
        XCTAssertThrowsError(try Downloader.fetch(.mnist, train: false, into: target, mirrors: [base + "corrupt/"])) { error in
            XCTAssertTrue("\(error)".contains("does not match the reference checksum"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target), [])
        let paths = try Downloader.fetch(.mnist, train: false, into: target, mirrors: [base + "corrupt/", base + "mirror/"])
        XCTAssertEqual(paths.count, 2)
        let test = try BuiltinImageDataset.mnist.load(train: false, root: directory.appendingPathComponent("data").path, searchDirectories: [])
        XCTAssertEqual(test.count, 10000)
    }

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

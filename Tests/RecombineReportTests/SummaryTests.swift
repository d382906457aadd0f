import Foundation
@testable import RecombineReport
import XCTest

final class SummaryTests: XCTestCase {
    func write(_ directory: URL, status: String, acc: Double, seed: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result: [String: Any] = ["method": "m", "seed": seed, "status": status, "wall_seconds": 10.0 + Double(seed),
                                     "final": ["acc": acc, "nmi": acc / 2, "ari": acc / 4]]
        try JSONSerialization.data(withJSONObject: result).write(to: directory.appendingPathComponent("result.json"))
    }

    func testMeanAndSampleStandardDeviationOverCompletedRuns() throws {
        let m = try XCTUnwrap(meanAndStandardDeviation([0.8, 0.9, 1.0]))
        XCTAssertEqual(m.mean, 0.9, accuracy: 1e-12); XCTAssertEqual(m.std, 0.1, accuracy: 1e-12)
        XCTAssertEqual(meanAndStandardDeviation([0.5])?.std, 0)
        XCTAssertNil(meanAndStandardDeviation([]))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try write(root.appendingPathComponent("seed-1"), status: "completed", acc: 0.8, seed: 1)
        try write(root.appendingPathComponent("seed-2"), status: "completed", acc: 1.0, seed: 2)
        try write(root.appendingPathComponent("seed-3"), status: "failed", acc: 0.1, seed: 3)
        let runs = try ["seed-1", "seed-2", "seed-3"].map { try RunOutcome(directory: root.appendingPathComponent($0).path) }
        try RunSummary.write(runs, to: root.path)
        let csv = try String(contentsOf: root.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 6)
        XCTAssertEqual(csv[3], "seed-3,m,3,failed,0.1000,0.0500,0.0250,13.0")
        XCTAssertEqual(csv[4], "mean,,,,0.9000,0.4500,0.2250,11.5000")
        XCTAssertEqual(csv[5], "std,,,,0.1414,0.0707,0.0354,0.7071")
        let md = try String(contentsOf: root.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("3 runs, 2 completed") && md.contains("0.9000 ± 0.1414"), md)
        XCTAssertThrowsError(try RunOutcome(directory: root.appendingPathComponent("missing").path))
    }
}

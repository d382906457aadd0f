import Foundation
import XCTest

@testable import RecombineReport

final class SummaryTests: XCTestCase {
    func write(_ directory: URL, status: String, acc: Double, seed: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result: [String: Any] = [
            "method": "m", "seed": seed, "status": status, "wall_seconds": 10.0 + Double(seed),
            "final": ["acc": acc, "nmi": acc / 2, "ari": acc / 4, "dataset": "MNIST-Test"],
        ]
        try JSONSerialization.data(withJSONObject: result).write(to: directory.appendingPathComponent("result.json"))
    }

    /// summary.csv is tidy (one row per run, with its dataset); the aggregates live in summary_aggregates.csv.
    func testSummaryCSVHasOneRowPerRunAndAggregatesElsewhere() throws {
        let m = try XCTUnwrap(meanAndStandardDeviation([0.8, 0.9, 1.0]))
        XCTAssertEqual(m.mean, 0.9, accuracy: 1e-12); XCTAssertEqual(try XCTUnwrap(m.std), 0.1, accuracy: 1e-12)
        let single = try XCTUnwrap(meanAndStandardDeviation([0.5]))
        XCTAssertEqual(single.mean, 0.5)
        XCTAssertNil(single.std, "one value has no sample standard deviation")
        XCTAssertNil(meanAndStandardDeviation([]))
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try write(root.appendingPathComponent("seed-1"), status: "completed", acc: 0.8, seed: 1)
        try write(root.appendingPathComponent("seed-2"), status: "completed", acc: 1.0, seed: 2)
        try write(root.appendingPathComponent("seed-3"), status: "failed", acc: 0.1, seed: 3)
        let runs = try ["seed-1", "seed-2", "seed-3"].map {
            try RunOutcome(directory: root.appendingPathComponent($0).path)
        }
        try RunSummary.write(runs, to: root.path)
        let csv = try String(contentsOf: root.appendingPathComponent("summary.csv"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(csv.count, 4, "a header and one row per run, no aggregate rows: \(csv)")
        XCTAssertEqual(csv[0], "run,method,dataset,seed,status,acc,nmi,ari,wall_seconds")
        XCTAssertEqual(csv[3], "seed-3,m,MNIST-Test,3,failed,0.1000,0.0500,0.0250,13.0")
        let aggregates = try String(contentsOf: root.appendingPathComponent("summary_aggregates.csv"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(
            aggregates,
            [
                "method,dataset,runs,completed,acc_mean,acc_std,nmi_mean,nmi_std,ari_mean,ari_std,wall_seconds_mean,wall_seconds_std",
                "m,MNIST-Test,3,2,0.9000,0.1414,0.4500,0.0707,0.2250,0.0354,11.5000,0.7071",
            ])
        let md = try String(contentsOf: root.appendingPathComponent("summary.md"), encoding: .utf8)
        XCTAssertTrue(md.contains("3 runs, 2 completed") && md.contains("0.9000 ± 0.1414"), md)
        XCTAssertThrowsError(try RunOutcome(directory: root.appendingPathComponent("missing").path))
    }
}

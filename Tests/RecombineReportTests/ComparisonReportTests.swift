import Foundation
import RecombineTestSupport
import XCTest

@testable import RecombineReport

/// Comparison pages plot each metric against iterations, one chart per dataset.
final class ComparisonReportTests: XCTestCase {
    /// A run directory with `result.json` and `metrics.jsonl`: a pretraining phase of 100 iterations
    /// (losses only), then evaluations of a clustering phase at `iterations` on `dataset`.
    func writeRun(_ directory: URL, dataset: String, iterations: [Int], acc: Double) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result: [String: Any] = [
            "method": "m", "seed": 1, "status": "completed", "wall_seconds": 1.0,
            "final": ["acc": acc, "nmi": acc, "ari": acc, "dataset": dataset],
        ]
        try JSONSerialization.data(withJSONObject: result).write(to: directory.appendingPathComponent("result.json"))
        var records: [[String: Any]] = [50, 100].map {
            [
                "kind": "loss", "phase": "pre", "dataset": dataset, "iteration": $0, "pattern": "p", "term": "t",
                "loss": 1.0,
            ]
        }
        records += iterations.map {
            [
                "kind": "evaluation", "phase": "clu", "dataset": dataset, "iteration": $0, "acc": acc, "nmi": acc,
                "ari": acc,
            ]
        }
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(
            to: directory.appendingPathComponent("metrics.jsonl"), atomically: true, encoding: .utf8)
    }

    /// Polyline x coordinates mapped back to data values through the chart's own tick positions.
    func xValues(ofSeries index: Int, in svg: String) throws -> [Double] {
        // Tick labels sit at `bottom + 17` under each tick line; read two to invert the scale.
        let ticks = try NSRegularExpression(
            pattern:
                ##"<line x1="([0-9.]+)" y1="[0-9.]+" x2="[0-9.]+" y2="[0-9.]+" stroke="#444" stroke-width="1"/>\n<text x="[0-9.]+" y="[0-9.]+" font-size="11" text-anchor="middle" fill="#222">([0-9]+)</text>"##
        )
        let matches = ticks.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m in
            (Double(svg[Range(m.range(at: 1), in: svg)!])!, Double(svg[Range(m.range(at: 2), in: svg)!])!)
        }
        XCTAssertGreaterThanOrEqual(matches.count, 2, "tick labels not found")
        let (p0, v0) = matches[0], (p1, v1) = matches[matches.count - 1]
        let polylines = svg.components(separatedBy: "<polyline points=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        return polylines[index].split(separator: " ").map { pair in
            let px = Double(pair.split(separator: ",")[0])!
            return ((v0 + (px - p0) * (v1 - v0) / (p1 - p0)) * 1000).rounded() / 1000
        }
    }

    func testCurvesAreAgainstIterationsWithOneChartPerDataset() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try writeRun(root.url.appendingPathComponent("a"), dataset: "MNIST", iterations: [40, 80, 120], acc: 0.5)
        try writeRun(root.url.appendingPathComponent("b"), dataset: "MNIST", iterations: [120], acc: 0.6)
        try writeRun(root.url.appendingPathComponent("c"), dataset: "USPS", iterations: [10, 20], acc: 0.7)
        let out = root.url.appendingPathComponent("cmp")
        let page = try ComparisonReport.build(
            directories: ["a", "b", "c"].map { root.url.appendingPathComponent($0).path }, outputDirectory: out.path)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertTrue(
            html.contains("<th>dataset</th>") && html.contains("<td>USPS</td>"), "the table names each run's dataset")
        let mnist = try String(contentsOf: out.appendingPathComponent("comparison_MNIST_acc.svg"), encoding: .utf8)
        let usps = try String(contentsOf: out.appendingPathComponent("comparison_USPS_acc.svg"), encoding: .utf8)
        XCTAssertFalse(mnist.contains(">c</text>"), "a run on USPS is not on the MNIST chart")
        XCTAssertTrue(usps.contains(">c</text>") && !usps.contains(">a</text>"))
        // Phase iterations after the 100-iteration pretraining, not evaluation numbers 1, 2, 3.
        XCTAssertEqual(try xValues(ofSeries: 0, in: mnist), [140, 180, 220])
        XCTAssertEqual(try xValues(ofSeries: 1, in: mnist), [220])
        XCTAssertEqual(try xValues(ofSeries: 0, in: usps), [110, 120])
        XCTAssertEqual(ComparisonReport.seriesNames(["/x/a/seed-1", "/x/b/seed-1"]), ["a/seed-1", "b/seed-1"])
    }
}

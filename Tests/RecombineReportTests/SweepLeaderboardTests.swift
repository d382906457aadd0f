import Foundation
import RecombineRunFiles
import RecombineTestSupport
import XCTest

@testable import RecombineReport

/// The leaderboard of a sweep folder: one row per method and grid point, statistics over seeds.
final class SweepLeaderboardTests: XCTestCase {
    /// A result.json of method `method` at grid point `point` in `<root>/<path>`.
    func result(
        _ root: TemporaryDirectory, _ path: String, method: String, point: [String], status: String = "completed",
        acc: Double, wall: Double
    ) throws {
        let directory = root.appending(path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let provenance = RunProvenance(
            recombineVersion: "test", gitRevision: "test", threads: 1, blasCore: "test", iterationsScale: 1,
            overrides: ["/other=1"] + point, gridPoint: point, methodFileSHA256: nil)
        let final = ResultFile.Scores(dataset: "D", acc: acc, nmi: acc / 2, ari: acc / 4)
        let file = ResultFile(
            method: method, seed: 1, status: try XCTUnwrap(RunStatus(rawValue: status)), wallSeconds: wall,
            evaluations: [final], final: final, provenance: provenance, dataFilesSHA256: [:])
        try file.encoded().write(to: directory.appendingPathComponent(ResultFile.name))
    }

    func testOneRowPerMethodAndGridPointWithMeanAndStdOverCompletedSeeds() throws {
        let root = try TemporaryDirectory(); defer { root.remove() }
        try result(root, "dec/lr=0.1/seed-1", method: "dec", point: ["/lr=0.1"], acc: 0.6, wall: 10)
        try result(root, "dec/lr=0.1/seed-2", method: "dec", point: ["/lr=0.1"], acc: 0.8, wall: 14)
        try result(root, "dec/lr=0.1/seed-3", method: "dec", point: ["/lr=0.1"], status: "failed", acc: 0.0, wall: 1)
        try result(root, "dec/lr=0.01/seed-1", method: "dec", point: ["/lr=0.01"], acc: 0.9, wall: 20)
        try result(root, "idec/lr=0.1/seed-1", method: "idec", point: ["/lr=0.1"], acc: 0.5, wall: 5)
        try FileManager.default.createDirectory(at: root.appending(".hidden/x"), withIntermediateDirectories: true)
        XCTAssertTrue(SweepLeaderboard.isSweep(root.path))
        XCTAssertFalse(SweepLeaderboard.isSweep(root.appending("dec/lr=0.1/seed-1").path), "a run folder is no sweep")

        let rows = try SweepLeaderboard.rows(root.path)
        XCTAssertEqual(rows.map(\.method), ["dec", "dec", "idec"])
        XCTAssertEqual(rows.map(\.gridPoint), ["/lr=0.01", "/lr=0.1", "/lr=0.1"], "best ACC first within a method")
        let tenth = rows[1]
        XCTAssertEqual(tenth.runs, 3); XCTAssertEqual(tenth.completed, 2)
        assertClose(tenth.acc!.mean, 0.7, tolerance: 1e-12)
        assertClose(tenth.acc!.std, 0.02.squareRoot(), tolerance: 1e-12)  // sample std (n − 1) of 0.6 and 0.8
        assertClose(tenth.wallSeconds!.mean, 12, tolerance: 1e-12)

        let page = try SweepLeaderboard.write(directory: root.path)
        XCTAssertTrue(page.hasSuffix("leaderboard.md"))
        let csv = try String(contentsOf: root.appending("leaderboard.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertEqual(csv[2], "dec,/lr=0.1,3,2,0.7000,0.1414,0.3500,0.0707,0.1750,0.0354,12.0,2.8")
        XCTAssertTrue(
            try String(contentsOf: root.appending("leaderboard.md"), encoding: .utf8).contains(
                "| dec | `/lr=0.1` | 3 (2) | 0.7000 ± 0.1414 |"))
    }

    func testAFolderWithoutRunsIsNoSweepAndGetsNoLeaderboard() throws {
        let root = try TemporaryDirectory(); defer { root.remove() }
        XCTAssertFalse(SweepLeaderboard.isSweep(root.path))
        XCTAssertThrowsError(try SweepLeaderboard.write(directory: root.path)) {
            XCTAssertTrue("\($0)".contains("no result.json"), "\($0)")
        }
    }
}

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
        acc: Double, wall: Double, validation: [Double] = []
    ) throws {
        let directory = root.appending(path)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let provenance = RunProvenance(
            recombineVersion: "test", gitRevision: "test", threads: 1, blasCore: "test", iterationsScale: 1,
            overrides: ["/other=1"] + point, gridPoint: point, methodFileSHA256: nil)
        let final = ResultFile.Scores(dataset: "D", acc: acc, nmi: acc / 2, ari: acc / 4)
        let checks = validation.map { ResultFile.Scores(dataset: "V", acc: $0, nmi: $0 / 2, ari: $0 / 4) }
        let file = ResultFile(
            method: method, seed: 1, status: try XCTUnwrap(RunStatus(rawValue: status)), wallSeconds: wall,
            evaluations: checks + [final], final: final, provenance: provenance, dataFilesSHA256: [:])
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
        // The sample standard deviation (n − 1) of 0.6 and 0.8.
        assertClose(try XCTUnwrap(tenth.acc!.std), 0.02.squareRoot(), tolerance: 1e-12)
        assertClose(tenth.wallSeconds!.mean, 12, tolerance: 1e-12)

        let page = try SweepLeaderboard.write(directory: root.path)
        XCTAssertTrue(page.hasSuffix("leaderboard.md"))
        let csv = try String(contentsOf: root.appending("leaderboard.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertEqual(csv[2], "dec,/lr=0.1,3,2,0.7000,0.1414,0.3500,0.0707,0.1750,0.0354,12.0,2.8")
        XCTAssertTrue(
            try String(contentsOf: root.appending("leaderboard.md"), encoding: .utf8).contains(
                "| dec | `/lr=0.1` | 3 (2) | 0.7000 ± 0.1414 |"))
        // One completed run has no spread: its mean alone, and an empty std field (not ± 0).
        XCTAssertNil(rows[0].acc!.std)
        XCTAssertEqual(csv[1], "dec,/lr=0.01,1,1,0.9000,,0.4500,,0.2250,,20.0,")
        XCTAssertTrue(
            try String(contentsOf: root.appending("leaderboard.md"), encoding: .utf8).contains(
                "| dec | `/lr=0.01` | 1 (1) | 0.9000 | 0.4500 | 0.2250 | 20.0 |"))
    }

    func testSelectionDatasetRanksAcrossMethodsByItsLastEvaluationAndNotByTheFinalScores() throws {
        let root = try TemporaryDirectory(); defer { root.remove() }
        // The final (test) ACC would rank a, b, c; the validation slice's last evaluation ranks c, b, a.
        try result(root, "a/p/seed-1", method: "a", point: ["/p=1"], acc: 0.95, wall: 1, validation: [0.99, 0.50])
        try result(root, "a/p/seed-2", method: "a", point: ["/p=1"], acc: 0.93, wall: 1, validation: [0.99, 0.60])
        try result(root, "b/p/seed-1", method: "b", point: ["/p=1"], acc: 0.90, wall: 1, validation: [0.10, 0.70])
        try result(root, "c/p/seed-1", method: "c", point: ["/p=2"], acc: 0.80, wall: 1, validation: [0.80])
        try result(root, "c/p/seed-2", method: "c", point: ["/p=2"], status: "failed", acc: 0, wall: 1)

        let rows = try SweepLeaderboard.rows(root.path, selectOn: "V")
        XCTAssertEqual(rows.map(\.method), ["c", "b", "a"])
        let a = try XCTUnwrap(rows.last)
        assertClose(try XCTUnwrap(a.selection?.acc?.mean), 0.55, tolerance: 1e-12)
        assertClose(try XCTUnwrap(a.selection?.nmi?.mean), 0.275, tolerance: 1e-12)
        assertClose(try XCTUnwrap(a.acc?.mean), 0.94, tolerance: 1e-12)
        XCTAssertEqual(a.finalDataset, "D")
        XCTAssertEqual(rows[0].completed, 1, "the failed run needs no selection scores and counts in no mean")

        try SweepLeaderboard.write(directory: root.path, selectOn: "V")
        let csv = try String(contentsOf: root.appending("leaderboard.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv[0].hasPrefix("method,grid_point,runs,completed,selection_dataset,selection_acc_mean,"))
        XCTAssertEqual(
            csv[3],
            "a,/p=1,2,2,V,0.5500,0.0707,0.2750,0.0354,0.1375,0.0177,D,0.9400,0.0141,0.4700,0.0071,0.2350,0.0035,1.0,0.0"
        )
        let page = try String(contentsOf: root.appending("leaderboard.md"), encoding: .utf8)
        XCTAssertTrue(page.contains("Ranked by ACC on the selection dataset \"V\""), page)
        XCTAssertTrue(page.contains("| 1 | c | `/p=2` | 2 (1) | 0.8000 | 0.4000 |"), page)
    }

    func testSelectionDatasetThatARunNeverEvaluatedIsAnErrorNamingTheRunAndWhatItEvaluated() throws {
        let root = try TemporaryDirectory(); defer { root.remove() }
        try result(root, "a/p/seed-1", method: "a", point: ["/p=1"], acc: 0.9, wall: 1, validation: [0.5])
        XCTAssertThrowsError(try SweepLeaderboard.rows(root.path, selectOn: "W")) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("a/p/seed-1/result.json"), message)
            XCTAssertTrue(message.contains("\"W\"") && message.contains("\"D\", \"V\""), message)
        }
    }

    func testAFolderWithoutRunsIsNoSweepAndGetsNoLeaderboard() throws {
        let root = try TemporaryDirectory(); defer { root.remove() }
        XCTAssertFalse(SweepLeaderboard.isSweep(root.path))
        XCTAssertThrowsError(try SweepLeaderboard.write(directory: root.path)) {
            XCTAssertTrue("\($0)".contains("no result.json"), "\($0)")
        }
    }
}

import Foundation
import RecombineTestSupport
import XCTest

extension CLIContractTests {
    /// `recombine report` keeps a finished run's up-to-date report instead of building it again, and
    /// still writes the comparison; `--tsne-points` asks for a rebuild.
    func testReportKeepsAnUpToDateReport() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        let trained = try recombine([
            "run", Repository.configurations.path + "/dec_gaussians.json", "--quiet", "--output", run,
        ])
        XCTAssertEqual(trained.status, 0, trained.errors)
        func modified() throws -> Date {
            try XCTUnwrap(
                try FileManager.default.attributesOfItem(atPath: run + "/report.html")[.modificationDate] as? Date)
        }
        let built = try modified()
        let again = try recombine(["report", run, run, "--output", folder.appending("cmp").path])
        XCTAssertEqual(again.status, 0, again.errors)
        XCTAssertTrue(again.output.contains("report.html (up to date, kept)"), again.output)
        XCTAssertEqual(try modified(), built, "report.html was built again")
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appending("cmp/comparison.html").path))
        let forced = try recombine(["report", run, "--tsne-points", "0"])
        XCTAssertEqual(forced.status, 0, forced.errors)
        XCTAssertFalse(forced.output.contains("up to date"), forced.output)
        XCTAssertGreaterThan(try modified(), built)
    }

    /// `recombine report RECORD --output DIR` reports a committed run record (gzipped metrics and
    /// predictions, no weights) into DIR and leaves the record untouched; its file links name the
    /// record's files; another run's folder is refused as --output.
    func testReportOfOneRunGoesToOutputAndNeverIntoAnotherRun() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let record = folder.appending("record").path
        try FileManager.default.copyItem(
            atPath: Repository.root.appendingPathComponent("Docs/results/runs/dec_gaussians/seed-1").path,
            toPath: record)
        let before = try FileManager.default.contentsOfDirectory(atPath: record).sorted()
        let out = folder.appending("out").path
        let reported = try recombine(["report", record, "--output", out])
        XCTAssertEqual(reported.status, 0, reported.errors)
        XCTAssertEqual(reported.output.trimmingCharacters(in: .whitespacesAndNewlines), out + "/report.html")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: record).sorted(), before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/plots/confusion.svg"))
        let page = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertTrue(page.contains("href=\"file://\(record)/predictions.csv.gz\""), page)
        let kept = try recombine(["report", record, "--output", out])
        XCTAssertTrue(kept.output.contains("report.html (up to date, kept)"), kept.output)

        let other = folder.appending("other").path
        let trained = try recombine([
            "run", Repository.configurations.path + "/kmeans_gaussians.json", "--quiet", "--output", other,
        ])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let report = try String(contentsOfFile: other + "/report.html", encoding: .utf8)
        let refused = try recombine(["report", record, "--output", other])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.errors.contains("--output \(other) is another run's folder"), refused.errors)
        XCTAssertEqual(try String(contentsOfFile: other + "/report.html", encoding: .utf8), report)
    }
}

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
}

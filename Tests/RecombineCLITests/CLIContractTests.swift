import Foundation
import RecombineTestSupport
import XCTest

/// The `recombine` command as a user meets it: exit statuses and messages.
final class CLIContractTests: XCTestCase {
    struct Outcome { let status: Int32; let output: String; let errors: String }

    /// The built `recombine` beside this test bundle.
    static var binary: URL {
        var directory = Bundle(for: CLIContractTests.self).bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("recombine").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("recombine")
    }

    func recombine(_ arguments: [String], in directory: String? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output; process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    func testVersionNamesTheRevision() throws {
        let outcome = try recombine(["--version"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.output.hasPrefix("recombine ") && outcome.output.contains("revision "), outcome.output)
    }

    func testMetricsOfEmptyFilesIsAnError() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        for name in ["t", "p"] { FileManager.default.createFile(atPath: folder.appending(name).path, contents: Data()) }
        let outcome = try recombine(["metrics", "--truth", folder.appending("t").path, "--pred", folder.appending("p").path])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.contains("holds no labels"), outcome.errors)
        XCTAssertFalse(outcome.output.contains("1.0000"), outcome.output)
    }

    /// Runs write predictions.csv; `metrics` reads it (labels and clusters by column).
    func testRunFoldersNeverMixAndMetricsReadsPredictions() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        let configurations = Repository.configurations.path
        let first = try recombine(["run", configurations + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run])
        XCTAssertEqual(first.status, 0, first.errors)
        let again = try recombine(["run", configurations + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run])
        XCTAssertEqual(again.status, 0, again.errors)
        XCTAssertTrue(again.output.contains("already holds this run, finished; skipping it"), again.output)
        let other = try recombine(["run", configurations + "/kmeans_gaussians.json", "--quiet", "--no-report", "--output", run])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.errors.contains("holds another run"), other.errors)
        let metrics = try recombine(["metrics", "--truth", run + "/predictions.csv", "--pred", run + "/predictions.csv"])
        XCTAssertEqual(metrics.status, 0, metrics.errors)
        XCTAssertTrue(metrics.output.hasPrefix("ACC 1.0000"), metrics.output)
    }

    func testUnknownOptionIsAUsageError() throws {
        let outcome = try recombine(["run", Repository.configurations.path + "/dec_gaussians.json", "--iteration-scale", "0.1"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.contains("Did you mean '--iterations-scale'?"), outcome.errors)
    }
}

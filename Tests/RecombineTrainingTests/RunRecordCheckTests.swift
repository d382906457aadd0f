import Foundation
import RecombineMethod
import XCTest

@testable import RecombineTraining

/// The records of Docs/results/runs reproduce the scores they report, and the check notices a record
/// whose predictions were changed.
final class RunRecordCheckTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let records = repository.appendingPathComponent("Docs/results/runs")
    static var dataDirectory: String {
        ProcessInfo.processInfo.environment["RECOMBINE_DATA"]
            ?? repository.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }
    static var underCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    static let checker = RunRecordChecker(
        schemaDirectory: TrainerTests.schemaDirectory, dataDirectories: [dataDirectory])

    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testEveryRecordReproducesItsScoresFromItsPredictions() throws {
        let report = Self.checker.check(recordsUnder: Self.records)
        print(
            "RunRecordCheck: \(report.count) record(s) under Docs/results/runs: \(report.passed.count) reproduce their scores, "
                + "\(report.failed.count) do not, \(report.dataMissing.count) lack their dataset here")
        for failure in report.failures(underCI: Self.underCI) { XCTFail(failure) }
        if !report.dataMissing.isEmpty && report.failed.isEmpty && !Self.underCI {
            throw XCTSkip("datasets missing (set RECOMBINE_DATA): " + report.dataMissing.joined(separator: "; "))
        }
    }

    func testAFolderWithoutRecordsPassesWithACountOfZero() throws {
        let empty = try freshDirectory()
        let report = Self.checker.check(recordsUnder: empty)
        XCTAssertEqual(report.count, 0)
        XCTAssertTrue(report.failures(underCI: true).isEmpty)
    }

    func testAMissingDatasetFailsUnderCIAndOnlySkipsElsewhere() {
        let report = RunRecordChecker.Report(passed: [], failed: [], dataMissing: ["dec/seed-1: MNIST not found"])
        XCTAssertEqual(report.failures(underCI: true).count, 1)
        XCTAssertTrue(report.failures(underCI: false).isEmpty)
    }

    /// A real run made into a record by Scripts/make-record passes; the same run with one sample's
    /// cluster changed, or one label changed, does not.
    func testTheCheckCatchesADoctoredRecord() throws {
        let run = try trainDECOnThreeGaussians()
        let honest = try makeRecords(of: run)
        XCTAssertEqual(Self.checker.check(recordsUnder: honest).passed, ["dec_gaussians/seed-1"])

        let predictions = try String(contentsOfFile: run + "/predictions.csv", encoding: .utf8)
        var rows = predictions.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        rows[1][1] = String((Int(rows[1][1])! + 1) % 3)
        try write(rows, to: run + "/predictions.csv")
        let flippedCluster = Self.checker.check(recordsUnder: try makeRecords(of: run))
        XCTAssertEqual(flippedCluster.failed.count, 1)
        XCTAssertTrue(flippedCluster.failed.first?.contains("ACC recomputed") == true, "\(flippedCluster.failed)")

        rows[1][1] = predictions.split(separator: "\n")[1].split(separator: ",")[1].description
        rows[2][2] = String((Int(rows[2][2])! + 1) % 3)
        try write(rows, to: run + "/predictions.csv")
        let flippedLabel = Self.checker.check(recordsUnder: try makeRecords(of: run))
        XCTAssertTrue(flippedLabel.failed.first?.contains("label") == true, "\(flippedLabel.failed)")
    }

    /// Scripts/make-record files a record under its configuration file's name, which need not be the
    /// method's own name (dec_cc_hybrid.json's method is "dec_cc_hybrid_mnist").
    func testARecordIsFiledUnderItsConfigurationFileNameNotItsMethodName() throws {
        let run = try trainDECOnThreeGaussians()
        let resultFile = URL(fileURLWithPath: run + "/result.json")
        var result = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: resultFile)) as? [String: Any])
        XCTAssertEqual(result["method"] as? String, "dec_gaussians")
        result["method"] = "a_method_named_otherwise"
        try JSONSerialization.data(withJSONObject: result).write(to: resultFile)
        let records = try makeRecords(of: run)
        let folders = try FileManager.default.contentsOfDirectory(atPath: records.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(folders, ["dec_gaussians"])
    }

    /// A run on MNIST's train and test splits together (`include_test_split`, a range across the two)
    /// makes a record whose four data files and predictions the check rebuilds and accepts.
    func testARecordOfTrainAndTestTogetherPasses() throws {
        let file = Self.repository.appendingPathComponent("Configurations/ae_kmeans_mnist.json")
        var method = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var datasets = try XCTUnwrap(method["datasets"] as? [[String: Any]])
        datasets[0].merge([
            "include_test_split": true, "index_of_first_sample_to_use": 59_900, "index_of_last_sample_to_use": 60_155,
            "batch_size": 64,
        ]) { $1 }
        method["datasets"] = datasets
        let folder = try freshDirectory()
        let path = folder.appendingPathComponent("ae_kmeans_mnist.json").path
        try JSONSerialization.data(withJSONObject: method).write(to: URL(fileURLWithPath: path))
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(path: path)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        var configuration = RunConfiguration()
        configuration.seed = 1; configuration.quiet = true; configuration.iterationsScale = 0.02
        configuration.outputDirectory = folder.appendingPathComponent("run").path
        configuration.dataDirectories = [Self.dataDirectory]
        configuration.dataCache = folder.appendingPathComponent("no-cache").path
        let result: RunResult
        do { result = try MethodRunner(spec: spec, configuration: configuration).run() } catch {
            if !Self.underCI && "\(error)".contains("not found") { throw XCTSkip("MNIST missing (set RECOMBINE_DATA)") }
            throw error
        }
        XCTAssertEqual(result.status, .completed)
        let stored =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/result.json")))
            as? [String: Any]
        XCTAssertEqual(
            (stored?["data_files_sha256"] as? [String: String])?.keys.sorted(),
            [
                "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz",
                "mnist/train-images-idx3-ubyte.gz",
                "mnist/train-labels-idx1-ubyte.gz",
            ])
        let rows = try String(contentsOfFile: result.runDirectory + "/predictions.csv", encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 256)
        // make-record takes shipped files only; the check reads what it would copy.
        try gzipKeepingTheOriginal(result.runDirectory + "/predictions.csv")
        XCTAssertEqual(Self.checker.check(record: URL(fileURLWithPath: result.runDirectory)), .passed)
        // One changed label in the test part is caught.
        var lines = rows.map(String.init)
        var last = lines[lines.count - 1].split(separator: ",").map(String.init)
        last[2] = String((Int(last[2])! + 1) % 10)
        lines[lines.count - 1] = last.joined(separator: ",")
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: result.runDirectory + "/predictions.csv", atomically: true, encoding: .utf8)
        try gzipKeepingTheOriginal(result.runDirectory + "/predictions.csv")
        XCTAssertNotEqual(Self.checker.check(record: URL(fileURLWithPath: result.runDirectory)), .passed)
    }

    // MARK: - Helpers

    func freshDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-records-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        directories.append(d)
        return d
    }

    /// Configurations/dec_gaussians.json with seed 1, its full schedule (about a second); the run directory.
    func trainDECOnThreeGaussians() throws -> String {
        let file = Self.repository.appendingPathComponent("Configurations/dec_gaussians.json").path
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(path: file)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        var configuration = RunConfiguration()
        configuration.seed = 1; configuration.quiet = true
        configuration.outputDirectory = try freshDirectory().appendingPathComponent("run").path
        let result = try MethodRunner(spec: spec, configuration: configuration).run()
        XCTAssertEqual(result.status, .completed)
        return result.runDirectory
    }

    /// A fresh records folder with `Scripts/make-record`'s record of `run`.
    func makeRecords(of run: String) throws -> URL {
        let records = try freshDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Self.repository.appendingPathComponent("Scripts/make-record").path, run, "--records",
            records.path,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, message)
        return records
    }

    /// `path.gz` beside `path`, as Scripts/make-record writes it.
    func gzipKeepingTheOriginal(_ path: String) throws {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", "-f", path]
        try gzip.run()
        gzip.waitUntilExit()
        XCTAssertEqual(gzip.terminationStatus, 0)
    }

    func write(_ rows: [[String]], to path: String) throws {
        try (rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
    }
}

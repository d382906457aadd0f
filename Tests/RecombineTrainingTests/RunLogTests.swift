import Foundation
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The run log and metrics files: opened or refused with the path named, appended, and cut back to a
/// checkpoint's lengths on resume.
final class RunLogTests: XCTestCase {
    func testAFolderThatCannotHoldTheLogIsRefusedNamingTheFile() throws {
        let missing = FileManager.default.temporaryDirectory
            .appendingPathComponent("recombine-no-such-folder-\(UUID().uuidString)/log.txt").path
        XCTAssertThrowsError(try RunLog(timestamps: false, quiet: true, logPath: missing, metricsPath: nil)) {
            XCTAssertTrue(String(describing: $0).contains(missing), "\($0)")
        }
    }

    func testLinesAndRecordsAreAppendedAndAResumeCutsBackToTheCheckpoint() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let logPath = folder.path + "/log.txt", metricsPath = folder.path + "/metrics.jsonl"
        var offsets: (log: UInt64?, metrics: UInt64?) = (nil, nil)
        do {
            let log = try RunLog(timestamps: false, quiet: true, logPath: logPath, metricsPath: metricsPath)
            log.line("first")
            log.record(["kind": "loss", "value": 1.5])
            offsets = log.offsets
            log.line("after the checkpoint")
            log.record(["kind": "loss", "value": 2.5])
        }
        let resumed = try RunLog(
            timestamps: false, quiet: true, logPath: logPath, metricsPath: metricsPath,
            truncateLogTo: offsets.log, truncateMetricsTo: offsets.metrics)
        resumed.line("resumed")
        try? resumed.logFile?.synchronize()
        XCTAssertEqual(try String(contentsOfFile: logPath, encoding: .utf8), "first\nresumed\n")
        let metrics = try String(contentsOfFile: metricsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.count, 1)
        XCTAssertTrue(metrics[0].contains("\"value\":1.5"), String(metrics[0]))
    }

    /// /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
    func testAFailedWriteStopsThatFileAndKeepsItsLastLength() throws {
        let log = try RunLog(timestamps: false, quiet: true, logPath: "/dev/full", metricsPath: nil)
        let start = try XCTUnwrap(log.offsets.log)
        log.line("lost")
        XCTAssertNil(log.logFile, "the file stops after the failed write")
        XCTAssertEqual(log.stoppedAt.log, start)
        XCTAssertEqual(log.offsets.log, start, "a checkpoint keeps the length before the failure, not 0 or nil")
        log.line("also lost, without another report")
    }
}

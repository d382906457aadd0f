import Foundation
import RecombineRunFiles
import RecombineTestSupport
import XCTest

/// `result.json` is read back as it was written, and files of older versions still read.
final class ResultFileTests: XCTestCase {
    func write(_ text: String, in directory: TemporaryDirectory) throws {
        try Data(text.utf8).write(to: directory.appending(ResultFile.name))
    }

    func testEveryFieldSurvivesWritingAndReading() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provenance = RunProvenance(
            recombineVersion: "1", gitRevision: "abc", threads: 2, blasCore: "Zen", cpu: "CPU (2 logical CPUs)",
            iterationsScale: 0.5, overrides: ["/seed=3"], gridPoint: ["/seed=3"], methodFileSHA256: "00",
            resumed: 1,
            segments: [
                RunSegment(gitRevision: "abc", threads: 2, blasCore: "Zen", startSeconds: 0, endSeconds: 5),
                RunSegment(
                    gitRevision: "def", threads: 1, blasCore: "Zen", startSeconds: 5, endSeconds: 9,
                    resumedAt: .init(dataset: "D", phase: "p", phaseIteration: 7)),
            ])
        let evaluation = ResultFile.Scores(
            dataset: "D", phase: "p", iteration: 10, epoch: 2, acc: 0.9, nmi: 0.8, ari: 0.7, reassignmentRatio: 0.01)
        let file = ResultFile(
            method: "m", seed: UInt64.max, status: .interrupted, reason: "signal 2", wallSeconds: 9.5,
            evaluations: [evaluation], final: evaluation,
            endOfTraining: [ResultFile.Scores(dataset: "D", acc: 0.91, nmi: 0.81, ari: 0.71)],
            clusters: [ResultFile.Clusters(dataset: "D", sizes: [3, 4], silhouette: 0.2, silhouetteSamples: 7)],
            provenance: provenance, dataFilesSHA256: ["mnist/t10k-images-idx3-ubyte.gz": "ff"],
            loadedFilesSHA256: ["pretrained/encoder.safetensors": "ee"], predictionsDataset: "D",
            labelNames: ["D": ["cat", "dog"]])
        try file.encoded().write(to: directory.appending(ResultFile.name))
        let read = try ResultFile.read(directory: directory.path)
        XCTAssertEqual(read.method, "m")
        XCTAssertEqual(read.seed, UInt64.max)
        XCTAssertEqual(read.status, .interrupted)
        XCTAssertEqual(read.reason, "signal 2")
        XCTAssertEqual(read.wallSeconds, 9.5)
        XCTAssertEqual(read.evaluations, [evaluation])
        XCTAssertEqual(read.final, evaluation)
        XCTAssertEqual(read.endOfTraining, file.endOfTraining)
        XCTAssertEqual(read.clusters, file.clusters)
        XCTAssertEqual(read.provenance, provenance)
        XCTAssertEqual(read.dataFilesSHA256, file.dataFilesSHA256)
        XCTAssertEqual(read.loadedFilesSHA256, ["pretrained/encoder.safetensors": "ee"])
        XCTAssertEqual(read.predictionsDataset, "D")
        XCTAssertEqual(read.labelNames, ["D": ["cat", "dog"]])
        // The keys are the file's documented snake_case names, and absent values are left out.
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: try file.encoded()) as? [String: Any])
        XCTAssertEqual(
            Set(object.keys),
            [
                "method", "seed", "status", "reason", "wall_seconds", "evaluations", "final", "end_of_training",
                "clusters", "provenance", "data_files_sha256", "loaded_files_sha256", "predictions_dataset",
                "label_names",
            ])
        let final = try XCTUnwrap(object["final"] as? [String: Any])
        XCTAssertEqual(final["reassignment_ratio"] as? Double, 0.01)
        XCTAssertNil(final["source"])
    }

    func testFileWithoutStatusIsACompletedRunOfAnOlderVersion() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write(
            #"{"method": "m", "seed": 1, "wall_seconds": 2, "evaluations": [], "provenance": {"git_revision": "abc", "threads": "2"}}"#,
            in: directory)
        let read = try ResultFile.read(directory: directory.path)
        XCTAssertEqual(read.status, .completed)
        XCTAssertNil(read.provenance)
        XCTAssertEqual(read.legacyProvenance, ["git_revision": "abc", "threads": "2"])
    }

    func testMissingAndDamagedFilesAreErrorsNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        XCTAssertThrowsError(try ResultFile.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("result.json: not found"), "\(error)")
        }
        try write(#"{"method": "m", "seed": 1}"#, in: directory)
        XCTAssertThrowsError(try ResultFile.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("expected 'wall_seconds'"), "\(error)")
        }
        try write(#"{"method": "m", "seed": 1, "wall_seconds": 1, "status": "paused"}"#, in: directory)
        XCTAssertThrowsError(try ResultFile.read(directory: directory.path)) { error in
            XCTAssertTrue("\(error)".contains(directory.path), "\(error)")
        }
    }

    func testEveryCommittedRunRecordReads() throws {
        let runs = Repository.root.appendingPathComponent("Docs/results/runs")
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: runs.path))
        var read = 0
        for case let path as String in enumerator where (path as NSString).lastPathComponent == ResultFile.name {
            let file = try ResultFile.read(
                directory: runs.appendingPathComponent((path as NSString).deletingLastPathComponent).path)
            XCTAssertEqual(file.status, .completed, path)
            XCTAssertNotNil(file.provenance, path)
            read += 1
        }
        XCTAssertGreaterThan(read, 0)
    }
}

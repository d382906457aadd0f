import Foundation
import RecombineTestSupport
import XCTest

/// The `recombine` command as a user meets it: exit statuses and messages.
final class CLIContractTests: XCTestCase {
    struct Outcome { let status: Int32; let output: String; let errors: String }

    /// The built `recombine` beside this test bundle.
    static var binary: URL {
        var directory = Bundle(for: CLIContractTests.self).bundleURL
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("recombine").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("recombine")
    }

    /// Runs `recombine`; `environment` changes this process's environment for it (nil removes a variable).
    func recombine(_ arguments: [String], in directory: String? = nil, environment: [String: String?] = [:]) throws
        -> Outcome
    {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output; process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(),
            err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }

    func testVersionNamesTheRevision() throws {
        let outcome = try recombine(["--version"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.output.hasPrefix("recombine ") && outcome.output.contains("revision "), outcome.output)
    }

    /// `kmeans --k 0` reached k-means' precondition (SIGILL); counts below 1 are usage errors now.
    func testKMeansCountsBelowOneAreUsageErrors() throws {
        for (option, value) in [
            ("--k", "0"), ("--n-init", "0"), ("--max-iter", "0"), ("--threads", "0"), ("--neighbours", "0"),
        ] {
            var arguments = ["kmeans", "three_gaussians", "--k", "3", option, value]
            if option == "--k" { arguments = ["kmeans", "three_gaussians", "--k", "0"] }
            let outcome = try recombine(arguments)
            XCTAssertEqual(outcome.status, 2, "\(option) \(value): \(outcome.errors)")
            XCTAssertTrue(outcome.errors.contains("\(option) must be at least 1, got 0"), outcome.errors)
        }
    }

    func testKMeansOnAnUnknownSplitIsAUsageError() throws {
        let outcome = try recombine(["kmeans", "MNIST:tset", "--k", "10"])
        XCTAssertEqual(outcome.status, 2, outcome.errors)
        XCTAssertTrue(outcome.errors.contains("MNIST:all (train then test), found split 'tset'"), outcome.errors)
    }

    /// `cluster` runs each algorithm on three Gaussians, prints what the algorithm found and the
    /// metrics, and writes the assignments with the true labels as CSV; `kmeans` is its alias.
    func testClusterRunsEveryAlgorithmAndWritesItsAssignments() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let expected = [
            "kmeans": "\"inertia\"", "gaussian-mixture": "\"mean_log_likelihood\"", "ac-pic": "\"initial_clusters\"",
        ]
        for (algorithm, key) in expected {
            let csv = folder.appending("\(algorithm).csv").path
            let outcome = try recombine([
                "cluster", "three_gaussians", "--k", "3", "--algorithm", algorithm, "--json", "--out", csv,
            ])
            XCTAssertEqual(outcome.status, 0, outcome.errors)
            let json = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any], outcome.output)
            XCTAssertTrue(outcome.output.contains(key), outcome.output)
            XCTAssertEqual(json["algorithm"] as? String, algorithm)
            XCTAssertEqual((json["cluster_sizes"] as? [Int])?.reduce(0, +), 4500, outcome.output)
            XCTAssertGreaterThan(try XCTUnwrap(json["acc"] as? Double), 0.99, algorithm)
            let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(rows.first, "index,cluster,label")
            XCTAssertEqual(rows.count, 4501)
        }
        let alias = try recombine(["kmeans", "three_gaussians", "--k", "3"])
        XCTAssertEqual(alias.status, 0, alias.errors)
        XCTAssertTrue(alias.output.hasPrefix("k-means on 4500 samples, k = 3: inertia "), alias.output)
        let mixture = try recombine(["cluster", "three_gaussians", "--k", "3", "--algorithm", "gaussian-mixture"])
        XCTAssertTrue(
            mixture.output.hasPrefix("Gaussian mixture on 4500 samples, k = 3: mean log-likelihood "), mixture.output)
    }

    /// `metrics --confusion` prints a row per cluster with its matched label and a column per true
    /// label (and the same in JSON); a cluster the matching leaves without a label shows "-".
    func testMetricsConfusionTableNamesEachClustersMatchedLabel() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        try "label,cluster\n4,7\n4,7\n9,7\n9,2\n1,5\n1,5\n1,3\n".write(
            to: folder.appending("p.csv"), atomically: true, encoding: .utf8)
        let path = folder.appending("p.csv").path
        let text = try recombine(["metrics", "--truth", path, "--pred", path, "--confusion"])
        XCTAssertEqual(text.status, 0, text.errors)
        let lines = text.output.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertEqual(
            Array(lines.dropFirst()),
            ["cluster label | 1 4 9", "2 9 | 0 0 1", "3 - | 1 0 0", "5 1 | 2 0 0", "7 4 | 0 2 1"], text.output)
        let json = try recombine(["metrics", "--truth", path, "--pred", path, "--confusion", "--json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let table = try XCTUnwrap(object["confusion"] as? [String: Any], json.output)
        XCTAssertEqual(table["counts"] as? [[Int]], [[0, 0, 1], [1, 0, 0], [2, 0, 0], [0, 2, 1]])
        XCTAssertEqual((table["matched_labels"] as? [Any])?.map { "\($0)" }, ["9", "<null>", "1", "4"])
        XCTAssertEqual(try XCTUnwrap(object["acc"] as? Double), 5.0 / 7.0, accuracy: 1e-12)
    }

    func testMetricsOfEmptyFilesIsAnErrorWithoutUsageLines() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        for name in ["t", "p"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder.appending(name).path, contents: Data()))
        }
        let outcome = try recombine([
            "metrics", "--truth", folder.appending("t").path, "--pred", folder.appending("p").path,
        ])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.contains("holds no labels"), outcome.errors)
        XCTAssertFalse(outcome.output.contains("1.0000"), outcome.output)
        // A bad data file is not a misuse of the arguments: no usage lines (they were the root command's).
        XCTAssertFalse(outcome.errors.contains("Usage:"), outcome.errors)
        let missing = try recombine(["metrics", "--truth", folder.appending("t").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.errors.contains("Usage: recombine metrics"), missing.errors)
    }

    /// `metrics` reads the label files `cluster --labels` reads: an IDX labels file (MNIST's) as truth and
    /// an .npy vector as prediction, and a gzipped predictions.csv (a run record's); a binary file of
    /// another kind is an error that says so.
    func testMetricsReadsIDXNPYAndGzippedLabelFilesAndRefusesOtherBinaries() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let truth = folder.appending("labels-idx1-ubyte"), pred = folder.appending("p.npy")
        try Data([0, 0, 8, 1, 0, 0, 0, 4, 7, 7, 3, 3]).write(to: truth)
        try PythonOracle.require(["numpy"])
        try PythonOracle.run("import numpy as np; np.save('\(pred.path)', np.array([1, 1, 0, 2], dtype=np.int32))")
        let json = try recombine(["metrics", "--truth", truth.path, "--pred", pred.path, "--json"])
        XCTAssertEqual(json.status, 0, json.errors)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(object["acc"] as? Double), 0.75, accuracy: 1e-12)
        XCTAssertEqual(object["samples"] as? Int, 4)
        // A run record's gzipped predictions.csv, as Docs/results/runs keeps it.
        let predictions = folder.appending("predictions.csv")
        try "index,cluster,label\n0,1,7\n1,1,7\n2,0,3\n3,2,3\n".write(
            to: predictions, atomically: true, encoding: .utf8)
        _ = try runProcess(["gzip", predictions.path])
        let zipped = predictions.path + ".gz"
        let record = try recombine(["metrics", "--truth", zipped, "--pred", zipped, "--json"])
        XCTAssertEqual(record.status, 0, record.errors)
        let scores = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(record.output.utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(scores["acc"] as? Double), 0.75, accuracy: 1e-12)
        let binary = folder.appending("weights.bin")
        try Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 10]).write(to: binary)
        let refused = try recombine(["metrics", "--truth", binary.path, "--pred", pred.path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.errors.contains("\(binary.path): not a label file (binary content"), refused.errors)
    }

    /// Runs write predictions.csv; `metrics` reads it (labels and clusters by column).
    func testRunFoldersNeverMixAndMetricsReadsPredictions() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        let configurations = Repository.configurations.path
        let first = try recombine([
            "run", configurations + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run,
        ])
        XCTAssertEqual(first.status, 0, first.errors)
        let again = try recombine([
            "run", configurations + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run,
        ])
        XCTAssertEqual(again.status, 0, again.errors)
        XCTAssertTrue(again.output.contains("already holds this run, finished; skipping it"), again.output)
        let other = try recombine([
            "run", configurations + "/kmeans_gaussians.json", "--quiet", "--no-report", "--output", run,
        ])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.errors.contains("holds another run"), other.errors)
        let metrics = try recombine([
            "metrics", "--truth", run + "/predictions.csv", "--pred", run + "/predictions.csv",
        ])
        XCTAssertEqual(metrics.status, 0, metrics.errors)
        XCTAssertTrue(metrics.output.hasPrefix("ACC 1.0000"), metrics.output)
    }

    /// run.json keeps no absolute paths, so a run started with --data-root does not find its data when
    /// resumed without it; the failure says to give it again, and with it the run continues.
    func testResumeWithoutTheDataRootSaysToGiveItAgain() throws {
        _ = try Repository.requireData("mnist/train-images-idx3-ubyte.gz")
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        // No cache with MNIST in it, no RECOMBINE_DATA, and a mirror that refuses at once.
        let isolated: [String: String?] = [
            "HOME": folder.path, "RECOMBINE_DATA": nil, "RECOMBINE_MIRROR": "http://127.0.0.1:9",
            "XDG_CACHE_HOME": nil,
        ]
        let started = try recombine(
            [
                "run", Repository.configurations.path + "/ae_kmeans_mnist.json", "--quiet", "--no-report",
                "--output", run, "--data-root", Repository.dataRoot, "--stop-after", "2", "--threads", "1",
            ], environment: isolated)
        XCTAssertEqual(started.status, 0, started.errors)
        let withoutRoot = try recombine(["run", "--resume", run, "--quiet", "--no-report"], environment: isolated)
        XCTAssertEqual(withoutRoot.status, 1, withoutRoot.errors)
        XCTAssertTrue(withoutRoot.errors.contains("not found"), withoutRoot.errors)
        XCTAssertTrue(
            withoutRoot.errors.contains("resume with `recombine run --resume \(run) --data-root DIR`"),
            withoutRoot.errors)
        let withRoot = try recombine(
            [
                "run", "--resume", run, "--quiet", "--no-report", "--data-root", Repository.dataRoot, "--stop-after",
                "4",
            ],
            environment: isolated)
        XCTAssertEqual(withRoot.status, 0, withRoot.errors)
        XCTAssertFalse(withRoot.errors.contains("not found"), withRoot.errors)
    }

    func testUnknownOptionIsAUsageError() throws {
        let outcome = try recombine([
            "run", Repository.configurations.path + "/dec_gaussians.json", "--iteration-scale", "0.1",
        ])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.errors.contains("Did you mean '--iterations-scale'?"), outcome.errors)
    }

    /// `configurations/...` (the README's spelling) finds `Configurations/...` without a second tree entry.
    func testLowerCaseConfigurationsPrefixFindsTheFolder() throws {
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent("configurations").path)
                && (try? FileManager.default.destinationOfSymbolicLink(
                    atPath: Repository.root.appendingPathComponent("configurations").path)) != nil,
            "no configurations link beside Configurations")
        let outcome = try recombine(["validate", "configurations/dec_gaussians.json"], in: Repository.root.path)
        XCTAssertEqual(outcome.status, 0, outcome.errors)
        XCTAssertTrue(outcome.output.contains("Configurations/dec_gaussians.json: valid"), outcome.output)
    }

    /// Settings accepted for compatibility but without effect are named, never silently ignored.
    func testTrainingDeviceIsReportedAsWithoutEffect() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        var text = try String(
            contentsOf: Repository.configurations.appendingPathComponent("dec_gaussians.json"), encoding: .utf8)
        text = text.replacingOccurrences(
            of: #""name": "dec_gaussians","#, with: #""name": "dec_gaussians", "training_device": "cuda_if_available","#
        )
        XCTAssertTrue(text.contains("training_device"))
        try text.write(to: folder.appending("m.json"), atomically: true, encoding: .utf8)
        let outcome = try recombine(["validate", folder.appending("m.json").path])
        XCTAssertEqual(outcome.status, 0, outcome.errors)
        XCTAssertTrue(
            outcome.errors.contains("warning: /training_device: training_device 'cuda_if_available' has no effect"),
            outcome.errors)
    }

    /// validate reads data files that exist and checks the mappings against their shape, as a run would.
    func testValidateChecksAnExistingCSVAgainstTheMappings() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        var csv = "a,b,c,label\n"
        for i in 0..<30 { csv += "\(i % 3),\(i),1,\(i % 3)\n" }
        try csv.write(to: folder.appending("three.csv"), atomically: true, encoding: .utf8)
        let method = try String(
            contentsOf: Repository.configurations.appendingPathComponent("dec_gaussians.json"), encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(method.utf8)) as! [String: Any]
        var edited = json
        edited["datasets"] = [
            ["dataset": "CSV", "path": "three.csv", "label_column": "label", "batch_size": 10, "num_clusters": 3]
        ]
        edited.removeValue(forKey: "$schema")
        try JSONSerialization.data(withJSONObject: edited).write(to: folder.appending("m.json"))
        let outcome = try recombine(["validate", folder.appending("m.json").path])
        XCTAssertEqual(outcome.status, 1, outcome.output + outcome.errors)
        XCTAssertTrue(
            outcome.output.contains("Linear(in_features: 2) expects 2 input features, got 3")
                && outcome.output.contains("three.csv have shape [3]"), outcome.output)
        try FileManager.default.removeItem(at: folder.appending("three.csv"))
        XCTAssertEqual(
            try recombine(["validate", folder.appending("m.json").path]).status, 0,
            "a missing data file is the run's to report")
    }
}

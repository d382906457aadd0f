import Foundation
import RecombineTestSupport
import RecombineTraining
import XCTest

/// `recombine run FILES --grid ... --shard ... --output DIR` as a cluster user meets it: jobs split over
/// processes run once each, reruns skip, signals leave checkpoints that the next submission resumes.
final class SweepCLITests: XCTestCase {
    var folder: TemporaryDirectory!
    override func setUpWithError() throws { folder = try TemporaryDirectory("recombine-sweep") }
    override func tearDown() { folder.remove() }

    static let method = Repository.configurations.appendingPathComponent("dec_gaussians.json").path
    /// Seconds-long jobs on one thread.
    static let quick = ["--quiet", "--no-report", "--iterations-scale", "0.1", "--threads", "1"]
    /// The sweep of these tests: 2 batch sizes × 2 seeds of dec_gaussians (seed 3 in the file).
    var sweep: [String] {
        [
            "run", Self.method, "--grid", "/datasets/0/batch_size=64,128", "--runs", "2", "--output",
            folder.appending("sweep").path,
        ]
    }
    var jobDirectories: [String] {
        ["batch_size=64/seed-3", "batch_size=64/seed-4", "batch_size=128/seed-3", "batch_size=128/seed-4"].map {
            folder.appending("sweep/dec_gaussians/" + $0).path
        }
    }

    struct Outcome { let status: Int32; let output: String; let errors: String }

    /// A started `recombine`, its standard output and error going to files (never a full pipe).
    struct Started {
        let process: Process
        let outputFile: URL, errorFile: URL
        func finish() -> Outcome {
            process.waitUntilExit()
            let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
            return Outcome(status: process.terminationStatus, output: read(outputFile), errors: read(errorFile))
        }
    }

    /// Starts the built binary with `arguments`; the environment is this process's without any Slurm or
    /// shard variables and without `removing`, plus `environment`.
    func start(
        _ arguments: [String], environment: [String: String] = [:], removing: [String] = [], launcher: [String] = []
    ) throws -> Started {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher.first ?? CLIContractTests.binary.path)
        process.arguments =
            (launcher.isEmpty ? [] : Array(launcher.dropFirst()) + [CLIContractTests.binary.path]) + arguments
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("SLURM_") && $0.key != "RECOMBINE_SHARD" && !removing.contains($0.key)
        }
        env.merge(environment) { $1 }
        process.environment = env
        let id = UUID().uuidString
        let started = Started(
            process: process, outputFile: folder.appending("out-\(id)"), errorFile: folder.appending("err-\(id)"))
        for file in [started.outputFile, started.errorFile] {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        process.standardOutput = try FileHandle(forWritingTo: started.outputFile)
        process.standardError = try FileHandle(forWritingTo: started.errorFile)
        try process.run()
        return started
    }

    func recombine(
        _ arguments: [String], environment: [String: String] = [:], removing: [String] = [], launcher: [String] = []
    ) throws -> Outcome {
        try start(arguments, environment: environment, removing: removing, launcher: launcher).finish()
    }

    func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    func occurrences(of needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
    func status(_ job: String) -> String? {
        let object = FileManager.default.contents(atPath: job + "/result.json").flatMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        return object?["status"] as? String
    }

    func testShardsStartedTogetherRunEveryJobOnceAndASecondSubmissionSkipsThemAll() throws {
        // Two shards and an overlapping whole submission, all at once into one folder.
        let processes = try [["--shard", "0/2"], ["--shard", "1/2"], ["--shard", "0/1"]].map {
            try start(sweep + $0 + Self.quick)
        }
        let outcomes = processes.map { $0.finish() }
        for outcome in outcomes { XCTAssertEqual(outcome.status, 0, outcome.errors) }
        XCTAssertTrue(outcomes[0].output.hasPrefix("Shard 0/2: 2 of 4 jobs"), outcomes[0].output)
        let output = outcomes.map(\.output).joined(separator: "\n")
        let ran = output.split(separator: "\n").filter { $0.hasSuffix("/result.json") }
        XCTAssertEqual(ran.count, 4, "each of the 4 jobs runs in exactly one process:\n\(output)")
        for job in jobDirectories {
            XCTAssertEqual(status(job), "completed", job)
            XCTAssertEqual(
                occurrences(of: "Started processing method", in: text(job + "/log.txt")), 1,
                "\(job) was started more than once")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: job + "/" + RunDirectoryLock.fileName),
                "the lock of \(job) is left behind")
        }
        let result = text(jobDirectories[2] + "/result.json")
        XCTAssertTrue(result.contains(#""grid_point" : ["#) && result.contains("/datasets/0/batch_size=128"), result)

        let again = try recombine(sweep + ["--shard", "auto"] + Self.quick, environment: ["RECOMBINE_SHARD": "0/1"])
        XCTAssertEqual(again.status, 0, again.errors)
        XCTAssertEqual(
            occurrences(of: "already holds this run, finished; skipping it", in: again.output), 4, again.output)
        for job in jobDirectories {
            XCTAssertEqual(occurrences(of: "Started processing method", in: text(job + "/log.txt")), 1)
        }

        let report = try recombine(["report", folder.appending("sweep").path])
        XCTAssertEqual(report.status, 0, report.errors)
        let rows = text(folder.appending("sweep/leaderboard.csv").path).split(separator: "\n")
        XCTAssertEqual(rows.count, 3, "a header and one row per grid point: \(rows)")
        XCTAssertTrue(
            rows.dropFirst().allSatisfy {
                $0.hasPrefix("dec_gaussians,/datasets/0/batch_size=") && $0.contains(",2,2,")
            }, "\(rows)")
        XCTAssertTrue(text(folder.appending("sweep/leaderboard.md").path).contains(" ± "))

        let selected = try recombine(["report", folder.appending("sweep").path, "--select-on", "GaussianMixture"])
        XCTAssertEqual(selected.status, 0, selected.errors)
        let selectedRows = text(folder.appending("sweep/leaderboard.csv").path).split(separator: "\n")
        XCTAssertTrue(selectedRows[0].contains(",selection_dataset,selection_acc_mean,"), "\(selectedRows)")
        XCTAssertTrue(selectedRows.dropFirst().allSatisfy { $0.contains(",2,2,GaussianMixture,") }, "\(selectedRows)")
        let unknown = try recombine(["report", folder.appending("sweep").path, "--select-on", "Validation"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(
            unknown.errors.contains("no evaluation of the selection dataset \"Validation\"")
                && unknown.errors.contains("\"GaussianMixture\""), unknown.errors)
        let notASweep = try recombine(["report", jobDirectories[0], "--select-on", "GaussianMixture"])
        XCTAssertEqual(notASweep.status, 1)
        XCTAssertTrue(notASweep.errors.contains("none of the folders given is one"), notASweep.errors)
    }

    func testAJobThatAnotherProcessHoldsIsLeftToIt() throws {
        let job = folder.appending("sweep/dec_gaussians/seed-3").path
        let lock = try RunDirectoryLock(directory: job)
        let sweep = try recombine(
            ["run", Self.method, "--shard", "0/1", "--output", folder.appending("sweep").path] + Self.quick)
        XCTAssertEqual(sweep.status, 0, sweep.errors)
        XCTAssertTrue(sweep.output.contains("is being run by another process (pid \(getpid())"), sweep.output)
        XCTAssertNil(status(job), "the held job was run")
        let single = try recombine(["run", Self.method, "--output", job] + Self.quick)
        XCTAssertEqual(single.status, 1, "a single run into a held folder fails")
        XCTAssertTrue(single.errors.contains("is being run by another process"), single.errors)
        lock.release()
        let after = try recombine(
            ["run", Self.method, "--shard", "0/1", "--output", folder.appending("sweep").path] + Self.quick)
        XCTAssertEqual(after.status, 0, after.errors)
        XCTAssertEqual(status(job), "completed")
    }

    /// Starts the sweep's job at a 20× schedule and returns once it is training (a loss was reported).
    func startTrainingJob() throws -> (running: Started, job: String, arguments: [String]) {
        let arguments = [
            "run", Self.method, "--shard", "0/1", "--output", folder.appending("sweep").path, "--quiet", "--no-report",
            "--iterations-scale", "20", "--threads", "1",
        ]
        let job = folder.appending("sweep/dec_gaussians/seed-3").path
        let running = try start(arguments)
        let deadline = Date().addingTimeInterval(60)
        while !text(job + "/log.txt").contains("Running loss") && running.process.isRunning && Date() < deadline {
            usleep(50_000)
        }
        XCTAssertTrue(running.process.isRunning, "the run ended before it could be signalled")
        return (running, job, arguments)
    }

    func testSIGUSR1WritesACheckpointAndTheNextSubmissionResumesIt() throws {
        let (running, job, arguments) = try startTrainingJob()
        kill(running.process.processIdentifier, SIGUSR1)
        let stopped = running.finish()
        XCTAssertEqual(stopped.status, 130, stopped.errors)
        XCTAssertTrue(stopped.errors.contains("Interrupted by signal \(SIGUSR1)"), stopped.errors)
        XCTAssertTrue(FileManager.default.fileExists(atPath: job + "/checkpoint.safetensors"))
        XCTAssertEqual(status(job), "interrupted")

        let resumed = try recombine(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(status(job), "completed")
        XCTAssertEqual(occurrences(of: "Resuming method", in: text(job + "/log.txt")), 1)
        XCTAssertTrue(text(job + "/result.json").contains(#""resumed" : 1"#))
    }

    func testSIGINTDeliveredTwiceAtOnceStillStopsWithACheckpoint() throws {
        // GNU timeout signals the command and then its own process group: the run gets the signal twice
        // within microseconds. That is one request, not the "second signal" that ends a run at once.
        let (running, job, _) = try startTrainingJob()
        kill(running.process.processIdentifier, SIGINT)
        usleep(2_000)
        kill(running.process.processIdentifier, SIGINT)
        let stopped = running.finish()
        XCTAssertEqual(stopped.status, 130, stopped.errors)
        XCTAssertTrue(stopped.errors.contains("Interrupted by signal \(SIGINT)"), stopped.errors)
        XCTAssertTrue(FileManager.default.fileExists(atPath: job + "/checkpoint.safetensors"))
        XCTAssertEqual(status(job), "interrupted")
    }

    func testMalformedShardsAndGridsAreRefusedNamingTheValue() throws {
        let output = ["--output", folder.appending("sweep").path]
        let cases: [(arguments: [String], environment: [String: String], status: Int32, message: String)] = [
            (["--shard", "5/2"] + output, [:], 2, "'5/2'"),
            (["--shard", "half"] + output, [:], 2, "got 'half'"),
            (["--grid", "/datasets/0/batch_size"] + output, [:], 2, "got '/datasets/0/batch_size'"),
            (["--grid", "/datasets/0/batch_size=64"], [:], 2, "need --output"),
            (
                ["--shard", "auto"] + output, ["RECOMBINE_SHARD": "1-2"], 1,
                "RECOMBINE_SHARD expects i/n (shard i of n, 0 ≤ i < n); got '1-2'"
            ),
            (
                ["--shard", "auto"] + output,
                ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2"], 1, "got 'x'"
            ),
            (["--shard", "auto"] + output, [:], 1, "neither a Slurm job array"),
        ]
        for c in cases {
            let outcome = try recombine(["run", Self.method] + c.arguments + Self.quick, environment: c.environment)
            XCTAssertEqual(outcome.status, c.status, "\(c.arguments) \(c.environment): \(outcome.errors)")
            XCTAssertTrue(outcome.errors.contains(c.message), "\(c.arguments): \(outcome.errors)")
        }
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: folder.appending("sweep").path), "a refused sweep wrote nothing")
    }

    func testThreadsDefaultToSlurmCPUsPerTaskThenTheAffinityMask() throws {
        func threads(_ run: String) throws -> Int? {
            let data = try XCTUnwrap(
                FileManager.default.contents(atPath: folder.appending(run + "/run.json").path), "\(run)/run.json")
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["threads"] as? Int
        }
        let arguments = ["run", Self.method, "--quiet", "--no-report", "--iterations-scale", "0.1", "--output"]
        let slurm = try recombine(
            arguments + [folder.appending("slurm").path], environment: ["SLURM_CPUS_PER_TASK": "1"],
            removing: ["OPENBLAS_NUM_THREADS"])
        XCTAssertEqual(slurm.status, 0, slurm.errors)
        XCTAssertEqual(try threads("slurm"), 1)
        let both = try recombine(
            arguments + [folder.appending("both").path],
            environment: ["SLURM_CPUS_PER_TASK": "1", "OPENBLAS_NUM_THREADS": "2"])
        XCTAssertEqual(both.status, 0, both.errors)
        XCTAssertEqual(try threads("both"), 2, "OPENBLAS_NUM_THREADS comes first")
        let taskset = "/usr/bin/taskset"
        try requirePrerequisite(FileManager.default.isExecutableFile(atPath: taskset), "taskset (util-linux)")
        let pinned = try recombine(
            arguments + [folder.appending("pinned").path], removing: ["OPENBLAS_NUM_THREADS"],
            launcher: [taskset, "-c", "0"])
        XCTAssertEqual(pinned.status, 0, pinned.errors)
        XCTAssertEqual(try threads("pinned"), 1, "one CPU in the affinity mask, one thread")
    }
}

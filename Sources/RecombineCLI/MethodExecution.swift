import ArgumentParser
import Foundation
import RecombineData
import RecombineMethod
import RecombineReport
import RecombineRunFiles
import RecombineTensor
import RecombineTraining

/// Runs the jobs of `recombine run` (method files × grid points × seeds) with the command line's
/// settings, builds each run's report, and continues interrupted runs.
enum MethodExecution {
    static func configuration(_ options: RunOptions, output: String?) -> RunConfiguration {
        var configuration = RunConfiguration()
        configuration.seed = options.seed
        configuration.iterationsScale = options.iterationsScale
        configuration.overrides = options.overrides.values
        let locations = DataLocations(dataRoot: options.dataRoot)
        configuration.dataDirectories = locations.searchDirectories
        configuration.dataCache = locations.cache
        configuration.outputDirectory = output
        configuration.replaceExisting = options.force
        applyOutputSettings(options, to: &configuration)
        return configuration
    }

    /// Directories searched for datasets: --data-root, then RECOMBINE_DATA (a resumed run searches the
    /// resuming command's, as its run.json names none).
    static func dataDirectories(_ options: RunOptions) -> [String] {
        [options.dataRoot, ProcessInfo.processInfo.environment["RECOMBINE_DATA"]].compactMap { $0 }.filter {
            !$0.isEmpty
        }
    }

    /// Console, log and checkpoint settings (also applied when resuming).
    static func applyOutputSettings(_ options: RunOptions, to configuration: inout RunConfiguration) {
        configuration.quiet = options.quiet
        configuration.logTimestamps = !options.noLogTimestamps
        configuration.writeLogFile = !options.noLogFiles
        configuration.oneLogFile = options.oneLogFile
        configuration.checkpointEvery = options.checkpointEvery ?? configuration.checkpointEvery
        configuration.checkpointSeconds = options.checkpointInterval
        configuration.stopAfterSteps = options.stopAfter
    }

    /// Runs the jobs of a plan (or of one shard of it) in order: each method file loaded once per grid
    /// point with `--set` and the point applied, each job in its own directory under `--output`. A job
    /// another process holds is skipped; within a sweep a finished job is skipped and an unfinished one
    /// resumed. Returns how many jobs or method files failed; a signal stops the whole plan.
    static func run(
        _ jobs: [SweepPlan.Job], of plan: SweepPlan, loader: MethodLoader, overrides: [(JSONPointer, JSONValue)],
        baseDirectory: String? = nil,
        options: RunOptions, sweep: Bool
    ) throws -> Int {
        var failures = 0
        var loaded: (key: String, outcome: MethodLoader.Outcome)? = nil
        var reportedInvalid = Set<String>()
        var defaultParents: [String: String] = [:]
        var failedGroup: String? = nil
        for (n, job) in jobs.enumerated() {
            if RunInterruption.requested { throw ExitCode(130) }
            let group = job.file + "\n" + job.seedsDirectory
            if let failed = failedGroup, failed != group {
                // Every seed of a method is tried; a failure stops the plan at the next method unless --resume_on_error.
                if !options.resumeOnError { break }
                failedGroup = nil
            }
            let key = job.file + "\n" + job.gridAssignments.joined(separator: "\n")
            if loaded?.key != key {
                loaded = (
                    key,
                    loader.load(
                        path: job.file, overrides: overrides + job.gridPoint.map { ($0.pointer, $0.value) },
                        baseDirectory: baseDirectory)
                )
            }
            guard let spec = loaded!.outcome.spec else {
                if reportedInvalid.insert(key).inserted {
                    for issue in loaded!.outcome.issues { printError(issue.description) }
                    let point =
                        job.gridPoint.isEmpty ? "" : " with --grid \(job.gridAssignments.joined(separator: " "))"
                    printError(
                        "Cannot process method file \"\(job.file)\"\(point): \(loaded!.outcome.issues.count) problem\(loaded!.outcome.issues.count == 1 ? "" : "s") (nothing was trained)"
                    )
                    failures += 1
                    failedGroup = group
                }
                continue
            }
            var output = options.output.map {
                job.directory.isEmpty ? $0 : ($0 as NSString).appendingPathComponent(job.directory)
            }
            if output == nil && options.runs > 1 {
                // --runs without --output: one new default folder per method for its seeds.
                let parent =
                    try defaultParents[group]
                    ?? RunConfiguration.newDefaultRunDirectory(method: spec.name, suffix: "_\(options.runs)runs")
                defaultParents[group] = parent
                output = (parent as NSString).appendingPathComponent((job.directory as NSString).lastPathComponent)
            }
            var configuration = configuration(options, output: output)
            configuration.seed = job.seed
            configuration.overrides += job.gridAssignments
            configuration.gridPoint = job.gridAssignments
            configuration.continueUnfinished = sweep
            // In a sweep every line about a job starts with its place: "[3/8] job 5 of 24 dec/lr=0.1/seed-1".
            let label =
                sweep
                ? "[\(n + 1)/\(jobs.count)] job \(job.position) of \(plan.jobs.count) \(job.directory)" : spec.name
            do { try runOnce(spec, configuration: configuration, options: options, label: label) } catch let stop
                as RunStopped
            {
                // Rank 0 names the run directory; another process's scratch folder is no place to resume.
                if DataParallelLaunch.group.isPrimary { printError(stop.description) }
                if stop.bySignal { throw ExitCode(130) }
            } catch let busy as RunDirectoryLock.Busy {
                if sweep {
                    print("\(label): \(busy)")
                } else {
                    printError("Method \"\(spec.name)\" not run: \(busy)"); failures += 1; failedGroup = group
                }
            } catch {
                printError(
                    options.runs > 1
                        ? "Method \"\(spec.name)\" failed (seed \(job.seed)): \(error)"
                        : "Method \"\(spec.name)\" failed: \(error)")
                failures += 1
                failedGroup = group
            }
            if options.runs > 1, let output {
                try summarize(
                    seedsOf: job, in: plan, parent: (output as NSString).deletingLastPathComponent, name: spec.name,
                    show: !sweep
                        && (n + 1 == jobs.count || jobs[n + 1].file + "\n" + jobs[n + 1].seedsDirectory != group))
            }
        }
        return failures
    }

    /// summary.md/.csv of `--runs` beside the seeds of `job`'s method and grid point, from every seed's
    /// result.json on disk (so shards that share the folder all write the whole picture); `show` prints it.
    static func summarize(seedsOf job: SweepPlan.Job, in plan: SweepPlan, parent: String, name: String, show: Bool)
        throws
    {
        let seeds = plan.jobs.filter { $0.file == job.file && $0.seedsDirectory == job.seedsDirectory }
        let outcomes = seeds.compactMap {
            try? RunOutcome(directory: (parent as NSString).appendingPathComponent("seed-\($0.seed)"))
        }
        try RunSummary.write(outcomes, to: parent)
        guard show else { return }
        print("\(name): \(seeds.count) runs — \(parent)/summary.md")
        print(RunSummary.markdown(outcomes).split(separator: "\n").dropFirst(2).prefix(3).joined(separator: "\n"))
    }

    /// Runs one job; `label` starts the lines it prints (default: the method's name).
    static func runOnce(_ spec: MethodSpec, configuration: RunConfiguration, options: RunOptions, label: String? = nil)
        throws
    {
        let label = label ?? spec.name
        let runner: MethodRunner
        do { runner = try MethodRunner(spec: spec, configuration: configuration) } catch let finished
            as RunDirectoryClaim.AlreadyFinished
        {
            print("\(label): \(finished)")
            return
        }
        // Processes other than rank 0 of a data-parallel run write only a scratch folder: no reports.
        defer { runner.removeReplicaDirectory() }
        let report = !options.noReport && runner.writesRunDirectory
        let result: RunResult
        do { result = try runner.run() } catch {
            if report {
                buildReport(runner.result.runDirectory, quiet: true, tsnePoints: options.tsnePoints)
            }
            throw error
        }
        if report { buildReport(result.runDirectory, quiet: options.quiet, tsnePoints: options.tsnePoints) }
        if let final = result.final, let acc = final.acc, let nmi = final.nmi, let ari = final.ari {
            print(
                String(
                    format: "%@: ACC %.4f, NMI %.4f, ARI %.4f on %@ (%.1f s) — %@/result.json", label, acc, nmi, ari,
                    final.dataset, result.wallSeconds, result.runDirectory))
        } else {
            let clusters =
                result.clusterSummaries.last.map { summary in
                    " — clusters of sizes \(summary.sizes)"
                        + (summary.silhouette.map { String(format: ", silhouette %.4f", $0) } ?? "")
                } ?? ""
            print(
                "\(label): finished in \(String(format: "%.1f", result.wallSeconds)) s\(clusters) — \(result.runDirectory)/result.json"
            )
        }
    }

    /// Builds report.html and the plots; a failure is reported but never fails the finished run.
    static func buildReport(_ directory: String, quiet: Bool, tsnePoints: Int) {
        do {
            let onTerminal = !quiet && isatty(STDERR_FILENO) != 0
            if onTerminal {
                FileHandle.standardError.write(
                    Data("Building the report (plots, t-SNE of \(tsnePoints) points) …".utf8))
            }
            defer { if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
            let page = try RunReport.build(directory: directory, tsnePoints: tsnePoints)
            if !quiet { print("Report: \(page)") }
        } catch {
            printError("Could not build the report of \(directory): \(error)")
        }
    }

    /// `recombine run --resume DIR`: the method and settings recorded in DIR, from its last checkpoint.
    static func resume(directory: String, options: RunOptions) throws {
        let record = try RunRecord.read(directory: directory)
        if let outcome = try? RunOutcome(directory: directory), outcome.status == .completed {
            print("\(directory) is already complete (result.json status: completed); nothing to resume")
            return
        }
        if let threads = options.threads, threads != record.threads {
            printError(
                "warning: the run used \(record.threads) threads; with \(threads) the numbers will differ from an uninterrupted run"
            )
        }
        Threads.set(options.threads ?? record.threads)
        let loader = MethodLoader(store: try loadSchemaStore())
        let methodPath = (directory as NSString).appendingPathComponent("method.json")
        let outcome = loader.load(path: methodPath, baseDirectory: record.baseDirectory)
        guard let spec = outcome.spec else {
            for issue in outcome.issues { printError(issue.description) }
            throw ExitStatus.failure
        }
        var configuration = record.configuration
        configuration.dataDirectories = dataDirectories(options) + record.dataDirectories
        configuration.outputDirectory = directory
        configuration.resume = true
        applyOutputSettings(options, to: &configuration)
        do { try runOnce(spec, configuration: configuration, options: options) } catch let stop as RunStopped {
            if DataParallelLaunch.group.isPrimary { printError(stop.description) }
            throw stop.bySignal ? ExitCode(130) : ExitCode.success
        } catch {
            printError("Method \"\(spec.name)\" failed: \(error)")
            if error is DataError && dataDirectories(options).isEmpty {
                printError(
                    "A resumed run searches only the --data-root or RECOMBINE_DATA given to the resuming command (run.json keeps no absolute paths): if the run was started with --data-root DIR, resume with `recombine run --resume \(directory) --data-root DIR`."
                )
            }
            throw ExitStatus.failure
        }
    }
}

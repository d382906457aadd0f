import ArgumentParser
import Foundation
import RecombineMethod
import RecombineReport
import RecombineTensor
import RecombineTraining

/// Options shared by the commands that execute methods.
struct RunOptions: ParsableArguments {
    @Option(
        name: [.customLong("one_log_file"), .customLong("one-log-file")],
        help: ArgumentHelp("Write the log of every method into this one file.", valueName: "path"))
    var oneLogFile: String?

    @Flag(name: [.customLong("no_log_files"), .customLong("no-log-files")], help: "Write no log files (console only).")
    var noLogFiles = false

    @Flag(
        name: [.customLong("no_log_timestamps"), .customLong("no-log-timestamps")],
        help: "Omit timestamps from log lines.")
    var noLogTimestamps = false

    @Flag(
        name: [.customLong("resume_on_error"), .customLong("resume-on-error")],
        help: "Continue with the next method file when one fails (for unattended sweeps).")
    var resumeOnError = false

    @Option(help: "Seed of every random stream; the same seed and thread count give the same numbers.")
    var seed: UInt64?

    @Option(
        name: .customLong("iterations-scale"),
        help: ArgumentHelp(
            "Scale every iteration/epoch budget by this factor (never below 1) for quick runs.", valueName: "factor"))
    var iterationsScale: Double = 1

    @OptionGroup var overrides: OverrideOptions

    @Option(
        name: .customLong("data-root"),
        help: ArgumentHelp(
            "Directory searched for datasets first (then RECOMBINE_DATA, then the user cache ~/.cache/recombine/datasets).",
            valueName: "dir"))
    var dataRoot: String?

    @Option(
        help: ArgumentHelp(
            "Run directory (default: runs/<timestamp>_<method>/); with several method files, one subdirectory per method inside it (named after the method).",
            valueName: "dir"))
    var output: String?

    @Flag(help: "Replace a run in the --output folder instead of refusing to write into it.")
    var force = false

    @Option(
        help:
            "Threads for BLAS and the engine's loops (default: OPENBLAS_NUM_THREADS, else SLURM_CPUS_PER_TASK, else the CPUs this process may run on)."
    )
    var threads: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    @Option(
        name: .customLong("checkpoint-every"),
        help: ArgumentHelp(
            "Write a checkpoint every N training steps (besides every --checkpoint-interval seconds).", valueName: "N"))
    var checkpointEvery: Int?

    @Option(
        name: .customLong("checkpoint-interval"),
        help: ArgumentHelp(
            "Write a checkpoint when this many seconds passed since the last one (0: only on signals and --checkpoint-every).",
            valueName: "seconds"))
    var checkpointInterval: Double = 300

    @Option(
        name: .customLong("stop-after"),
        help: ArgumentHelp("Stop after N training steps with a checkpoint (continue with --resume).", valueName: "N"))
    var stopAfter: Int?

    @Option(
        help: ArgumentHelp(
            "Train N times with seeds S, S+1, ... (S from --seed, else the method's seed, else 0) and write summary.md and summary.csv.",
            valueName: "N"))
    var runs: Int = 1

    @Flag(name: .customLong("no-report"), help: "Do not build report.html and the plots after each run.")
    var noReport = false

    @Option(
        name: .customLong("tsne-points"),
        help: ArgumentHelp(
            "Points in the report's t-SNE plot (exact t-SNE, quadratic cost; 0 computes none and keeps an existing one).",
            valueName: "N"))
    var tsnePoints: Int = RunReport.defaultTSNEPoints

    func validate() throws {
        guard iterationsScale > 0 else {
            throw ValidationError("--iterations-scale must be positive, got \(iterationsScale)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let checkpointEvery, checkpointEvery < 1 {
            throw ValidationError("--checkpoint-every must be at least 1, got \(checkpointEvery)")
        }
        if checkpointInterval < 0 {
            throw ValidationError("--checkpoint-interval must not be negative, got \(checkpointInterval)")
        }
        if let stopAfter, stopAfter < 1 { throw ValidationError("--stop-after must be at least 1, got \(stopAfter)") }
        if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
        if tsnePoints < 0 { throw ValidationError("--tsne-points must not be negative, got \(tsnePoints)") }
    }
}

/// `recombine run PATH...` (also `recombine PATH...`).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate, compile and train methods; report ACC, NMI and ARI.",
        discussion: """
            Directories are searched (not recursively) for *.json files, run in name order. Exit status 0 when every method succeeded, 1 otherwise.

            Sweeps: the jobs are method files × grid points (every combination of the --grid values) × seeds (--runs), in that order. With --grid or \
            --shard each job has its own folder --output/<method>/<grid point>/seed-<S>; a finished job is skipped, an interrupted one resumed from \
            its checkpoint, and a job that another process runs (lock file) is left to it, so shards started at once into one folder run every job once.
            """)

    @Argument(help: "Method files or directories of method files.")
    var paths: [String] = []

    @Option(
        help: ArgumentHelp(
            "Continue an interrupted run from its last checkpoint, with the settings it was started with.",
            valueName: "run-dir"))
    var resume: String?

    @Option(
        help: ArgumentHelp(
            "Sweep a value of the method files: /json/pointer=value1,value2,... (repeatable; values are JSON, or else strings).",
            valueName: "pointer=values"))
    var grid: [String] = []

    @Option(
        help: ArgumentHelp(
            "Run only the jobs whose position ≡ i (mod n); auto: from a Slurm job array (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT) or RECOMBINE_SHARD=i/n.",
            valueName: "i/n|auto"))
    var shard: String?

    @Option(
        name: .customLong("base-directory"),
        help: ArgumentHelp(
            "Directory the method files' relative paths (data files, centroid and weight files) resolve against (default: each file's own directory).",
            valueName: "dir"))
    var baseDirectory: String?

    @OptionGroup var options: RunOptions

    func validate() throws {
        if resume != nil && baseDirectory != nil {
            throw ValidationError(
                "--resume uses the base directory the run was started with; do not also give --base-directory")
        }
        var isDirectory: ObjCBool = false
        if let baseDirectory,
            !(FileManager.default.fileExists(atPath: baseDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            throw ValidationError("--base-directory \(baseDirectory) is not a directory")
        }
        if resume == nil && paths.isEmpty {
            throw ValidationError("give method files or directories, or --resume RUN_DIR")
        }
        if resume != nil && !paths.isEmpty {
            throw ValidationError("--resume continues one run directory; do not also give method files")
        }
        if resume != nil && options.runs > 1 {
            throw ValidationError("--resume continues one run; --runs cannot be combined with it")
        }
        if resume != nil && (!grid.isEmpty || shard != nil) {
            throw ValidationError("--resume continues one run; --grid and --shard cannot be combined with it")
        }
        if (!grid.isEmpty || shard != nil) && options.output == nil {
            throw ValidationError(
                "--grid and --shard need --output DIR, the sweep's folder (shards of one sweep share it)")
        }
        for text in grid {
            do { _ = try GridAxis(parsing: text) } catch { throw ValidationError("\(error)") }
        }
        if let shard, shard != "auto" {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError("\(error)") }
        }
    }

    func run() throws {
        RunInterruption.installHandlers()
        if let resume {
            try MethodExecution.resume(directory: resume, options: options)
            return
        }
        let axes = try grid.map { try GridAxis(parsing: $0) }
        let selected: Shard?
        do { selected = try shard.map { try Shard(parsing: $0) } } catch {
            printError("\(error)"); throw ExitStatus.failure
        }
        Threads.set(options.threads ?? Threads.count)
        let loader = MethodLoader(store: try loadSchemaStore())
        let overrides = try options.overrides.parsed()
        let (files, missing) = MethodLoader.methodFiles(for: paths)
        for path in missing { printError("Method configuration file \"\(path)\" not found") }
        if files.isEmpty && missing.isEmpty {
            printError("no *.json method files found in \(paths.joined(separator: ", "))")
        }
        let base = baseDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var failures = missing.count + (files.isEmpty && missing.isEmpty ? 1 : 0)
        let sweep = !axes.isEmpty || selected != nil
        let plan = SweepPlan(files: files, seed: options.seed, runs: options.runs, axes: axes, sweep: sweep)
        let jobs = plan.jobs.filter { selected?.contains($0.position) ?? true }
        if let selected { print("Shard \(selected): \(jobs.count) of \(plan.jobs.count) jobs") }
        failures += try MethodExecution.run(
            jobs, of: plan, loader: loader, overrides: overrides, baseDirectory: base, options: options, sweep: sweep)
        if failures > 0 { throw ExitStatus.failure }
    }
}

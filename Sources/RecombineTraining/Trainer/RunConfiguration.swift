import Foundation
import RecombineData

/// How a method is run (from the command line).
public struct RunConfiguration: Sendable {
    /// Seed of every random stream; nil uses the method's `seed` or 0.
    public var seed: UInt64?
    /// Multiplies every iteration/epoch budget, layer-wise stage length and annealing step (never
    /// below 1); intervals (evaluation, reporting, saving, target recalculation) are unchanged.
    public var iterationsScale: Double = 1
    /// Directories searched for built-in datasets (after `root`): --data-root, then RECOMBINE_DATA.
    public var dataDirectories: [String] = []
    /// The method file's `--set /pointer=value` overrides as given (already applied to the spec), for provenance.
    public var overrides: [String] = []
    /// Searched after `dataDirectories`; built-in datasets found nowhere are downloaded into it.
    public var dataCache: String = DataLocations.userCache()
    /// The run directory; nil means runs/<timestamp>_<method>/ under the working directory.
    public var outputDirectory: String?
    public var quiet = false
    public var logTimestamps = true
    /// Write `<run dir>/log.txt` (and `one_log_file` when given).
    public var writeLogFile = true
    public var oneLogFile: String?
    /// Write a checkpoint every this many training steps (nil: by time only).
    public var checkpointEvery: Int?
    /// Write a checkpoint when this many seconds passed since the last one (0 disables timed checkpoints).
    public var checkpointSeconds: Double = 300
    /// Stop with a checkpoint after this many training steps in this process (a planned pause).
    public var stopAfterSteps: Int?
    /// Continue the run in `outputDirectory` from its checkpoint (from the start when it has none).
    public var resume = false
    /// Empty an output folder that holds another recombine run instead of refusing it (`--force`).
    public var replaceExisting = false
    /// A job of a sweep: the same run found unfinished in `outputDirectory` is resumed from its
    /// checkpoint, or started again when it has none, instead of being refused.
    public var continueUnfinished = false
    /// The sweep's grid point as `/pointer=value` (also among `overrides`), for provenance and the leaderboard.
    public var gridPoint: [String] = []
    /// The processes training this run together (`mpirun -np P`); one process unless an MPI launcher started it.
    public var dataParallel: any DataParallelGroup = DataParallelLaunch.group

    public init() {}

    /// `n` scaled by `iterationsScale`, at least 1.
    func scaled(_ n: Int) -> Int { Swift.max(1, Int((Double(n) * iterationsScale).rounded())) }
}

extension RunConfiguration {
    /// `runs/<timestamp>_<method><suffix>` under the working directory, the method name reduced to
    /// letters, digits, '-' and '_'.
    public static func defaultRunDirectory(method: String, suffix: String = "") -> String {
        let f = DateFormatter(); f.dateFormat = "yyyy-MM-dd_HH-mm-ss.SSS"; f.locale = Locale(identifier: "en_US_POSIX")
        let safe = String(method.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return "runs/\(f.string(from: Date()))_\(safe)\(suffix)"
    }

    /// A default run directory that no other run has: created here (an existing name, from another run
    /// started in the same millisecond, gets a counter), so two runs never share one.
    public static func newDefaultRunDirectory(method: String, suffix: String = "") throws -> String {
        let base = defaultRunDirectory(method: method, suffix: suffix)
        try FileManager.default.createDirectory(
            atPath: (base as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for attempt in 1...1000 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            // mkdir fails on an existing folder: whoever creates it first owns it.
            if (try? FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: false)) != nil
            {
                return candidate
            }
        }
        throw TrainingError("could not create a new run directory beside \(base)")
    }
}

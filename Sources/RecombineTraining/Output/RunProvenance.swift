import Foundation
import RecombineTensor

/// `result.json`'s `provenance`: what is needed to judge and repeat a run, with no path of the machine
/// it ran on. The seed and the wall time are `result.json`'s own `seed` and `wall_seconds`; the data
/// files are its `data_files_sha256` (see `DataFileHashes`).
public struct RunProvenance: Codable, Sendable, Equatable {
    public var recombineVersion: String
    /// The revision the binary that started the run was built from (each segment names its own).
    public var gitRevision: String
    public var threads: Int
    /// The OpenBLAS kernels (`Threads.blasCore`).
    public var blasCore: String
    /// The processor and its logical CPU count (`CPUModel.summary`; absent in runs of older versions).
    public var cpu: String?
    /// `--iterations-scale` (1 when not given).
    public var iterationsScale: Double
    /// Each `--set /pointer=value` as given, in order (empty when there were none).
    public var overrides: [String]
    /// The sweep grid point (`--grid`) of the run as `/pointer=value`, also among `overrides` (nil outside a grid).
    public var gridPoint: [String]?
    /// SHA-256 of the method file as given (before overrides and defaults).
    public var methodFileSHA256: String?
    /// How often the run was resumed (nil when it never was).
    public var resumed: Int?
    /// The processes the run was made of, when it was resumed (nil for a run in one piece).
    public var segments: [RunSegment]?

    enum CodingKeys: String, CodingKey {
        case recombineVersion = "recombine_version"
        case gitRevision = "git_revision"
        case threads
        case blasCore = "blas_core"
        case cpu
        case iterationsScale = "iterations_scale"
        case overrides
        case gridPoint = "grid_point"
        case methodFileSHA256 = "method_file_sha256"
        case resumed, segments
    }
}

extension RunProvenance {
    /// The provenance of a run started now by this binary.
    init(configuration: RunConfiguration, methodFileSHA256: String?) {
        recombineVersion = RecombineTraining.recombineVersion; gitRevision = SourceRevision.current
        threads = Threads.count; blasCore = Threads.blasCore; cpu = CPUModel.summary
        iterationsScale = configuration.iterationsScale; overrides = configuration.overrides
        gridPoint = configuration.gridPoint.isEmpty ? nil : configuration.gridPoint
        self.methodFileSHA256 = methodFileSHA256
    }

    /// This provenance continued by a new process from a checkpoint `elapsed` seconds into the run
    /// (`position` says where): the last segment ends there, a segment of this binary begins.
    func resumed(at elapsed: Double, position: RunSegment.Position?) -> RunProvenance {
        var next = self
        next.resumed = (resumed ?? 0) + 1
        var segments =
            self.segments ?? [
                RunSegment(
                    gitRevision: gitRevision, threads: threads, blasCore: blasCore, startSeconds: 0, endSeconds: elapsed
                )
            ]
        segments[segments.count - 1].endSeconds = elapsed
        segments.append(
            RunSegment(
                gitRevision: SourceRevision.current, threads: Threads.count, blasCore: Threads.blasCore,
                startSeconds: elapsed, endSeconds: elapsed, resumedAt: position))
        next.segments = segments
        return next
    }
}

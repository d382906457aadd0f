import Foundation

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

    public init(
        recombineVersion: String, gitRevision: String, threads: Int, blasCore: String, cpu: String? = nil,
        iterationsScale: Double, overrides: [String], gridPoint: [String]? = nil, methodFileSHA256: String?,
        resumed: Int? = nil, segments: [RunSegment]? = nil
    ) {
        self.recombineVersion = recombineVersion; self.gitRevision = gitRevision; self.threads = threads
        self.blasCore = blasCore; self.cpu = cpu; self.iterationsScale = iterationsScale; self.overrides = overrides
        self.gridPoint = gridPoint; self.methodFileSHA256 = methodFileSHA256; self.resumed = resumed
        self.segments = segments
    }

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

import Foundation
import RecombineNN

/// `run.json`: how a run was started (method file, the directory its relative paths resolve against,
/// seed, schedule scale, threads, checkpoint settings). Written at the start of every run;
/// `recombine run --resume DIR` reads it to continue under the same settings. It names no path of the
/// machine: the method file as given when that was relative (else its name), the base directory
/// relative to the run directory; the data directories are the resuming command's own.
public struct RunRecord: Sendable {
    public static let fileName = "run.json"

    public var methodFile: String
    /// Absolute in memory; stored relative to the run directory.
    public var baseDirectory: String
    public var seed: UInt64
    public var iterationsScale: Double
    /// Data directories recorded by older versions (kept for resuming their runs).
    public var dataDirectories: [String]
    public var threads: Int
    public var checkpointEvery: Int?
    public var checkpointSeconds: Double
    /// Processes that trained the run together (`mpirun -np P`; 1 for a single process).
    public var worldSize: Int

    public init(methodFile: String, baseDirectory: String, seed: UInt64, configuration: RunConfiguration, threads: Int)
    {
        self.methodFile = methodFile.hasPrefix("/") ? (methodFile as NSString).lastPathComponent : methodFile
        self.baseDirectory = baseDirectory; self.seed = seed
        iterationsScale = configuration.iterationsScale; dataDirectories = []
        self.threads = threads; checkpointEvery = configuration.checkpointEvery;
        checkpointSeconds = configuration.checkpointSeconds
        worldSize = configuration.dataParallel.size
    }

    /// run.json's fields; the seed is a decimal string (JSON numbers lose bits above 2^53).
    struct Stored: Codable {
        var methodFile: String
        var baseDirectory: String
        var seed: String
        var iterationsScale: Double
        var dataDirectories: [String]?
        var threads: Int
        var checkpointEvery: Int?
        var checkpointSeconds: Double?
        var blasCore: String?
        var worldSize: Int?

        enum CodingKeys: String, CodingKey {
            case methodFile = "method_file"
            case baseDirectory = "base_directory"
            case seed
            case iterationsScale = "iterations_scale"
            case dataDirectories = "data_directories"
            case threads
            case checkpointEvery = "checkpoint_every"
            case checkpointSeconds = "checkpoint_seconds"
            case blasCore = "blas_core"
            case worldSize = "world_size"
        }
    }

    func write(to directory: String) throws {
        let stored = Stored(
            methodFile: methodFile, baseDirectory: Self.relativePath(of: baseDirectory, from: directory),
            seed: String(seed),
            iterationsScale: iterationsScale, dataDirectories: nil, threads: threads, checkpointEvery: checkpointEvery,
            checkpointSeconds: checkpointSeconds, blasCore: Threads.blasCore, worldSize: worldSize)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(
            try encoder.encode(stored), to: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    /// Reads `run.json` of a run directory, with an error naming the file when it is missing or damaged.
    public static func read(directory: String) throws -> RunRecord {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(
                "\(path) not found: \(directory) is not a recombine run directory (or was started by an older version)")
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data), let seed = UInt64(stored.seed) else {
            throw TrainingError(
                "\(path) is damaged (expected method_file, base_directory, seed, iterations_scale and threads)")
        }
        var configuration = RunConfiguration()
        configuration.iterationsScale = stored.iterationsScale
        configuration.checkpointEvery = stored.checkpointEvery
        configuration.checkpointSeconds = stored.checkpointSeconds ?? 300
        var record = RunRecord(
            methodFile: stored.methodFile, baseDirectory: resolve(stored.baseDirectory, from: directory), seed: seed,
            configuration: configuration, threads: stored.threads)
        record.dataDirectories = stored.dataDirectories ?? []
        record.worldSize = stored.worldSize ?? 1
        return record
    }

    /// The settings to continue this run with (the caller adds the data directories to search).
    public var configuration: RunConfiguration {
        var c = RunConfiguration()
        c.seed = seed; c.iterationsScale = iterationsScale; c.dataDirectories = dataDirectories
        c.checkpointEvery = checkpointEvery; c.checkpointSeconds = checkpointSeconds
        return c
    }

    /// `path` relative to `directory` (both taken from the working directory when relative, symbolic links resolved).
    static func relativePath(of path: String, from directory: String) -> String {
        func components(_ p: String) -> [String] {
            URL(fileURLWithPath: p).resolvingSymlinksInPath().standardizedFileURL.pathComponents
        }
        let target = components(path), origin = components(directory)
        var common = 0
        while common < min(target.count, origin.count) && target[common] == origin[common] { common += 1 }
        let relative = Array(repeating: "..", count: origin.count - common) + target[common...]
        return relative.isEmpty ? "." : relative.joined(separator: "/")
    }

    /// A stored base directory as an absolute path: relative ones are taken from the run directory.
    static func resolve(_ stored: String, from directory: String) -> String {
        if stored.hasPrefix("/") { return stored }
        return URL(fileURLWithPath: directory).resolvingSymlinksInPath().appendingPathComponent(stored)
            .standardizedFileURL.path
    }
}

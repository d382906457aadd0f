import Foundation
import RecombineNN

/// `run.json`: how a run was started (method file, directory its relative paths resolve against, seed,
/// schedule scale, data directories, threads, checkpoint settings). Written at the start of every run;
/// `recombine run --resume DIR` reads it to continue under exactly the same settings.
public struct RunRecord: Sendable {
    public static let fileName = "run.json"

    public var methodFile: String
    public var baseDirectory: String
    public var seed: UInt64
    public var iterationsScale: Double
    public var dataDirectories: [String]
    public var threads: Int
    public var checkpointEvery: Int?
    public var checkpointSeconds: Double

    public init(methodFile: String, baseDirectory: String, seed: UInt64, configuration: RunConfiguration, threads: Int) {
        self.methodFile = methodFile; self.baseDirectory = baseDirectory; self.seed = seed
        iterationsScale = configuration.iterationsScale; dataDirectories = configuration.dataDirectories
        self.threads = threads; checkpointEvery = configuration.checkpointEvery; checkpointSeconds = configuration.checkpointSeconds
    }

    var json: [String: Any] {
        var out: [String: Any] = ["method_file": methodFile, "base_directory": baseDirectory, "seed": String(seed),
                                  "iterations_scale": iterationsScale, "data_directories": dataDirectories, "threads": threads,
                                  "checkpoint_seconds": checkpointSeconds, "blas_core": Threads.blasCore]
        if let checkpointEvery { out["checkpoint_every"] = checkpointEvery }
        return out
    }

    func write(to directory: String) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: (directory as NSString).appendingPathComponent(Self.fileName))
    }

    /// Reads `run.json` of a run directory, with an error naming the file when it is missing or damaged.
    public static func read(directory: String) throws -> RunRecord {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError("\(path) not found: \(directory) is not a recombine run directory (or was started by an older version)")
        }
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let method = o["method_file"] as? String, let base = o["base_directory"] as? String,
              let seed = (o["seed"] as? String).flatMap(UInt64.init), let scale = (o["iterations_scale"] as? NSNumber)?.doubleValue,
              let threads = (o["threads"] as? NSNumber)?.intValue else {
            throw TrainingError("\(path) is damaged (expected method_file, base_directory, seed, iterations_scale and threads)")
        }
        var configuration = RunConfiguration()
        configuration.iterationsScale = scale
        configuration.dataDirectories = (o["data_directories"] as? [String]) ?? []
        configuration.checkpointEvery = (o["checkpoint_every"] as? NSNumber)?.intValue
        configuration.checkpointSeconds = (o["checkpoint_seconds"] as? NSNumber)?.doubleValue ?? 300
        return RunRecord(methodFile: method, baseDirectory: base, seed: seed, configuration: configuration, threads: threads)
    }

    /// The settings to continue this run with.
    public var configuration: RunConfiguration {
        var c = RunConfiguration()
        c.seed = seed; c.iterationsScale = iterationsScale; c.dataDirectories = dataDirectories
        c.checkpointEvery = checkpointEvery; c.checkpointSeconds = checkpointSeconds
        return c
    }
}

import Foundation
import RecombineNN
import RecombineTensor

/// One checkpoint file: named tensors (parameters, buffers, optimizer states, centroids, targets) plus
/// a JSON object of positions, counters and random-stream states, kept together in one safetensors
/// file (the JSON in its metadata under `recombine_checkpoint`) and written atomically, so a kill at
/// any moment leaves either the previous checkpoint or the new one.
final class CheckpointArchive {
    static let fileName = "checkpoint.safetensors"
    static let metadataKey = "recombine_checkpoint"
    /// Bumped when the layout changes; older files are refused with a message.
    static let formatVersion = 1

    var tensors: [String: Tensor] = [:]
    var values: [String: Any] = [:]
    /// Where the archive was read from (for error messages).
    let source: String

    init(source: String = "") { self.source = source }

    static func path(in directory: String) -> String { (directory as NSString).appendingPathComponent(fileName) }

    func write(to directory: String) throws {
        values["format_version"] = Self.formatVersion
        let json = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
        let named = tensors.keys.sorted().map { (name: $0, tensor: tensors[$0]!.detached()) }
        try Safetensors.write(
            named, metadata: [Self.metadataKey: String(decoding: json, as: UTF8.self)], to: Self.path(in: directory))
    }

    /// The checkpoint of a run directory, or nil when it has none.
    static func read(directory: String) throws -> CheckpointArchive? {
        let path = path(in: directory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let (tensors, metadata) = try Safetensors.read(path)
        guard let text = metadata[metadataKey],
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else {
            throw TrainingError("\(path) is not a recombine checkpoint (no \(metadataKey) metadata)")
        }
        let archive = CheckpointArchive(source: path)
        archive.tensors = tensors
        archive.values = object
        let version = try archive.int("format_version", in: object)
        guard version == formatVersion else {
            throw TrainingError(
                "\(path) has checkpoint format \(version); this recombine reads format \(formatVersion)")
        }
        return archive
    }

    // MARK: Typed access with errors naming the file and key

    func missing(_ key: String) -> TrainingError {
        TrainingError("checkpoint \(source): '\(key)' is missing or has the wrong type")
    }

    func object(_ key: String, in object: [String: Any]? = nil) throws -> [String: Any] {
        guard let v = (object ?? values)[key] as? [String: Any] else { throw missing(key) }
        return v
    }

    func int(_ key: String, in object: [String: Any]? = nil) throws -> Int {
        guard let v = (object ?? values)[key] as? NSNumber else { throw missing(key) }
        return v.intValue
    }

    func double(_ key: String, in object: [String: Any]? = nil) throws -> Double {
        guard let v = (object ?? values)[key] as? NSNumber else { throw missing(key) }
        return v.doubleValue
    }

    func tensor(_ name: String) throws -> Tensor {
        guard let t = tensors[name] else { throw missing(name) }
        return t
    }

    /// Generator states are stored as decimal strings (JSON numbers cannot hold 64-bit integers).
    static func encode(_ g: RandomGenerator) -> [String] { g.state.map { String($0) } }

    func generator(_ key: String, in object: [String: Any]? = nil) throws -> RandomGenerator {
        guard let words = (object ?? values)[key] as? [String], words.count == 4 else { throw missing(key) }
        let state = words.compactMap(UInt64.init)
        guard state.count == 4 else { throw missing(key) }
        return RandomGenerator(state: state)
    }

    static func encode(seeds: [UInt64]) -> [String] { seeds.map { String($0) } }

    func seeds(_ key: String, in object: [String: Any]? = nil) throws -> [UInt64] {
        guard let words = (object ?? values)[key] as? [String] else { throw missing(key) }
        let seeds = words.compactMap(UInt64.init)
        guard seeds.count == words.count else { throw missing(key) }
        return seeds
    }

    // MARK: Modules

    /// Saves a module's parameters, buffers and random streams under `prefix`.
    func save(module: Module, prefix: String) {
        for (name, t) in module.stateDict() { tensors[prefix + name] = t }
        var streams: [String: [String]] = [:]
        for (name, state) in module.namedRandomStates() { streams[name] = state.map { String($0) } }
        values[prefix + "random_streams"] = streams
    }

    /// Restores what `save(module:prefix:)` wrote.
    func restore(module: Module, prefix: String) throws {
        var own: [String: Tensor] = [:]
        for (name, _) in module.stateDict() { own[name] = try tensor(prefix + name) }
        do { try module.loadStateDict(own) } catch { throw TrainingError("checkpoint \(source): \(prefix): \(error)") }
        var states: [String: [UInt64]] = [:]
        for (name, words) in (values[prefix + "random_streams"] as? [String: [String]]) ?? [:] {
            let s = words.compactMap(UInt64.init)
            if s.count == 4 { states[name] = s }
        }
        module.restoreRandomStates(states)
    }
}

/// Requests to stop a run cleanly: SIGINT/SIGTERM/SIGUSR1 (the current step finishes, a checkpoint is
/// written; SIGUSR1 is what Slurm's `--signal=USR1@seconds` sends before a time limit) and
/// `--stop-after`. A second signal ends the process at once, unless it came within
/// `repeatWindowNanoseconds` of the first: that is one request delivered twice (GNU `timeout` signals the
/// command and then its own process group, which holds the command too), not a second request.
public enum RunInterruption {
    nonisolated(unsafe) static var signalled: sig_atomic_t = 0
    /// CLOCK_MONOTONIC time of the first signal, in nanoseconds.
    nonisolated(unsafe) static var firstSignalNanoseconds: Int64 = 0
    /// Signals this soon after the first are repeats of it (one second).
    public static let repeatWindowNanoseconds: Int64 = 1_000_000_000

    /// Whether a signal arriving `nanosecondsSinceFirst` after the first one ends the process at once.
    public static func endsAtOnce(nanosecondsSinceFirst: Int64) -> Bool {
        nanosecondsSinceFirst >= repeatWindowNanoseconds
    }

    /// Installs the SIGINT/SIGTERM/SIGUSR1 handlers (idempotent).
    public static func installHandlers() {
        // Initialise the handler's statics here, outside any signal handler.
        _ = (signalled, firstSignalNanoseconds, repeatWindowNanoseconds)
        let handler: @convention(c) (Int32) -> Void = { signal in
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)  // async-signal-safe
            let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
            if RunInterruption.signalled != 0 {
                if RunInterruption.endsAtOnce(
                    nanosecondsSinceFirst: nanoseconds - RunInterruption.firstSignalNanoseconds)
                {
                    _exit(128 + signal)
                }
                return
            }
            RunInterruption.firstSignalNanoseconds = nanoseconds
            RunInterruption.signalled = signal
        }
        Glibc.signal(SIGINT, handler)
        Glibc.signal(SIGTERM, handler)
        Glibc.signal(SIGUSR1, handler)
    }

    /// Whether a signal asked the run to stop.
    public static var requested: Bool { signalled != 0 }

    /// The signal that stopped the run (0 when none).
    public static var signalNumber: Int32 { signalled }
}

/// Thrown when a run stopped early with a checkpoint (signal or `--stop-after`).
public struct RunStopped: Error, CustomStringConvertible {
    public let runDirectory: String
    public let reason: String
    /// True for a signal (exit status 130), false for `--stop-after` (a planned stop).
    public let bySignal: Bool
    public var description: String {
        "\(reason); checkpoint written. Continue with: recombine run --resume \(runDirectory)"
    }
}

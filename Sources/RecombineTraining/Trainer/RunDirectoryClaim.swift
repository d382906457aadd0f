import Foundation
import RecombineRunFiles

/// A run never writes into a folder that holds another run. A new run may use a missing or empty
/// folder; a folder holding the same run (same method as written to method.json, seed, iterations
/// scale and threads) that finished is reported as `AlreadyFinished`; anything else is refused without
/// touching a file, unless `replace` (`--force`) empties a folder that holds a recombine run. A job of
/// a sweep (`continueUnfinished`) goes on where it was left instead: the same run unfinished with a
/// checkpoint is resumed, without one (or failed) started again; there the thread count, which a
/// resubmission may change, does not make it another run.
public enum RunDirectoryClaim {
    /// What to do in a claimed folder.
    enum Decision: Equatable { case start, resume }

    /// The same run already finished in the folder: nothing to do.
    public struct AlreadyFinished: Error, CustomStringConvertible {
        public let directory: String
        public var description: String {
            "\(directory) already holds this run, finished; skipping it (--force runs it again)"
        }
    }

    /// What identifies a run: the method as checked and overridden, and the settings that change its numbers.
    struct Identity: Equatable {
        let method: String
        let seed: UInt64
        let iterationsScale: Double
        let threads: Int
    }

    @discardableResult
    static func claim(_ directory: String, for identity: Identity, replace: Bool, continueUnfinished: Bool = false)
        throws -> Decision
    {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return .start
        }
        guard isDirectory.boolValue else { throw TrainingError("--output \(directory) is a file, not a folder") }
        let contents = try fm.contentsOfDirectory(atPath: directory).filter {
            $0 != ".DS_Store" && $0 != RunDirectoryLock.fileName
        }
        if contents.isEmpty { return .start }
        let runFile = (directory as NSString).appendingPathComponent(RunRecord.fileName)
        guard fm.fileExists(atPath: runFile) else {
            throw TrainingError(
                "\(directory) is not empty and holds no recombine run (\(contents.sorted().prefix(5).joined(separator: ", "))\(contents.count > 5 ? ", …" : "")); "
                    + "choose a new or empty folder for --output")
        }
        func empty() throws -> Decision {
            for name in contents { try fm.removeItem(atPath: (directory as NSString).appendingPathComponent(name)) }
            return .start
        }
        if replace { return try empty() }
        let existing = try? RunRecord.read(directory: directory)
        let method = try? String(
            contentsOfFile: (directory as NSString).appendingPathComponent("method.json"), encoding: .utf8)
        let differences = Self.differences(
            identity, existing: existing, method: method, comparingThreads: !continueUnfinished)
        let status = RunResult.status(inDirectory: directory)
        if continueUnfinished {
            if differences.isEmpty {
                if status == .completed { throw AlreadyFinished(directory: directory) }
                let resumable = status != .failed && fm.fileExists(atPath: CheckpointArchive.path(in: directory))
                return resumable ? .resume : try empty()
            }
        }
        if differences.isEmpty {
            if status == .completed { throw AlreadyFinished(directory: directory) }
            throw TrainingError(
                "\(directory) holds an unfinished run of this method with these settings (status \(status?.rawValue ?? "unknown")); "
                    + "continue it with `recombine run --resume \(directory)`, or start it again with --force")
        }
        throw TrainingError(
            "\(directory) holds another run (\(differences.joined(separator: "; "))); nothing was written: "
                + "choose another --output, or replace that run with --force")
    }

    /// How the run in a folder differs from `identity`, in words (empty when it is the same run).
    static func differences(_ identity: Identity, existing: RunRecord?, method: String?, comparingThreads: Bool = true)
        -> [String]
    {
        guard let existing else { return ["its run.json cannot be read"] }
        var found: [String] = []
        if method != identity.method { found.append("another method: \(existing.methodFile)") }
        if existing.seed != identity.seed { found.append("seed \(existing.seed), not \(identity.seed)") }
        if existing.iterationsScale != identity.iterationsScale {
            found.append("--iterations-scale \(existing.iterationsScale), not \(identity.iterationsScale)")
        }
        if comparingThreads && existing.threads != identity.threads {
            found.append("\(existing.threads) threads, not \(identity.threads)")
        }
        return found
    }
}

import Foundation
import RecombineData

/// The parameter and centroid files a run loaded, for `result.json`'s `loaded_files_sha256`: each keyed by the
/// path as the method file gives it (relative to `--base-directory`, so no path of the machine), or by its
/// folder and file name when the method file gives an absolute path, with the file's SHA-256. A run that
/// continues other runs' weights (a finetuning from a pretraining, a pruning round from finished runs) names
/// exactly what it started from. A second load of the same key with other content is keyed `<phase>: <key>`.
enum LoadedFileHashes {
    /// The key of a file given as `path` in the method file.
    static func key(ofPathAsGiven path: String) -> String {
        path.hasPrefix("/") ? DataFileHashes.name(ofFile: path) : path
    }

    /// Records the SHA-256 of the file at `resolvedPath`, given as `path`, loaded by `phase`.
    static func note(path: String, resolvedPath: String, phase: String, in recorded: inout [String: String]) throws {
        let hash = try SHA256.hex(ofFile: resolvedPath)
        let plain = key(ofPathAsGiven: path)
        if recorded[plain] == nil || recorded[plain] == hash {
            recorded[plain] = hash
        } else {
            recorded["\(phase): \(plain)"] = hash
        }
    }
}

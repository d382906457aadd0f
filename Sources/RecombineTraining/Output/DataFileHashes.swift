import Foundation
import RecombineData

/// The data files of a run for `result.json`'s `data_files_sha256`: each named by its folder and file
/// name (`mnist/train-images-idx3-ubyte.gz`: where the machine keeps its data is no part of a result),
/// with its SHA-256 computed once per file (path, size and modification date) per process — batch
/// runs over many method files share the same datasets. When that name already holds other content (a
/// later dataset entry's file of the same folder and file name, or a file changed between two entries
/// of one run), the file is named `<dataset>: <folder>/<file>`.
enum DataFileHashes {
    nonisolated(unsafe) static var cache: [String: String] = [:]
    static let lock = NSLock()

    /// `<folder>/<file name>` of `path`.
    static func name(ofFile path: String) -> String {
        let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.filter { $0 != "/" }
        return components.suffix(2).joined(separator: "/")
    }

    /// SHA-256 of a file, or for an image folder `ImageFolderListing.sha256` (paths and files' hashes).
    static func sha256(_ path: String) -> String? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key =
            "\(path)|\(attributes?[.size] ?? "")|\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        lock.lock(); defer { lock.unlock() }
        if let known = cache[key] { return known }
        let hash =
            ImageFolderListing.isDirectory(path)
            ? try? ImageFolderListing(root: path).sha256() : try? SHA256.hex(ofFile: path)
        cache[key] = hash
        return hash
    }

    /// Records in `recorded` the files one dataset entry read when it started; when `resuming` that entry,
    /// checks them instead: resuming on other data than the entry started with is refused, naming the file.
    static func note(files: [String], dataset: String, in recorded: inout [String: String], resuming: Bool) throws {
        for path in files {
            guard let hash = sha256(path) else { continue }
            let plain = name(ofFile: path), qualified = "\(dataset): \(plain)"
            if recorded[plain] == hash || recorded[qualified] == hash { continue }
            if resuming, let before = recorded[qualified] ?? recorded[plain] {
                throw TrainingError(
                    "\(path) changed since this run started (SHA-256 \(before.prefix(12))… in its result.json, now \(hash.prefix(12))…): resuming would go on training on other data. Restore the file, or start a new run."
                )
            }
            recorded[recorded[plain] == nil ? plain : qualified] = hash
        }
    }
}

import Foundation

/// A data file's bytes, with an error that says why they could not be read: no such file, a folder, or
/// an unreadable file (permissions, a device).
public enum FileContents {
    public static func read(_ path: String) throws -> Data {
        if let data = FileManager.default.contents(atPath: path) { return data }
        throw DataError("\(path): \(whyUnreadable(path))")
    }

    /// Why `path` gives no contents: "no such file", "a folder, not a file" or "cannot read the file".
    public static func whyUnreadable(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "no such file" }
        return isFolder.boolValue ? "a folder, not a file" : "cannot read the file"
    }
}

import Foundation

/// A data file's bytes, with an error that says why they could not be read: no such file, a folder, or
/// an unreadable file (permissions, a device).
public enum FileContents {
    public static func read(_ path: String) throws -> Data {
        if let data = FileManager.default.contents(atPath: path) { return data }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw DataError("\(path): no such file")
        }
        throw DataError(isFolder.boolValue ? "\(path): a folder, not a file" : "\(path): cannot read the file")
    }
}

import Foundation

/// Places in the checkout the tests run from, and the data beside it.
public enum Repository {
    /// The checkout's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static var configurations: URL { root.appendingPathComponent("Configurations") }
    public static var scripts: URL { root.appendingPathComponent("Scripts") }
    /// `../shared` beside the checkout (reference configs, datasets, tools), when present.
    public static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }

    /// The data root: `RECOMBINE_DATA` when set, else `../shared/datasets`.
    public static var dataRoot: String {
        ProcessInfo.processInfo.environment["RECOMBINE_DATA"] ?? shared.appendingPathComponent("datasets").path
    }

    /// Skips (fails under CI) unless `file` exists below the data root, and returns its path.
    @discardableResult
    public static func requireData(_ file: String) throws -> String {
        let path = dataRoot + "/" + file
        try requirePrerequisite(FileManager.default.fileExists(atPath: path), "dataset file \(path) (RECOMBINE_DATA)")
        return path
    }
}

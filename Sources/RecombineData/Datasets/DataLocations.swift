import Foundation

/// Where the built-in datasets are looked for after a method file's `root`: --data-root, then
/// `RECOMBINE_DATA` (each laid out like `<dir>/mnist/`), then the user cache, which is also where
/// downloads go.
public struct DataLocations: Sendable, Equatable {
    /// --data-root and `RECOMBINE_DATA`, in this order.
    public var searchDirectories: [String]
    /// `${XDG_CACHE_HOME:-~/.cache}/recombine/datasets`.
    public var cache: String

    public init(searchDirectories: [String], cache: String) {
        self.searchDirectories = searchDirectories
        self.cache = cache
    }

    /// The standard order: `dataRoot` (--data-root), `RECOMBINE_DATA`, the user cache; empty values are dropped.
    public init(dataRoot: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(
            searchDirectories: [dataRoot, environment["RECOMBINE_DATA"]].compactMap { $0 }.filter { !$0.isEmpty },
            cache: Self.userCache(environment: environment))
    }

    /// `$XDG_CACHE_HOME/recombine/datasets` when XDG_CACHE_HOME is an absolute path (the XDG Base
    /// Directory rule), else `$HOME/.cache/recombine/datasets`.
    public static func userCache(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".cache")
        }
        return ((base as NSString).appendingPathComponent("recombine") as NSString).appendingPathComponent("datasets")
    }

    /// The cache folder of `dataset`, e.g. `~/.cache/recombine/datasets/mnist`.
    public func cacheDirectory(for dataset: BuiltinImageDataset) -> String {
        (cache as NSString).appendingPathComponent(dataset.dataFolder)
    }
}

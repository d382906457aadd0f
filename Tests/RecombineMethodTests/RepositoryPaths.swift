import Foundation

/// Paths inside the repository checkout the tests run from.
enum RepositoryPaths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var schema: String { root.appendingPathComponent("Schema").path }
    static var configurations: URL { root.appendingPathComponent("Configurations") }
    static var scripts: URL { root.appendingPathComponent("Scripts") }
    /// `../shared` beside the checkout (reference configs, datasets), when present.
    static var shared: URL { root.deletingLastPathComponent().appendingPathComponent("shared") }

    /// The JSON method files shipped or referenced: `Configurations/*.json` and `../shared/reference-configs/*.json`.
    static func methodFiles() -> [URL] {
        let fm = FileManager.default
        var files: [URL] = []
        for dir in [configurations, shared.appendingPathComponent("reference-configs")] {
            let names = (try? fm.contentsOfDirectory(atPath: dir.path)) ?? []
            files += names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
        }
        return files
    }

}

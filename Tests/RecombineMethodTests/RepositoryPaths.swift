import Foundation

/// Paths inside the repository checkout the tests run from.
enum RepositoryPaths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
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

    /// Runs a command and returns its standard output (nil when it cannot run or fails).
    static func run(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(data: data, encoding: .utf8) : nil
    }
}

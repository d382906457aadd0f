import Foundation

/// The git revision of the source tree this binary was built from, for provenance: asked of git in
/// the checkout that compiled this file (with "+modified" when it has uncommitted changes), or
/// "unknown" when that checkout or git is not available (e.g. a copied binary).
enum SourceRevision {
    static let current: String = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory),
              let revision = git(["-C", directory, "rev-parse", "HEAD"]), !revision.isEmpty else { return "unknown" }
        let dirty = git(["-C", directory, "status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return revision + (dirty ? "+modified" : "")
    }()

    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

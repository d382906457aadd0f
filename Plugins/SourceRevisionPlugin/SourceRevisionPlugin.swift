import Foundation
import PackagePlugin

/// Records the git revision the sources are compiled from (with "+modified" when the checkout has
/// uncommitted changes to tracked files, "unknown" without git or a checkout) as the constant
/// `buildSourceRevision` of the target, so a binary's provenance names the code it was built from rather
/// than whatever the checkout holds when it runs.
///
/// A build command, not a prebuild command: SwiftPM runs prebuild commands only when it re-plans the
/// package (after `Package.swift` changes), so a prebuild command kept the revision of the last re-plan
/// (swiftlang/swift-package-manager#5476). This command reruns whenever a source file of the package, the
/// schema, `Package.swift` or git's record of HEAD changes; the file is rewritten only when the revision
/// changes, so an unchanged revision recompiles nothing.
@main
struct SourceRevisionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated/BuildSourceRevision.swift")
        let script = #"""
            set -u
            package="$1"; out="$2"
            mkdir -p "$(dirname "$out")"
            revision=$(git -C "$package" rev-parse HEAD 2>/dev/null) || revision=unknown
            if [ "$revision" != unknown ] && [ -n "$(git -C "$package" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
              revision="$revision+modified"
            fi
            printf '// Generated at build time by SourceRevisionPlugin; do not edit.\nlet buildSourceRevision = "%s"\n' "$revision" > "$out.next"
            if cmp -s "$out.next" "$out"; then rm "$out.next"; else mv "$out.next" "$out"; fi
            """#
        return [
            .buildCommand(
                displayName: "Recording the source revision of \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", package.path, output.path],
                inputFiles: Self.watchedFiles(context.package),
                outputFiles: [output])
        ]
    }

    /// Every file whose change can change the revision or its "+modified": the sources of every target,
    /// the manifest, the plugins, the schema, and git's HEAD, index, reflog and current branch.
    static func watchedFiles(_ package: Package) -> [URL] {
        let root = package.directoryURL
        var files = package.targets.flatMap { target in (target.sourceModule?.sourceFiles).map { $0.map(\.url) } ?? [] }
        files.append(root.appendingPathComponent("Package.swift"))
        files += filesBelow(root.appendingPathComponent("Plugins")) + filesBelow(root.appendingPathComponent("Schema"))
        let git = root.appendingPathComponent(".git")
        var candidates = [
            git, git.appendingPathComponent("HEAD"), git.appendingPathComponent("index"),
            git.appendingPathComponent("logs/HEAD"), git.appendingPathComponent("packed-refs"),
        ]
        if let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8),
            head.hasPrefix("ref: ")
        {
            let branch = head.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)
            candidates.append(git.appendingPathComponent(branch))
        }
        var isDirectory: ObjCBool = false
        for file in candidates
        where FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) && !isDirectory.boolValue {
            files.append(file)
        }
        return files
    }

    /// The regular files below a directory (none when it does not exist).
    static func filesBelow(_ directory: URL) -> [URL] {
        guard
            let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        return walker.compactMap { $0 as? URL }.filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }
}

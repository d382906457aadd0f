import Foundation
import PackagePlugin

/// Records, at every build, the git revision the sources are compiled from (with "+modified" when the
/// checkout has uncommitted changes to tracked files, "unknown" without git or a checkout) as the
/// constant `buildSourceRevision` of the target, so a binary's provenance names the code it was built
/// from rather than whatever the checkout holds when it runs. The file is rewritten only when the
/// revision changes, so an unchanged checkout recompiles nothing.
@main
struct SourceRevisionPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let script = #"""
            set -u
            package="$1"; out="$2"
            mkdir -p "$out"
            revision=$(git -C "$package" rev-parse HEAD 2>/dev/null) || revision=unknown
            if [ "$revision" != unknown ] && [ -n "$(git -C "$package" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
              revision="$revision+modified"
            fi
            printf '// Generated at build time by SourceRevisionPlugin; do not edit.\nlet buildSourceRevision = "%s"\n' "$revision" > "$out/.next"
            if cmp -s "$out/.next" "$out/BuildSourceRevision.swift"; then rm "$out/.next"; else mv "$out/.next" "$out/BuildSourceRevision.swift"; fi
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the source revision of \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}

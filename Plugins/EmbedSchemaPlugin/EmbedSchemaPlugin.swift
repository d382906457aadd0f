import Foundation
import PackagePlugin

/// Generates `EmbeddedSchema.swift` (the ontology's JSON Schema files as string constants) from
/// `Schema/**/*.json`, so the single `recombine` binary is self-contained and the repository keeps the
/// schema in one place. A build command whose inputs are the schema files and folders, so it reruns when
/// one changes or one is added (a prebuild command runs only when SwiftPM re-plans the package, after
/// `Package.swift` changes: swiftlang/swift-package-manager#5476). The file is rewritten only when its
/// text changes, so an unchanged schema recompiles nothing. A shell script, not a Swift tool: a tool
/// would be built with the package's flags, and the fuzzing build's `-sanitize=fuzzer
/// -parse-as-library` break it.
@main
struct EmbedSchemaPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schema = context.package.directoryURL.appendingPathComponent("Schema")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated/EmbeddedSchema.swift")
        let script = ######"""
            set -eu
            schema="$1"; out="$2"
            mkdir -p "$(dirname "$out")"
            next="$out.next"
            {
              printf '// Generated at build time by EmbedSchemaPlugin from Schema/; not kept in the repository.\n\n'
              printf '/// The ontology'"'"'s JSON Schema files, by path relative to `Schema/`.\n'
              printf 'enum EmbeddedSchema {\n    static let files: [String: String] = [\n'
              (cd "$schema" && find . -name '*.json' | LC_ALL=C sort) | while read -r file; do
                relative=${file#./}
                # Each file becomes a raw string literal closed by """#####: no schema text may contain "#####.
                if grep -q '"#####' "$schema/$relative"; then echo "EmbedSchemaPlugin: $relative contains \"#####" >&2; exit 1; fi
                printf '        "%s": #####"""\n' "$relative"
                cat "$schema/$relative"
                printf '\n"""#####,\n'
              done
              printf '    ]\n}\n'
            } > "$next"
            grep -q '"method.json":' "$next" || { echo "EmbedSchemaPlugin: $schema has no method.json" >&2; exit 1; }
            if cmp -s "$next" "$out"; then rm "$next"; else mv "$next" "$out"; fi
            """######
        return [
            .buildCommand(
                displayName: "Embedding the JSON Schema files into \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", schema.path, output.path],
                inputFiles: Self.schemaFilesAndFolders(schema),
                outputFiles: [output])
        ]
    }

    /// The schema folder, its subfolders (whose listings change when a file is added) and its files.
    static func schemaFilesAndFolders(_ schema: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: schema, includingPropertiesForKeys: nil) else {
            return []
        }
        return [schema] + walker.compactMap { $0 as? URL }
    }
}

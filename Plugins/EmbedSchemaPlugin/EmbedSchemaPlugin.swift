import Foundation
import PackagePlugin

/// Generates `EmbeddedSchema.swift` (the ontology's JSON Schema files as string constants) from
/// `Schema/**/*.json` before every build, so the single `recombine` binary is self-contained and the
/// repository keeps the schema in one place. The file is rewritten only when a schema file changed,
/// so an unchanged schema recompiles nothing. A shell script, not a Swift tool: a tool would be built
/// with the package's flags, and the fuzzing build's `-sanitize=fuzzer -parse-as-library` break it.
@main
struct EmbedSchemaPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let script = ######"""
            set -eu
            schema="$1"; out="$2"
            mkdir -p "$out"
            next="$out/.next"
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
            if cmp -s "$next" "$out/EmbeddedSchema.swift"; then rm "$next"; else mv "$next" "$out/EmbeddedSchema.swift"; fi
            """######
        return [
            .prebuildCommand(
                displayName: "Embedding the JSON Schema files into \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    "-c", script, "sh", context.package.directoryURL.appendingPathComponent("Schema").path, output.path,
                ],
                outputFilesDirectory: output)
        ]
    }
}

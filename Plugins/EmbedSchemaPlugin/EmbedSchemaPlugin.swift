import Foundation
import PackagePlugin

/// Generates `EmbeddedSchema.swift` (the ontology's JSON Schema files as string constants) from
/// `Schema/**/*.json` at build time, so the single `recombine` binary is self-contained and the
/// repository keeps the schema in one place. It reruns whenever a schema file changes.
@main
struct EmbedSchemaPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schema = context.package.directoryURL.appendingPathComponent("Schema")
        var inputs: [URL] = []
        let enumerator = FileManager.default.enumerator(at: schema, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "json" { inputs.append(url) }
        }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedSchema.swift")
        return [.buildCommand(displayName: "Embedding the JSON Schema files into \(target.name)",
                              executable: try context.tool(named: "EmbedSchemaTool").url,
                              arguments: [schema.path, output.path],
                              inputFiles: inputs.sorted { $0.path < $1.path },
                              outputFiles: [output])]
    }
}

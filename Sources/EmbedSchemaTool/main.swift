import Foundation

// Writes a Swift file holding the ontology's JSON Schema files, so the `recombine` binary validates
// method files from any working directory. Run by EmbedSchemaPlugin at build time:
//   EmbedSchemaTool SCHEMA_DIR OUTPUT.swift
let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: EmbedSchemaTool SCHEMA_DIR OUTPUT.swift\n".utf8))
    exit(2)
}
let schemaDirectory = URL(fileURLWithPath: arguments[1]).standardizedFileURL
let output = URL(fileURLWithPath: arguments[2])

/// A raw string literal that the text cannot close early.
func rawLiteral(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

var files: [(path: String, text: String)] = []
let enumerator = FileManager.default.enumerator(at: schemaDirectory, includingPropertiesForKeys: nil)
while let url = enumerator?.nextObject() as? URL {
    guard url.pathExtension == "json" else { continue }
    let relative = String(url.standardizedFileURL.path.dropFirst(schemaDirectory.path.count + 1))
    do {
        var text = try String(contentsOf: url, encoding: .utf8)
        while text.hasSuffix("\n") { text.removeLast() }
        files.append((relative, text))
    } catch {
        FileHandle.standardError.write(Data("EmbedSchemaTool: cannot read \(url.path): \(error)\n".utf8))
        exit(1)
    }
}
guard files.contains(where: { $0.path == "method.json" }) else {
    FileHandle.standardError.write(Data("EmbedSchemaTool: \(schemaDirectory.path) has no method.json\n".utf8))
    exit(1)
}
files.sort { $0.path < $1.path }
let entries = files.map { "        \"\($0.path)\": \(rawLiteral($0.text))," }.joined(separator: "\n")
let swift = """
    // Generated at build time by EmbedSchemaPlugin from Schema/; not kept in the repository.

    /// The ontology's JSON Schema files, by path relative to `Schema/`.
    enum EmbeddedSchema {
        static let files: [String: String] = [
    \(entries)
        ]
    }

    """
do {
    try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
    // Rewritten only when it changes, so an unchanged schema recompiles nothing.
    if (try? String(contentsOf: output, encoding: .utf8)) != swift { try swift.write(to: output, atomically: true, encoding: .utf8) }
} catch {
    FileHandle.standardError.write(Data("EmbedSchemaTool: cannot write \(output.path): \(error)\n".utf8))
    exit(1)
}

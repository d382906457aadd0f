import ArgumentParser
import Foundation
import RecombineMethod

/// `recombine patterns [NAME]`: the ontology's design patterns, straight from the schema files.
struct Patterns: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the design patterns, or show one pattern's parameters, defaults and loss.")

    @Argument(help: "A pattern id (or a unique part of one).")
    var name: String?

    func run() throws {
        let store = try loadSchemaStore()
        let files = store.paths.filter { $0.hasPrefix("design_patterns/") }
        let patterns: [(id: String, file: String, schema: JSONValue)] = files.compactMap { file in
            guard let schema = store.schema(at: file) else { return nil }
            let id =
                PatternCatalogue.ids(of: schema).first ?? String(file.dropFirst("design_patterns/".count).dropLast(5))
            return (id, file, schema)
        }.sorted { $0.id < $1.id }
        guard let name else {
            for p in patterns {
                print(p.id)
                if let title = p.schema["title"]?.string { print("    \(title)") }
            }
            print("\n\(patterns.count) design patterns. `recombine patterns NAME` shows one in detail.")
            return
        }
        let matches =
            patterns.filter { $0.id == name }.isEmpty
            ? patterns.filter { $0.id.contains(name) } : patterns.filter { $0.id == name }
        guard matches.count == 1, let p = matches.first else {
            let hint = Suggestions.closest(to: name, among: patterns.map(\.id)).map { " Did you mean '\($0)'?" } ?? ""
            printError(
                matches.isEmpty
                    ? "no design pattern '\(name)'.\(hint)"
                    : "'\(name)' matches \(matches.count) patterns: \(matches.map(\.id).joined(separator: ", "))")
            throw ExitStatus.failure
        }
        print(PatternCatalogue.describe(schema: p.schema, file: p.file, store: store))
    }
}

/// Text descriptions of schema objects for the `patterns` command.
enum PatternCatalogue {
    /// The pattern ids a pattern schema accepts (its `pattern` const or enum).
    static func ids(of schema: JSONValue) -> [String] {
        guard let property = schema["properties"]?["pattern"] else { return [] }
        if let c = property["const"]?.string { return [c] }
        return property["enum"]?.array?.compactMap(\.string) ?? []
    }

    static func describe(schema: JSONValue, file: String, store: SchemaStore) -> String {
        var lines: [String] = []
        lines.append(ids(of: schema).joined(separator: " / "))
        if let title = schema["title"]?.string { lines.append(title) }
        if let description = schema["description"]?.string {
            lines.append(""); lines.append(wrap(description, indent: ""))
        }
        lines.append("")
        lines.append("Parameters:")
        let required = Set(schema["required"]?.array?.compactMap(\.string) ?? [])
        for member in schema["properties"]?.object?.members ?? [] where member.key != "pattern" {
            let (_, property) = store.dereference(member.value, in: file)
            var facts: [String] = []
            if let type = property["type"] {
                facts.append(type.string ?? type.array?.compactMap(\.string).joined(separator: "|") ?? "")
            }
            if let options = property["enum"]?.array {
                facts.append("one of " + options.map { $0.compactText() }.joined(separator: ", "))
            }
            if let d = property["default"] ?? member.value["default"] { facts.append("default \(d.compactText())") }
            if required.contains(member.key) { facts.append("required") }
            lines.append("  \(member.key)  (\(facts.joined(separator: "; ")))")
            if let text = member.value["description"]?.string ?? property["description"]?.string {
                lines.append(wrap(text, indent: "      "))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var lines: [String] = [], current = indent
        for word in text.split(separator: " ") {
            if current.count + word.count + 1 > width && current.count > indent.count {
                lines.append(current); current = indent
            }
            current += (current.count > indent.count ? " " : "") + word
        }
        if current.count > indent.count { lines.append(current) }
        return lines.joined(separator: "\n")
    }
}

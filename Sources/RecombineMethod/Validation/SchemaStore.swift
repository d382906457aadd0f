import Foundation

/// Errors loading the schema files themselves.
public struct SchemaStoreError: Error, CustomStringConvertible {
    public let description: String
}

/// A schema node: a JSON value inside one schema file, which its relative `$ref`s resolve against.
struct SchemaNode {
    let file: String
    let value: JSONValue
}

/// The schema files of the ontology, by path relative to `Schema/` (e.g. `design_patterns/x.json`).
public final class SchemaStore: @unchecked Sendable {
    let documents: [String: JSONValue]
    /// Resolved `$ref`s by referring file and reference text; validation follows the same few
    /// references thousands of times per method file.
    private var resolved: [String: SchemaNode?] = [:]
    private let resolvedLock = NSLock()

    /// Schemas from in-memory texts, keyed by relative path.
    public init(texts: [String: String]) throws {
        var documents: [String: JSONValue] = [:]
        for (path, text) in texts {
            do { documents[path] = try JSONParser.parse(text: text, file: "Schema/" + path).root } catch {
                throw SchemaStoreError(description: "schema file \(path) is not valid JSON: \(error)")
            }
        }
        self.documents = documents
    }

    /// Schemas read from a directory laid out like `Schema/`.
    public convenience init(directory: String) throws {
        var texts: [String: String] = [:]
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw SchemaStoreError(description: "cannot read schema directory \(directory)")
        }
        for case let url as URL in enumerator where url.pathExtension == "json" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            texts[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        try self.init(texts: texts)
    }

    /// Every schema file path.
    public var paths: [String] { documents.keys.sorted() }

    /// The JSON of a schema file.
    public func schema(at path: String) -> JSONValue? { documents[path] }

    /// Follows `$ref`s from `value` (found in `file`) to the schema they name.
    public func dereference(_ value: JSONValue, in file: String) -> (file: String, value: JSONValue) {
        var current = SchemaNode(file: file, value: value)
        for _ in 0..<16 {
            guard let reference = current.value["$ref"]?.string, let next = resolve(reference, from: current.file)
            else { break }
            current = next
        }
        return (current.file, current.value)
    }

    /// The root schema of a file.
    func node(_ path: String) -> SchemaNode? { documents[path].map { SchemaNode(file: path, value: $0) } }

    /// Resolves a `$ref` (a relative URI reference with an optional JSON-pointer fragment) from `file`.
    func resolve(_ reference: String, from file: String) -> SchemaNode? {
        let key = file + "\u{0}" + reference
        resolvedLock.lock()
        if let cached = resolved[key] { resolvedLock.unlock(); return cached }
        resolvedLock.unlock()
        let node = resolveUncached(reference, from: file)
        resolvedLock.lock()
        resolved[key] = .some(node)
        resolvedLock.unlock()
        return node
    }

    private func resolveUncached(_ reference: String, from file: String) -> SchemaNode? {
        let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let pathPart = String(parts[0]), fragment = parts.count > 1 ? String(parts[1]) : ""
        let target = pathPart.isEmpty ? file : SchemaStore.join(file, pathPart)
        guard let root = documents[target] else { return nil }
        guard let pointer = JSONPointer(parsing: fragment.removingPercentEncoding ?? fragment),
            let value = pointer.resolve(in: root)
        else { return nil }
        return SchemaNode(file: target, value: value)
    }

    /// `relative` resolved against the directory of `base` ("design_patterns/a.json" + "../b.json" = "b.json").
    static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") { return String(relative.dropFirst()) }
        var components = base.split(separator: "/").map(String.init).dropLast()
        for piece in relative.split(separator: "/").map(String.init) {
            switch piece {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(piece)
            }
        }
        return components.joined(separator: "/")
    }
}

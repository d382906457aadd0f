import Foundation

/// A method file's JSON edited by JSON pointer (RFC 6901): a test changes one setting without string
/// surgery, and an edit whose target is not there fails instead of silently changing nothing.
public struct MethodDocument {
    public struct EditError: Error, CustomStringConvertible {
        public let description: String
    }

    public private(set) var root: Any

    public init(_ text: String) throws {
        root = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    /// The method as JSON text (keys sorted, so equal documents give equal text).
    public var text: String {
        let data = try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    /// `self` with the value at `pointer` set to `value` (a JSON value: String, Int, Double, Bool, arrays,
    /// dictionaries). The parent must exist; an object member is added or replaced, an array element
    /// replaced (or appended with the index `-`).
    public func setting(_ pointer: String, _ value: Any) throws -> MethodDocument {
        var copy = self
        copy.root = try Self.edit(root, tokens: try Self.tokens(pointer), pointer: pointer) { _ in value }
        return copy
    }

    /// `self` without the object member or array element at `pointer`, which must exist.
    public func removing(_ pointer: String) throws -> MethodDocument {
        var copy = self
        copy.root = try Self.edit(root, tokens: try Self.tokens(pointer), pointer: pointer) { old in
            guard old != nil else { throw EditError(description: "\(pointer): nothing to remove") }
            return nil
        }
        return copy
    }

    static func tokens(_ pointer: String) throws -> [String] {
        guard pointer.hasPrefix("/") else { throw EditError(description: "\(pointer): a JSON pointer starts with /") }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// `node` with the value at `tokens` replaced by `change(old)` (nil removes it).
    static func edit(_ node: Any, tokens: [String], pointer: String, _ change: (Any?) throws -> Any?) throws -> Any {
        guard let first = tokens.first else { throw EditError(description: "\(pointer): cannot replace the root") }
        let rest = Array(tokens.dropFirst())
        if var object = node as? [String: Any] {
            if rest.isEmpty {
                object[first] = try change(object[first])
            } else {
                guard let child = object[first] else {
                    throw EditError(description: "\(pointer): no member '\(first)'")
                }
                object[first] = try edit(child, tokens: rest, pointer: pointer, change)
            }
            return object
        }
        if var array = node as? [Any] {
            if rest.isEmpty, first == "-" {
                guard let value = try change(nil) else { throw EditError(description: "\(pointer): nothing to remove") }
                array.append(value)
                return array
            }
            guard let index = Int(first), array.indices.contains(index) else {
                throw EditError(description: "\(pointer): no element \(first) in an array of \(array.count)")
            }
            if rest.isEmpty {
                if let value = try change(array[index]) { array[index] = value } else { array.remove(at: index) }
            } else {
                array[index] = try edit(array[index], tokens: rest, pointer: pointer, change)
            }
            return array
        }
        throw EditError(description: "\(pointer): '\(first)' is inside a value that is neither an object nor an array")
    }
}

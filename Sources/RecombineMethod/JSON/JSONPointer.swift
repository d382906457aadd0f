import Foundation

/// An RFC 6901 JSON pointer such as `/phases/1/design_patterns/0/temperature_parameter`.
public struct JSONPointer: Hashable, Comparable, CustomStringConvertible, Sendable {
    /// Unescaped reference tokens.
    public private(set) var tokens: [String]

    public init(_ tokens: [String] = []) { self.tokens = tokens }

    /// Parses pointer text ("" is the whole document).
    public init?(parsing text: String) {
        if text.isEmpty { self.init(); return }
        guard text.hasPrefix("/") else { return nil }
        self.init(
            text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            })
    }

    /// This pointer extended by an object key.
    public func appending(_ key: String) -> JSONPointer { JSONPointer(tokens + [key]) }
    /// This pointer extended by an array index.
    public func appending(_ index: Int) -> JSONPointer { JSONPointer(tokens + [String(index)]) }

    public var parent: JSONPointer? { tokens.isEmpty ? nil : JSONPointer(Array(tokens.dropLast())) }
    public var last: String? { tokens.last }

    public var description: String {
        tokens.isEmpty
            ? "/"
            : tokens.map {
                "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            }.joined()
    }

    public static func < (a: JSONPointer, b: JSONPointer) -> Bool { a.description < b.description }

    /// The value this pointer designates inside `root`.
    public func resolve(in root: JSONValue) -> JSONValue? {
        var node = root
        for token in tokens {
            switch node {
            case .object(let o): guard let next = o[token] else { return nil }; node = next
            case .array(let a): guard let i = Int(token), i >= 0, i < a.count else { return nil }; node = a[i]
            default: return nil
            }
        }
        return node
    }
}

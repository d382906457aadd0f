import Foundation

/// A parsed JSON value. Objects keep their members in file order.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The numeric value of an `int` or `double`.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value as an integer when it is one (JSON Schema counts 3.0 as an integer).
    public var integer: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d) where d.rounded() == d && Swift.abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var object: JSONObject? { if case .object(let o) = self { return o }; return nil }

    /// Member `key` of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? { object?[key] }

    /// The JSON Schema type name of this value ("integer" for integral numbers).
    public var schemaTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return integer != nil ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Compact JSON text of this value (for messages), shortened past `limit` characters.
    public func compactText(limit: Int = 60) -> String {
        let text = serialized()
        return text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// JSON text; `indent` nil gives one line.
    public func serialized(indent: Int? = nil, level: Int = 0) -> String {
        let pad = indent.map { String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closePad = indent.map { String(repeating: " ", count: $0 * level) } ?? ""
        let newline = indent == nil ? "" : "\n"
        let separator = indent == nil ? ", " : ",\n"
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.rounded() == d && Swift.abs(d) < 1e15 { return String(format: "%.1f", d) }
            return "\(d)"
        case .string(let s): return JSONValue.quoted(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[" + newline
                + items.map { pad + $0.serialized(indent: indent, level: level + 1) }
                .joined(separator: separator) + newline + closePad + "]"
        case .object(let object):
            if object.isEmpty { return "{}" }
            return "{" + newline
                + object.members.map {
                    pad + JSONValue.quoted($0.key) + ": " + $0.value.serialized(indent: indent, level: level + 1)
                }
                .joined(separator: separator) + newline + closePad + "}"
        }
    }

    /// A JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Structural equality as JSON Schema defines it (1 == 1.0).
    public func schemaEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (let a, let b) where a.number != nil && b.number != nil: return a.number == b.number
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.schemaEquals($1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && a.members.allSatisfy { m in b[m.key].map { m.value.schemaEquals($0) } ?? false }
        default: return self == other
        }
    }
}

/// A JSON object: members in file order with lookup by key.
public struct JSONObject: Equatable, Sendable {
    public private(set) var members: [(key: String, value: JSONValue)] = []
    private var index: [String: Int] = [:]

    public init() {}

    public init(_ members: [(String, JSONValue)]) {
        for (k, v) in members { self[k] = v }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Gets or sets a member; setting keeps the position of an existing key, appends a new one, and
    /// removes the key when set to nil.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { members[$0].value } }
        set {
            if let i = index[key] {
                if let newValue {
                    members[i].value = newValue
                } else {
                    members.remove(at: i)
                    index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.key, $0) })
                }
            } else if let newValue {
                index[key] = members.count
                members.append((key, newValue))
            }
        }
    }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

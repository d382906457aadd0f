/// A 1-based line and column in a source file (columns count Unicode scalars).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "\(line):\(column)" }

    /// The position of UTF-8 byte `offset` in `bytes`.
    static func of(offset: Int, in bytes: [UInt8]) -> SourcePosition {
        var line = 1, column = 1, i = 0
        let end = Swift.min(offset, bytes.count)
        while i < end {
            if bytes[i] == UInt8(ascii: "\n") { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourcePosition(line: line, column: column)
    }
}

/// Where every value (and every object key) of a JSON text starts, by JSON pointer, plus keys that
/// occur twice in one object. Built by a light scan of text that json-c and `JSONSyntaxDiagnosis` have
/// already accepted as RFC 8259 JSON.
struct SourceMap {
    var values: [JSONPointer: SourcePosition] = [:]
    var keys: [JSONPointer: SourcePosition] = [:]
    var duplicateKeys: [(JSONPointer, SourcePosition)] = []

    init(bytes: [UInt8]) {
        var scanner = Scanner(bytes: bytes)
        scanner.value(at: JSONPointer(), into: &self)
    }

    /// The best position for a pointer: the key for an object member, else the value, else the
    /// nearest ancestor.
    func position(of pointer: JSONPointer, preferKey: Bool = false) -> SourcePosition {
        var p: JSONPointer? = pointer
        while let current = p {
            if preferKey, let k = keys[current] { return k }
            if let v = values[current] { return v }
            p = current.parent
        }
        return SourcePosition(line: 1, column: 1)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0, line = 1, lineStart = 0
        init(bytes: [UInt8]) { self.bytes = bytes }

        var position: SourcePosition {
            var column = 1
            for j in lineStart..<Swift.min(i, bytes.count) where bytes[j] & 0xC0 != 0x80 { column += 1 }
            return SourcePosition(line: line, column: column)
        }

        mutating func skipWhitespace() {
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\n"): line += 1; i += 1; lineStart = i
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): i += 1
                default: return
                }
            }
        }

        mutating func string() -> String {
            i += 1  // opening quote
            var raw: [UInt8] = []
            while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") { raw.append(bytes[i]); i += 1 }
                if i < bytes.count { raw.append(bytes[i]); i += 1 }
            }
            i += 1
            let text = String(decoding: raw, as: UTF8.self)
            guard text.contains("\\") else { return text }
            // Unescape through json-c's own rules by reparsing the literal.
            return JSONParser.unescape(text) ?? text
        }

        mutating func value(at pointer: JSONPointer, into map: inout SourceMap) {
            skipWhitespace()
            guard i < bytes.count else { return }
            map.values[pointer] = position
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var seen = Set<String>()
                while true {
                    skipWhitespace()
                    guard i < bytes.count else { return }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    let keyPosition = position
                    let key = string()
                    let member = pointer.appending(key)
                    if !seen.insert(key).inserted { map.duplicateKeys.append((member, keyPosition)) }
                    map.keys[member] = keyPosition
                    skipWhitespace()
                    if i < bytes.count && bytes[i] == UInt8(ascii: ":") { i += 1 }
                    value(at: member, into: &map)
                }
            case UInt8(ascii: "["):
                i += 1
                var index = 0
                while true {
                    skipWhitespace()
                    guard i < bytes.count else { return }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    let start = i
                    value(at: pointer.appending(index), into: &map)
                    // Only accepted texts are scanned, but a stray '}' must not hold the scan in place.
                    if i == start { i += 1 }
                    index += 1
                }
            case UInt8(ascii: "\""):
                _ = string()
            default:
                while i < bytes.count, !",]} \t\r\n".utf8.contains(bytes[i]) { i += 1 }
            }
        }
    }
}

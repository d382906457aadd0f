/// The first place where a text breaks RFC 8259, said the way a person fixes it: the byte offset, the JSON
/// pointer of the value it is in, what was expected there and what was found (with the usual causes named:
/// Python's True/None, single quotes, unquoted words, trailing commas, comments, unescaped backslashes).
///
/// json-c parses; this scan explains a text json-c refused, because json-c's own descriptions ("boolean
/// expected" for `tanh`, "invalid string sequence" for `C:\data`) name neither the value nor the fix, and
/// finds what json-c lets through even in strict mode but RFC 8259 does not (tabs and line breaks inside strings,
/// `1.`, single quotes, NaN and Infinity — a NaN learning rate passed every range check — and numbers beyond a
/// double's range).
struct JSONSyntaxDiagnosis: Error {
    let offset: Int
    let pointer: JSONPointer
    let message: String

    /// The first violation in `bytes`, or nil when the scan finds none.
    static func first(in bytes: [UInt8]) -> JSONSyntaxDiagnosis? {
        var checker = Checker(bytes: bytes)
        do {
            try checker.document()
            return nil
        } catch {
            return error as? JSONSyntaxDiagnosis
        }
    }

    /// json-c's default nesting limit (JSON_TOKENER_DEFAULT_DEPTH), which also bounds this scan's recursion.
    static let maximumDepth = 32

    private struct Checker {
        let bytes: [UInt8]
        var i = 0
        init(bytes: [UInt8]) { self.bytes = bytes }

        private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func document() throws {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            try value(at: JSONPointer(), depth: 0)
            skipWhitespace()
            if current != nil {
                throw problem(
                    JSONPointer(), "expected the end of the document after its top-level value, found \(found())")
            }
        }

        private mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { i += 1 }
        }

        private func problem(_ pointer: JSONPointer, _ message: String, at offset: Int? = nil) -> JSONSyntaxDiagnosis {
            JSONSyntaxDiagnosis(offset: offset ?? i, pointer: pointer, message: message)
        }

        /// What stands at the current offset, for "found …".
        private func found() -> String {
            guard let byte = current else { return "the end of the file" }
            if byte == UInt8(ascii: "/"), i + 1 < bytes.count,
                bytes[i + 1] == UInt8(ascii: "/") || bytes[i + 1] == UInt8(ascii: "*")
            {
                return "a comment (JSON has none; remove it)"
            }
            let word = self.word(at: i)
            if !word.isEmpty { return "'\(String(decoding: word, as: UTF8.self))'" }
            if byte < 0x20 {
                return "the control character U+\(String(byte, radix: 16, uppercase: true).leftPadded(to: 4))"
            }
            var end = i + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[i..<end], as: UTF8.self))'"
        }

        /// The run of letters, digits, '_', '.', '+' and '-' starting at `offset` when it starts with a letter.
        private func word(at offset: Int) -> ArraySlice<UInt8> {
            guard offset < bytes.count, Self.isLetter(bytes[offset]) else { return [] }
            var end = offset
            while end < bytes.count,
                Self.isLetter(bytes[end]) || Self.isDigit(bytes[end]) || "_.+-".utf8.contains(bytes[end])
            {
                end += 1
            }
            return bytes[offset..<end]
        }

        private static func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || byte == UInt8(ascii: "_")
        }
        private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        private mutating func value(at pointer: JSONPointer, depth: Int) throws {
            skipWhitespace()
            guard let byte = current else {
                throw problem(pointer, "unexpected end of file: expected a value")
            }
            switch byte {
            case UInt8(ascii: "{"): try object(at: pointer, depth: depth + 1)
            case UInt8(ascii: "["): try array(at: pointer, depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string(at: pointer)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number(at: pointer)
            case UInt8(ascii: "'"):
                throw problem(pointer, "strings must be in double quotes, found a single quote")
            case UInt8(ascii: "+"):
                throw problem(pointer, "a JSON number has no leading '+'")
            case UInt8(ascii: "."):
                throw problem(pointer, "a JSON number needs a digit before its point (0.5, not .5)")
            default:
                let word = String(decoding: self.word(at: i), as: UTF8.self)
                switch word {
                case "true", "false", "null": i += word.utf8.count
                case "True", "False", "None":
                    let json = ["True": "true", "False": "false", "None": "null"][word]!
                    throw problem(pointer, "found \(word), which is Python; JSON writes \(json)")
                case "NaN", "Infinity", "nan", "inf":
                    throw problem(pointer, "found \(word): JSON has no NaN or Infinity; write a finite number")
                case "":
                    throw problem(
                        pointer,
                        "expected a value (an object, array, string in double quotes, number, true, false or null), found \(found())"
                    )
                default:
                    throw problem(
                        pointer, "found the bare word \(word): a string must be in double quotes (\"\(word)\")")
                }
            }
        }

        private mutating func object(at pointer: JSONPointer, depth: Int) throws {
            let (start, isEmpty) = try enter(closing: "}", at: pointer, depth: depth)
            if isEmpty { return }
            while true {
                skipWhitespace()
                guard let byte = current else { throw unclosed("object", at: pointer, start: start, expected: "a key") }
                let key: String
                switch byte {
                case UInt8(ascii: "\""): key = try string(at: pointer)
                case UInt8(ascii: "}"):
                    throw trailingComma(before: "}", in: pointer)
                case UInt8(ascii: "'"):
                    throw problem(pointer, "object keys must be in double quotes, found a single quote")
                default:
                    let word = self.word(at: i)
                    if !word.isEmpty {
                        let text = String(decoding: word, as: UTF8.self)
                        throw problem(pointer, "object keys must be in double quotes: write \"\(text)\", found \(text)")
                    }
                    throw problem(pointer, "expected a key in double quotes, found \(found())")
                }
                let member = pointer.appending(key)
                skipWhitespace()
                guard current == UInt8(ascii: ":") else {
                    if current == nil { throw unclosed("object", at: pointer, start: start, expected: "':'") }
                    throw problem(member, "expected ':' after the key \"\(key)\", found \(found())")
                }
                i += 1
                try value(at: member, depth: depth)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ",")?: i += 1
                case UInt8(ascii: "}")?: i += 1; return
                case nil: throw unclosed("object", at: pointer, start: start, expected: "',' or '}'")
                case UInt8(ascii: "\"")?:
                    throw problem(
                        member, "expected ',' or '}' after the value of \"\(key)\", found '\"' (a missing comma?)")
                default: throw problem(member, "expected ',' or '}' after the value of \"\(key)\", found \(found())")
                }
            }
        }

        private mutating func array(at pointer: JSONPointer, depth: Int) throws {
            let (start, isEmpty) = try enter(closing: "]", at: pointer, depth: depth)
            if isEmpty { return }
            var index = 0
            while true {
                skipWhitespace()
                switch current {
                case nil: throw unclosed("array", at: pointer, start: start, expected: "a value")
                case UInt8(ascii: "]")?:
                    throw trailingComma(before: "]", in: pointer)
                default: break
                }
                let element = pointer.appending(index)
                try value(at: element, depth: depth)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ",")?: i += 1; index += 1
                case UInt8(ascii: "]")?: i += 1; return
                case nil: throw unclosed("array", at: pointer, start: start, expected: "',' or ']'")
                default: throw problem(element, "expected ',' or ']' after element \(index), found \(found())")
                }
            }
        }

        /// Steps over the opening bracket of an object or array, within json-c's nesting limit; says where it
        /// opened and whether it closes at once.
        private mutating func enter(closing: Unicode.Scalar, at pointer: JSONPointer, depth: Int) throws -> (
            start: Int, isEmpty: Bool
        ) {
            guard depth <= JSONSyntaxDiagnosis.maximumDepth else {
                throw problem(
                    pointer, "objects and arrays are nested more than \(JSONSyntaxDiagnosis.maximumDepth) levels deep")
            }
            let start = i
            i += 1
            skipWhitespace()
            guard current == UInt8(ascii: closing) else { return (start, false) }
            i += 1
            return (start, true)
        }

        /// A closing bracket right after a comma, reported at the comma.
        private func trailingComma(before closing: Unicode.Scalar, in pointer: JSONPointer) -> JSONSyntaxDiagnosis {
            var comma = i - 1
            while comma > 0, bytes[comma] != UInt8(ascii: ",") { comma -= 1 }
            return problem(
                pointer, "a comma before '\(closing)' is not allowed in JSON (remove the trailing comma)", at: comma)
        }

        private func unclosed(_ kind: String, at pointer: JSONPointer, start: Int, expected: String)
            -> JSONSyntaxDiagnosis
        {
            let opened = SourcePosition.of(offset: start, in: bytes)
            return problem(
                pointer,
                "unexpected end of file: the \(kind) opened at line \(opened.line), column \(opened.column) is not closed (expected \(expected))"
            )
        }

        /// Checks the string literal at the current offset and returns its text.
        private mutating func string(at pointer: JSONPointer) throws -> String {
            let start = i
            i += 1
            var hasEscapes = false
            while true {
                guard let byte = current else {
                    throw problem(pointer, "unexpected end of file: the string opened here is not closed", at: start)
                }
                switch byte {
                case UInt8(ascii: "\""):
                    i += 1
                    let body = String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self)
                    return hasEscapes ? (JSONParser.unescape(body) ?? body) : body
                case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    throw problem(
                        pointer,
                        "the string opened at column \(SourcePosition.of(offset: start, in: bytes).column) runs past the end of its line (close it, or write \\n for a line break)"
                    )
                case 0..<0x20:
                    throw problem(pointer, "a string cannot hold \(found()) as it is; write it escaped (\\t for a tab)")
                case UInt8(ascii: "\\"):
                    hasEscapes = true
                    let next = i + 1 < bytes.count ? bytes[i + 1] : nil
                    switch next {
                    case UInt8(ascii: "u")?:
                        let digits = bytes[Swift.min(i + 2, bytes.count)..<Swift.min(i + 6, bytes.count)]
                        guard digits.count == 4,
                            digits.allSatisfy({
                                Self.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20)
                            })
                        else {
                            throw problem(pointer, "\\u in a string must be followed by four hexadecimal digits")
                        }
                        i += 6
                    case let escaped? where "\"\\/bfnrt".utf8.contains(escaped): i += 2
                    default:
                        let shown = next.map { String(decoding: [UInt8(ascii: "\\"), $0], as: UTF8.self) } ?? "\\"
                        throw problem(
                            pointer,
                            "'\(shown)' is not a JSON escape; a backslash in a string is written \\\\ (as in \"C:\\\\data\"), or use '/' in paths"
                        )
                    }
                default: i += 1
                }
            }
        }

        private mutating func number(at pointer: JSONPointer) throws {
            let start = i
            if current == UInt8(ascii: "-") { i += 1 }
            guard let first = current, Self.isDigit(first) else {
                let word = String(decoding: self.word(at: i), as: UTF8.self)
                if word == "Infinity" || word == "inf" {
                    throw problem(
                        pointer, "found -\(word): JSON has no NaN or Infinity; write a finite number", at: start)
                }
                throw problem(pointer, "expected a digit after '-', found \(found())")
            }
            i += 1
            if first == UInt8(ascii: "0"), let next = current, Self.isDigit(next) {
                throw problem(pointer, "a JSON number has no leading zeros")
            }
            while let byte = current, Self.isDigit(byte) { i += 1 }
            if current == UInt8(ascii: ".") {
                i += 1
                guard let byte = current, Self.isDigit(byte) else {
                    throw problem(pointer, "a JSON number needs a digit after its point (1.0, not 1.)")
                }
                while let byte = current, Self.isDigit(byte) { i += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                i += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
                guard let byte = current, Self.isDigit(byte) else {
                    throw problem(pointer, "a JSON number needs digits after its exponent's 'e'")
                }
                while let byte = current, Self.isDigit(byte) { i += 1 }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if let value = Double(text), value.isInfinite {
                throw problem(
                    pointer, "\(text) is beyond the range of a double (±1.8e308); write a finite number", at: start)
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

import CJSONC
import Foundation
import RecombineData

/// A JSON syntax error with its place in the file.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let position: SourcePosition
    public let message: String
    /// The value or object the error is in, where the text parsed far enough to know it.
    public var pointer = JSONPointer()
    public var description: String { "\(file):\(position): \(message)" }
}

extension JSONSyntaxError {
    init(file: String, diagnosis: JSONSyntaxDiagnosis, in bytes: [UInt8]) {
        self.init(
            file: file, position: SourcePosition.of(offset: diagnosis.offset, in: bytes),
            message: "JSON syntax error: " + diagnosis.message, pointer: diagnosis.pointer)
    }
}

/// A parsed JSON file: its value and where each part of it came from.
public struct JSONDocument: Sendable {
    /// Path (or label) of the file, used in messages.
    public let file: String
    public let root: JSONValue
    let sourceMap: SourceMap

    init(file: String, root: JSONValue, sourceMap: SourceMap) {
        self.file = file; self.root = root; self.sourceMap = sourceMap
    }

    /// The source position of the value at `pointer` (its key for object members when `preferKey`).
    public func position(of pointer: JSONPointer, preferKey: Bool = false) -> SourcePosition {
        sourceMap.position(of: pointer, preferKey: preferKey)
    }

    /// Object keys written twice (json-c keeps the last value); reported as errors by validation.
    public var duplicateKeys: [(pointer: JSONPointer, position: SourcePosition)] {
        sourceMap.duplicateKeys.map { ($0.0, $0.1) }
    }
}

extension SourceMap: @unchecked Sendable {}

/// Parses JSON text with json-c (strict mode) into `JSONValue`s, refusing what RFC 8259 does not allow.
public enum JSONParser {
    /// Parses `text`; `file` names it in errors.
    public static func parse(text: String, file: String) throws -> JSONDocument {
        let bytes = Array(text.utf8)
        guard let tokener = json_tokener_new() else {
            throw JSONSyntaxError(file: file, position: .init(line: 1, column: 1), message: "out of memory")
        }
        defer { json_tokener_free(tokener) }
        json_tokener_set_flags(tokener, Int32(JSON_TOKENER_STRICT))
        // The terminating NUL is passed too, so a document that is a bare number ends there instead of
        // leaving json-c waiting for more digits.
        let terminated = bytes + [0]
        let object: OpaquePointer? = terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: terminated.count) {
                json_tokener_parse_ex(tokener, $0, Int32(terminated.count))
            }
        }
        let error = json_tokener_get_error(tokener)
        let end = json_tokener_get_parse_end(tokener)
        if error != json_tokener_success || object == nil {
            let blank = bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 })
            if !blank, let diagnosis = JSONSyntaxDiagnosis.first(in: bytes) {
                throw JSONSyntaxError(file: file, diagnosis: diagnosis, in: bytes)
            }
            let message: String
            if error == json_tokener_continue || (error == json_tokener_success && object == nil)
                || Int(end) >= bytes.count
            {
                message = blank ? "the file is empty" : "unexpected end of file (an unclosed object, array or string)"
            } else {
                message = "JSON syntax error: " + String(cString: json_tokener_error_desc(error))
            }
            throw JSONSyntaxError(
                file: file, position: SourcePosition.of(offset: Int(end), in: bytes), message: message)
        }
        defer { json_object_put(object) }
        var rest = Int(end)
        while rest < bytes.count, [9, 10, 13, 32].contains(bytes[rest]) { rest += 1 }
        if rest < bytes.count {
            throw JSONSyntaxError(
                file: file, position: SourcePosition.of(offset: rest, in: bytes),
                message: "JSON syntax error: unexpected text after the end of the document")
        }
        // json-c's strict mode still lets through what RFC 8259 (and Python's json) refuse: NaN, Infinity,
        // single quotes, numbers beyond a double's range, line breaks and tabs inside strings, "1.".
        if let diagnosis = JSONSyntaxDiagnosis.first(in: bytes) {
            throw JSONSyntaxError(file: file, diagnosis: diagnosis, in: bytes)
        }
        return JSONDocument(file: file, root: convert(object), sourceMap: SourceMap(bytes: bytes))
    }

    /// Reads and parses the file at `path`.
    public static func parse(contentsOf path: String, label: String? = nil) throws -> JSONDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JSONSyntaxError(
                file: label ?? path, position: .init(line: 1, column: 1), message: FileContents.whyUnreadable(path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            // UTF-16 is what PowerShell's '>' and Notepad's "Unicode" write.
            let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
            throw JSONSyntaxError(
                file: label ?? path, position: .init(line: 1, column: 1),
                message: utf16 ? "the file is UTF-16 text; save it as UTF-8" : "the file is not UTF-8 text")
        }
        return try parse(text: text, file: label ?? path)
    }

    static func convert(_ object: OpaquePointer?) -> JSONValue {
        guard let object else { return .null }
        switch json_object_get_type(object) {
        case json_type_null: return .null
        case json_type_boolean: return .bool(json_object_get_boolean(object) != 0)
        case json_type_int: return .int(json_object_get_int64(object))
        case json_type_double: return .double(json_object_get_double(object))
        case json_type_string:
            let length = Int(json_object_get_string_len(object))
            let pointer = json_object_get_string(object)!
            return .string(
                pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                })
        case json_type_array:
            let n = json_object_array_length(object)
            return .array((0..<n).map { convert(json_object_array_get_idx(object, $0)) })
        case json_type_object:
            var result = JSONObject()
            var iterator = json_object_iter_begin(object)
            var end = json_object_iter_end(object)
            while json_object_iter_equal(&iterator, &end) == 0 {
                let key = String(cString: json_object_iter_peek_name(&iterator))
                result[key] = convert(json_object_iter_peek_value(&iterator))
                json_object_iter_next(&iterator)
            }
            return .object(result)
        default: return .null
        }
    }

    /// Unescapes the body of a JSON string literal (without quotes).
    static func unescape(_ body: String) -> String? {
        guard let object = json_tokener_parse("\"" + body + "\"") else { return nil }
        defer { json_object_put(object) }
        return convert(object).string
    }
}

import Foundation

/// One record of a CSV file: its fields and where each starts, for messages.
public struct CSVRecord {
    public var fields: [String] = []
    /// 1-based line and column (in characters) of each field's first character.
    public var positions: [(line: Int, column: Int)] = []
    /// The line the record starts on.
    public var line: Int { positions.first?.line ?? 0 }
}

/// RFC 4180 CSV: fields separated by a one-character delimiter, records by LF, CRLF or CR. A field
/// in double quotes may hold delimiters, line breaks and quotes written twice (""). Unquoted fields
/// are trimmed of spaces and tabs, a UTF-8 byte-order mark is skipped, and empty lines are skipped.
/// A gzipped file (a run record's predictions.csv.gz) is read decompressed.
public struct CSVReader {
    let bytes: [UInt8]
    let delimiter: UInt8
    let file: String

    /// Reads `path`; `delimiter` must be one ASCII character other than a quote or a line break.
    public init(path: String, delimiter: Character) throws {
        guard let ascii = delimiter.asciiValue, ![UInt8(ascii: "\""), 0x0A, 0x0D].contains(ascii) else {
            throw DataError(
                "\(path): the delimiter '\(delimiter)' is not usable; expected one ASCII character other than a quote or a line break"
            )
        }
        let data = try FileContents.read(path)
        bytes = Array(Gzip.isCompressed(data) ? try Gzip.decompress(data, file: path) : data)
        self.delimiter = ascii
        file = path
    }

    /// Calls `body` with each record that is not an empty line, in order; stops at the first error
    /// (the reader's or `body`'s).
    public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, delimiter = delimiter
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        func isBlank(_ b: UInt8) -> Bool { (b == space || b == tab) && b != delimiter }
        func endsField(_ b: UInt8) -> Bool { b == delimiter || b == lf || b == cr }
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1, column = 1
        /// Moves past one byte, keeping line and column (in characters: UTF-8 continuation bytes do not count).
        func advance() {
            let byte = bytes[i]
            i += 1
            if byte == lf || (byte == cr && (i == bytes.count || bytes[i] != lf)) {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 && byte != cr {
                column += 1
            }
        }
        var record = CSVRecord(), quoted = false
        while true {
            while i < bytes.count && isBlank(bytes[i]) { advance() }
            record.positions.append((line, column))
            var field: [UInt8] = []
            quoted = i < bytes.count && bytes[i] == quote
            if quoted {
                let opening = (line, column)
                advance()
                while true {
                    guard i < bytes.count else {
                        throw DataError(
                            "\(file):\(opening.0):\(opening.1): the quoted field that starts here is not closed")
                    }
                    if bytes[i] == quote {
                        advance()
                        guard i < bytes.count && bytes[i] == quote else { break }
                    }
                    field.append(bytes[i]); advance()
                }
                while i < bytes.count && isBlank(bytes[i]) { advance() }
                if i < bytes.count && !endsField(bytes[i]) {
                    throw DataError(
                        "\(file):\(line):\(column): unexpected text after a closing quote (a quote inside a quoted field is written \"\")"
                    )
                }
            } else {
                while i < bytes.count && !endsField(bytes[i]) { field.append(bytes[i]); advance() }
                while let last = field.last, isBlank(last) { field.removeLast() }
            }
            record.fields.append(String(decoding: field, as: UTF8.self))
            if i < bytes.count && bytes[i] == delimiter { advance(); continue }
            // The record ends at a line break or at the end of the file; an empty line is no record.
            if !(record.fields.count == 1 && record.fields[0].isEmpty && !quoted) { try body(record) }
            record = CSVRecord()
            guard i < bytes.count else { return }
            let wasCR = bytes[i] == cr
            advance()
            if wasCR && i < bytes.count && bytes[i] == lf { advance() }
        }
    }
}

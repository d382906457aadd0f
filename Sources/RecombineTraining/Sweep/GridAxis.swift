import Foundation
import RecombineMethod

/// One `--grid /json/pointer=v1,v2,...` of a sweep: a place in the method file and the values it takes.
/// Values are JSON like `--set`'s (numbers, booleans, strings, arrays), else plain strings; the list is
/// read as a JSON array first, so `--grid /x=[1,2],[3,4]` gives two arrays.
public struct GridAxis: Sendable {
    public let pointer: JSONPointer
    public let values: [JSONValue]

    /// Parses the option's text; the error names the text and what was expected.
    public init(parsing text: String) throws {
        let usage = "--grid expects /json/pointer=value1,value2,..., e.g. --grid /phases/0/optimizers/0/lr=0.001,0.0001"
        guard let eq = text.firstIndex(of: "="), let pointer = JSONPointer(parsing: String(text[..<eq])),
            !pointer.tokens.isEmpty
        else {
            throw SweepError("\(usage); got '\(text)'")
        }
        let list = String(text[text.index(after: eq)...])
        guard !list.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SweepError("--grid \(pointer) has no values; got '\(text)'")
        }
        if pointer.tokens == ["seed"] {
            throw SweepError("--grid /seed: seeds are set with --seed S and --runs N; got '\(text)'")
        }
        let values: [JSONValue]
        if let array = (try? JSONParser.parse(text: "[\(list)]", file: "--grid").root)?.array {
            values = array
        } else {
            values = list.split(separator: ",", omittingEmptySubsequences: false).map { item in
                let raw = String(item)
                return (try? JSONParser.parse(text: raw, file: "--grid").root) ?? .string(raw)
            }
        }
        var seen = Set<String>()
        for value in values {
            let serialized = value.serialized()
            if serialized == "\"\"" { throw SweepError("--grid \(pointer) has an empty value; got '\(text)'") }
            if !seen.insert(serialized).inserted {
                throw SweepError("--grid \(pointer) names the value \(serialized) twice; got '\(text)'")
            }
        }
        self.pointer = pointer
        self.values = values
    }

    /// `/pointer=value` as `--set` takes it, recorded in provenance.
    public static func assignment(_ pointer: JSONPointer, _ value: JSONValue) -> String {
        "\(pointer)=\(value.serialized())"
    }
}

/// A malformed sweep option or environment variable, naming the value.
public struct SweepError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One problem found in a method file: where it is and what is wrong.
public struct ValidationIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let position: SourcePosition
    public let pointer: JSONPointer
    public let message: String

    public init(file: String, position: SourcePosition, pointer: JSONPointer, message: String) {
        self.file = file; self.position = position; self.pointer = pointer; self.message = message
    }

    /// `file:line:column: /json/pointer: message`.
    public var description: String { "\(file):\(position): \(pointer): \(message)" }
}

/// A problem at a JSON pointer, before it is placed in a file.
struct PointerIssue: Hashable {
    let pointer: JSONPointer
    let message: String
    /// Whether the problem is about the member's key (an unknown or duplicate property) rather than its value.
    var atKey: Bool = false
}

extension JSONDocument {
    /// Places pointer-level issues in this document, ordered by position.
    func locate(_ issues: [PointerIssue]) -> [ValidationIssue] {
        var seen = Set<PointerIssue>()
        return issues.filter { seen.insert($0).inserted }.map {
            ValidationIssue(
                file: file, position: position(of: $0.pointer, preferKey: $0.atKey), pointer: $0.pointer,
                message: $0.message)
        }.sorted {
            ($0.position.line, $0.position.column, $0.pointer.description) < (
                $1.position.line, $1.position.column, $1.pointer.description
            )
        }
    }
}

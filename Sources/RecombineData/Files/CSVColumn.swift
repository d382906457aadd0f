/// A CSV column named by its index (from 0) or by its header.
public enum CSVColumn: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral
{
    case index(Int)
    case name(String)

    public init(stringLiteral name: String) { self = .name(name) }
    public init(integerLiteral index: Int) { self = .index(index) }

    public var description: String {
        switch self {
        case .index(let i): return String(i)
        case .name(let n): return "'\(n)'"
        }
    }
}

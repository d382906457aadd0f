import RecombineTensor

@testable import RecombineMethod

/// Generates broken variants of a method file, the kinds of mistakes people make by hand: removed
/// keys, wrong types, misspelt names and enum values, extra keys, non-positive counts and
/// fractional integers.
struct MethodFileMutator {
    var generator: RandomGenerator

    enum Kind: CaseIterable {
        case removeKey, wrongType, misspellString, extraKey, misspellKey, negativeNumber, zeroNumber, fractionalInteger
    }

    /// Every pointer in `value` with the value there.
    static func nodes(_ value: JSONValue, _ at: JSONPointer = JSONPointer()) -> [(JSONPointer, JSONValue)] {
        var out = [(at, value)]
        switch value {
        case .object(let o): for m in o.members { out += nodes(m.value, at.appending(m.key)) }
        case .array(let a): for (i, item) in a.enumerated() { out += nodes(item, at.appending(i)) }
        default: break
        }
        return out
    }

    /// `root` with the value at `pointer` replaced by `f(old)` (nil removes an object member).
    static func replacing(_ root: JSONValue, at pointer: JSONPointer, _ f: (JSONValue) -> JSONValue?) -> JSONValue {
        guard let first = pointer.tokens.first else { return f(root) ?? .null }
        let rest = JSONPointer(Array(pointer.tokens.dropFirst()))
        switch root {
        case .object(var o):
            guard let child = o[first] else { return root }
            o[first] = rest.tokens.isEmpty ? f(child) : replacing(child, at: rest, f)
            return .object(o)
        case .array(var a):
            guard let i = Int(first), i < a.count else { return root }
            if rest.tokens.isEmpty {
                if let v = f(a[i]) { a[i] = v } else { a.remove(at: i) }
            } else {
                a[i] = replacing(a[i], at: rest, f)
            }
            return .array(a)
        default: return root
        }
    }

    mutating func misspell(_ s: String) -> String {
        var chars = Array(s)
        guard chars.count >= 2 else { return s + "x" }
        switch generator.nextInt(below: 3) {
        case 0: let i = generator.nextInt(below: chars.count - 1); chars.swapAt(i, i + 1)
        case 1: chars.remove(at: generator.nextInt(below: chars.count))
        default: chars.insert("e", at: generator.nextInt(below: chars.count))
        }
        let out = String(chars)
        return out == s ? s + "s" : out
    }

    /// One mutation of `root`, with a label describing it; nil when the drawn kind has no target.
    mutating func mutate(_ root: JSONValue) -> (JSONValue, String)? {
        let all = Self.nodes(root)
        let kind = Kind.allCases[generator.nextInt(below: Kind.allCases.count)]
        func pick(_ filter: (JSONPointer, JSONValue) -> Bool) -> (JSONPointer, JSONValue)? {
            let candidates = all.filter { filter($0.0, $0.1) }
            return candidates.isEmpty ? nil : candidates[generator.nextInt(below: candidates.count)]
        }
        func isMember(_ p: JSONPointer) -> Bool {
            guard let parent = p.parent else { return false }
            return parent.resolve(in: root)?.object != nil
        }
        switch kind {
        case .removeKey:
            guard let (p, _) = pick({ p, _ in isMember(p) }) else { return nil }
            return (Self.replacing(root, at: p) { _ in nil }, "remove \(p)")
        case .wrongType:
            guard let (p, v) = pick({ p, v in !p.tokens.isEmpty && v.object == nil && v.array == nil }) else {
                return nil
            }
            let replacement: JSONValue = v.string != nil ? .int(7) : .string(v.compactText())
            return (Self.replacing(root, at: p) { _ in replacement }, "retype \(p)")
        case .misspellString:
            guard let (p, v) = pick({ _, v in v.string != nil }) else { return nil }
            let wrong = misspell(v.string!)
            return (Self.replacing(root, at: p) { _ in .string(wrong) }, "misspell value \(p) as \(wrong)")
        case .extraKey:
            guard let (p, _) = pick({ _, v in v.object != nil }) else { return nil }
            return (
                Self.replacing(root, at: p) { v in
                    var o = v.object!; o["extra_setting"] = .int(1); return .object(o)
                }, "extra key at \(p)"
            )
        case .misspellKey:
            guard let (p, _) = pick({ p, _ in isMember(p) }) else { return nil }
            let key = p.last!, wrong = misspell(key)
            return (
                Self.replacing(root, at: p.parent!) { v in
                    var o = JSONObject()
                    for m in v.object!.members { o[m.key == key ? wrong : m.key] = m.value }
                    return .object(o)
                }, "rename \(p) to \(wrong)"
            )
        case .negativeNumber, .zeroNumber:
            guard let (p, v) = pick({ _, v in v.number != nil }) else { return nil }
            let replacement: JSONValue = kind == .zeroNumber ? .int(0) : .double(-Swift.abs(v.number!) - 1)
            return (Self.replacing(root, at: p) { _ in replacement }, "\(replacement.compactText()) at \(p)")
        case .fractionalInteger:
            guard let (p, v) = pick({ _, v in v.integer != nil }) else { return nil }
            return (Self.replacing(root, at: p) { _ in .double(Double(v.integer!) + 0.5) }, "fraction at \(p)")
        }
    }
}

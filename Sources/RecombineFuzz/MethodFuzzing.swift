import Foundation
import RecombineMethod

/// What the fuzz target exercises with one input: JSON parsing → schema validation → semantic checks
/// → shape checks and compilation (mappings are built), exactly as `recombine validate` does. A
/// crash, a trap or a hang anywhere in it is a finding; rejected inputs are the expected outcome.
enum MethodFuzzing {
    static let loader: MethodLoader = {
        // Mutated sizes must stay cheap to check: methods needing more than 256 MB are refused.
        MemoryEstimate.machineBytes = 256e6
        return MethodLoader(store: try! SchemaStore.embedded())
    }()

    /// Checks one input; returns whether it was a valid method.
    @discardableResult
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let text = String(validating: bytes, as: UTF8.self) else { return false }
        return loader.load(text: text, file: "fuzz.json").isValid
    }
}

/// Structure-aware mutation of method files: parse, change one thing, print. Swaps values between
/// two places, deletes a key, sets a number to 0, −1, a huge value or a fraction, replaces a value by a
/// NaN-like string, null, an empty array or object, or duplicates an array element.
struct MethodMutator {
    var generator: MutationRandom

    mutating func mutate(_ text: String) -> String? {
        guard let document = try? JSONParser.parse(text: text, file: "input") else { return nil }
        var paths: [JSONPointer] = []
        collect(document.root, at: JSONPointer(), into: &paths)
        guard !paths.isEmpty else { return nil }
        let target = paths[generator.next(below: paths.count)]
        var root = document.root
        let current = value(root, at: target)
        let replacement: JSONValue?
        switch generator.next(below: 11) {
        case 0: replacement = value(root, at: paths[generator.next(below: paths.count)])  // swap in another value
        case 1: replacement = nil  // delete
        case 2: replacement = .int(0)
        case 3: replacement = .int(-1)
        case 4:
            replacement = .int([Int64(1) << 31, Int64(1) << 40, 1_000_000_000, Int64.max][generator.next(below: 4)])
        case 5: replacement = .double([0.5, 1e-300, 1e300, -2.5][generator.next(below: 4)])
        case 6: replacement = .string(["NaN", "Infinity", "-inf", "", "1e999", "\u{0}"][generator.next(below: 6)])
        case 7: replacement = .null
        case 8: replacement = .array([])
        case 9: replacement = .object(JSONObject())
        default:
            if case .array(let items)? = current, let first = items.first {
                replacement = .array(items + [first])
            } else {
                replacement = .bool(true)
            }
        }
        root = setting(root, at: target, to: replacement)
        return root.serialized(indent: 0)
    }

    func collect(_ v: JSONValue, at p: JSONPointer, into out: inout [JSONPointer]) {
        if !p.tokens.isEmpty { out.append(p) }
        switch v {
        case .object(let o): for (k, child) in o.members { collect(child, at: p.appending(k), into: &out) }
        case .array(let a): for (i, child) in a.enumerated() { collect(child, at: p.appending(i), into: &out) }
        default: break
        }
    }

    func value(_ root: JSONValue, at p: JSONPointer) -> JSONValue? {
        var v: JSONValue? = root
        for t in p.tokens {
            switch v {
            case .object(let o)?: v = o[t]
            case .array(let a)?: v = Int(t).flatMap { $0 < a.count ? a[$0] : nil }
            default: return nil
            }
        }
        return v
    }

    /// `root` with the value at `p` replaced (nil removes an object member or array element).
    func setting(_ root: JSONValue, at p: JSONPointer, to new: JSONValue?) -> JSONValue {
        guard let first = p.tokens.first else { return new ?? .null }
        let rest = JSONPointer(Array(p.tokens.dropFirst()))
        switch root {
        case .object(var o):
            guard let child = o[first] else { return root }
            o[first] = rest.tokens.isEmpty ? new : setting(child, at: rest, to: new)
            return .object(o)
        case .array(var a):
            guard let i = Int(first), i < a.count else { return root }
            if rest.tokens.isEmpty {
                if let new { a[i] = new } else { a.remove(at: i) }
            } else {
                a[i] = setting(a[i], at: rest, to: new)
            }
            return .array(a)
        default: return root
        }
    }
}

/// A seeded xorshift generator (libFuzzer hands the mutator a seed).
struct MutationRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next(below n: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(Swift.max(n, 1)))
    }
}

import RecombineTensor

/// A problem building a mapping, layer or optimizer from (schema-valid) settings.
public struct CompileError: Error, CustomStringConvertible {
    public let pointer: JSONPointer
    public let message: String
    public init(_ pointer: JSONPointer, _ message: String) { self.pointer = pointer; self.message = message }
    public var description: String { "\(pointer): \(message)" }
}

/// Typed access to the keyword arguments of a layer, initialiser, optimizer or transform.
struct Arguments {
    let object: JSONObject
    let pointer: JSONPointer

    /// Smallest allowed value of size-like arguments (the layers' constructors trap below it; the
    /// schema says the same, but checks run on any file, e.g. with an edited schema).
    static let minimum: [String: Int] = [
        "in_features": 1, "out_features": 1, "in_channels": 1, "out_channels": 1, "num_features": 1, "kernel_size": 1,
        "stride": 1, "groups": 1, "dilation": 1, "output_size": 1, "size": 1, "padding": 0, "output_padding": 0,
        "normalized_shape": 1, "unflattened_size": 1,
    ]

    /// Largest allowed value of those arguments: 2³¹ − 1 keeps every shape computation in range.
    static let maximum = Int(Int32.max)

    func checked(_ key: String, _ i: Int) throws -> Int {
        guard let least = Self.minimum[key] else { return i }
        if i < least {
            throw CompileError(
                pointer.appending(key),
                "expected \(least == 1 ? "a positive integer" : "a non-negative integer"), found \(i)")
        }
        if i > Self.maximum {
            throw CompileError(pointer.appending(key), "expected at most \(Self.maximum), found \(i)")
        }
        return i
    }

    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        if let v = object[key] {
            guard let i = v.integer else {
                throw CompileError(pointer.appending(key), "expected an integer, found \(v.compactText())")
            }
            return try checked(key, i)
        }
        guard let fallback else { throw CompileError(pointer, "missing '\(key)'") }
        return fallback
    }

    func double(_ key: String, _ fallback: Double? = nil) throws -> Double {
        if let v = object[key] {
            guard let d = v.number else {
                throw CompileError(pointer.appending(key), "expected a number, found \(v.compactText())")
            }
            return d
        }
        guard let fallback else { throw CompileError(pointer, "missing '\(key)'") }
        return fallback
    }

    func optionalDouble(_ key: String) -> Double? { object[key]?.number }

    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        guard let v = object[key] else { return fallback }
        guard let b = v.bool else {
            throw CompileError(pointer.appending(key), "expected true or false, found \(v.compactText())")
        }
        return b
    }

    func string(_ key: String, _ fallback: String) -> String { object[key]?.string ?? fallback }

    /// An integer used for both dimensions, or a pair [height, width].
    func pair(_ key: String, _ fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        guard let v = object[key] else {
            guard let fallback else { throw CompileError(pointer, "missing '\(key)'") }
            return fallback
        }
        if let i = v.integer { let c = try checked(key, i); return (c, c) }
        if let a = v.array, a.count == 2, let h = a[0].integer, let w = a[1].integer {
            return (try checked(key, h), try checked(key, w))
        }
        throw CompileError(
            pointer.appending(key), "expected an integer or a pair of integers, found \(v.compactText())")
    }

    func optionalPair(_ key: String) throws -> (Int, Int)? { object[key] == nil ? nil : try pair(key) }

    /// A number used for both dimensions, or a pair.
    func numberPair(_ key: String) throws -> (Double, Double)? {
        guard let v = object[key] else { return nil }
        if let d = v.number { return (d, d) }
        if let a = v.array, a.count == 2, let x = a[0].number, let y = a[1].number { return (x, y) }
        throw CompileError(pointer.appending(key), "expected a number or a pair of numbers, found \(v.compactText())")
    }

    func ints(_ key: String) throws -> [Int] {
        guard let v = object[key] else { throw CompileError(pointer, "missing '\(key)'") }
        if let i = v.integer { return [try checked(key, i)] }
        guard let a = v.array, a.allSatisfy({ $0.integer != nil }) else {
            throw CompileError(pointer.appending(key), "expected a list of integers, found \(v.compactText())")
        }
        return try a.map { try checked(key, $0.integer!) }
    }
}

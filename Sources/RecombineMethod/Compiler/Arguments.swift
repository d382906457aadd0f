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

    /// Every optional argument has its default in the schema and methods are compiled with their
    /// defaults filled in, so an absent argument is an error here, never a second default.
    func missing(_ key: String) -> CompileError {
        CompileError(pointer.appending(key), "no value (and no default filled in from the schema)")
    }

    func int(_ key: String) throws -> Int {
        guard let v = object[key] else { throw missing(key) }
        guard let i = v.integer else {
            throw CompileError(pointer.appending(key), "expected an integer, found \(v.compactText())")
        }
        return try checked(key, i)
    }

    func double(_ key: String) throws -> Double {
        guard let v = object[key] else { throw missing(key) }
        guard let d = v.number else {
            throw CompileError(pointer.appending(key), "expected a number, found \(v.compactText())")
        }
        return d
    }

    func optionalDouble(_ key: String) -> Double? { object[key]?.number }

    func bool(_ key: String) throws -> Bool {
        guard let v = object[key] else { throw missing(key) }
        guard let b = v.bool else {
            throw CompileError(pointer.appending(key), "expected true or false, found \(v.compactText())")
        }
        return b
    }

    func string(_ key: String) throws -> String {
        guard let v = object[key] else { throw missing(key) }
        guard let s = v.string else {
            throw CompileError(pointer.appending(key), "expected a string, found \(v.compactText())")
        }
        return s
    }

    func numbers(_ key: String) throws -> [Double] {
        guard let v = object[key] else { throw missing(key) }
        guard let a = v.array, a.allSatisfy({ $0.number != nil }) else {
            throw CompileError(pointer.appending(key), "expected a list of numbers, found \(v.compactText())")
        }
        return a.map { $0.number! }
    }

    /// An integer used for both dimensions, or a pair [height, width].
    func pair(_ key: String) throws -> (Int, Int) {
        guard let v = object[key] else { throw missing(key) }
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

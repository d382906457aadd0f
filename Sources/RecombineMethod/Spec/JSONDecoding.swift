/// Reads a method's JSON objects into typed specs. Specs are built from the method with every schema
/// default filled in (`MethodLoader`), so an option the schema requires or gives a default is present;
/// the `filled…` readers therefore state no default of their own. When such an option is absent anyway
/// (a schema property without its default, or a method not loaded through `MethodLoader`), the reader
/// records its pointer in `gaps` and returns the type's zero value, and `MethodLoader` reports the gap.
struct SpecReader {
    /// Pointers of options that should have been filled in but were absent (shared by child readers).
    final class Gaps { var pointers: [JSONPointer] = [] }

    let object: JSONObject
    let pointer: JSONPointer
    let gaps: Gaps

    init(_ value: JSONValue?, at pointer: JSONPointer, gaps: Gaps = Gaps()) {
        self.object = value?.object ?? JSONObject()
        self.pointer = pointer
        self.gaps = gaps
    }

    func string(_ key: String) -> String? { object[key]?.string }
    func int(_ key: String) -> Int? { object[key]?.integer }
    func double(_ key: String) -> Double? { object[key]?.number }
    func bool(_ key: String) -> Bool? { object[key]?.bool }
    func strings(_ key: String) -> [String]? { object[key]?.array?.compactMap(\.string) }

    func filledString(_ key: String) -> String { filled(key, string(key), zero: "") }
    func filledInt(_ key: String) -> Int { filled(key, int(key), zero: 0) }
    func filledDouble(_ key: String) -> Double { filled(key, double(key), zero: 0) }
    func filledBool(_ key: String) -> Bool { filled(key, bool(key), zero: false) }

    /// A filled-in string option naming a case of `Value`; `zero` stands in for a gap (or an unknown
    /// name, which the schema's enum rejects first) and is never a default.
    func filledEnum<Value: RawRepresentable>(_ key: String, zero: Value) -> Value where Value.RawValue == String {
        filled(key, string(key).flatMap(Value.init(rawValue:)), zero: zero)
    }

    private func filled<Value>(_ key: String, _ value: Value?, zero: Value) -> Value {
        if let value { return value }
        gaps.pointers.append(pointer.appending(key))
        return zero
    }

    func array(_ key: String) -> [JSONValue] { object[key]?.array ?? [] }
    func child(_ key: String) -> SpecReader { SpecReader(object[key], at: pointer.appending(key), gaps: gaps) }
    func items(_ key: String) -> [SpecReader] {
        array(key).enumerated().map { SpecReader($1, at: pointer.appending(key).appending($0), gaps: gaps) }
    }
    /// The object without `keys` (the remaining keyword arguments of a typed object).
    func arguments(excluding keys: Set<String>) -> JSONObject {
        var out = JSONObject()
        for m in object.members where !keys.contains(m.key) { out[m.key] = m.value }
        return out
    }
}

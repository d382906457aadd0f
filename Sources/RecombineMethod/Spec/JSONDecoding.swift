/// Small helpers for reading a schema-validated JSON object into typed specs with documented defaults.
struct SpecReader {
    let object: JSONObject
    let pointer: JSONPointer

    init(_ value: JSONValue?, at pointer: JSONPointer) {
        self.object = value?.object ?? JSONObject()
        self.pointer = pointer
    }

    func string(_ key: String) -> String? { object[key]?.string }
    func string(_ key: String, default value: String) -> String { object[key]?.string ?? value }
    func int(_ key: String) -> Int? { object[key]?.integer }
    func int(_ key: String, default value: Int) -> Int { object[key]?.integer ?? value }
    func double(_ key: String) -> Double? { object[key]?.number }
    func double(_ key: String, default value: Double) -> Double { object[key]?.number ?? value }
    func bool(_ key: String, default value: Bool) -> Bool { object[key]?.bool ?? value }
    func strings(_ key: String) -> [String]? { object[key]?.array?.compactMap(\.string) }
    func array(_ key: String) -> [JSONValue] { object[key]?.array ?? [] }
    func child(_ key: String) -> SpecReader { SpecReader(object[key], at: pointer.appending(key)) }
    func items(_ key: String) -> [SpecReader] {
        array(key).enumerated().map { SpecReader($1, at: pointer.appending(key).appending($0)) }
    }
    /// The object without `keys` (the remaining keyword arguments of a typed object).
    func arguments(excluding keys: Set<String>) -> JSONObject {
        var out = JSONObject()
        for m in object.members where !keys.contains(m.key) { out[m.key] = m.value }
        return out
    }
}

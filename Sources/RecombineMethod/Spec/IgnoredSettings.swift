/// Settings a method file may carry for compatibility with the reference framework but that recombine
/// does not act on: each is named to the user (by `validate` and in the run's log), never silently dropped.
public struct IgnoredSetting: Sendable, CustomStringConvertible {
    public let pointer: JSONPointer
    public let message: String
    public var description: String { "\(pointer): \(message)" }
}

extension MethodSpec {
    /// `training_device` and a `device` other than "cpu": accepted, without effect (recombine trains on the CPU).
    public var ignoredSettings: [IgnoredSetting] {
        var found: [IgnoredSetting] = []
        guard let root = document.root.object else { return [] }
        for key in ["training_device", "device"] {
            guard let value = root[key] else { continue }
            let text = value.string ?? value.serialized(indent: 0)
            if key == "device" && text == "cpu" { continue }
            found.append(
                IgnoredSetting(
                    pointer: JSONPointer([key]),
                    message:
                        "\(key) \(value.string.map { "'\($0)'" } ?? text) has no effect: recombine trains on the CPU (the setting is accepted for compatibility with the reference framework's method files)"
                ))
        }
        return found
    }
}

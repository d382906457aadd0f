import Foundation

/// The processor's model name (the first "model name" of /proc/cpuinfo, nil elsewhere), vendor and family,
/// and how many logical CPUs there are, for run provenance and benchmark reports: a figure names the CPU it was measured on.
public enum CPUModel {
    public static let name: String? = field("model name")

    /// The vendor ("AuthenticAMD", "GenuineIntel", ...; nil elsewhere).
    public static let vendor: String? = field("vendor_id")

    /// The x86 family number (25 = 19h for AMD Zen 3 and Zen 4; nil elsewhere).
    public static let family: Int? = field("cpu family").flatMap { Int($0) }

    /// The first value of `key` in /proc/cpuinfo, trimmed; nil when absent or empty.
    static func field(_ key: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return field(key, in: text)
    }

    static func field(_ key: String, in text: String) -> String? {
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].trimmingCharacters(in: .whitespaces) == key
            else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// "AMD EPYC (2 logical CPUs)", or the CPU count alone when the model is unknown.
    public static var summary: String {
        let count = ProcessInfo.processInfo.activeProcessorCount
        return (name.map { "\($0) " } ?? "") + "(\(count) logical CPU\(count == 1 ? "" : "s"))"
    }
}

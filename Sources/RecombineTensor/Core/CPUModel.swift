import Foundation

/// The processor's model name (the first "model name" of /proc/cpuinfo, nil elsewhere) and how many
/// logical CPUs there are, for run provenance and benchmark reports: a figure names the CPU it was measured on.
public enum CPUModel {
    public static let name: String? = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        else { return nil }
        let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }()

    /// "AMD EPYC (2 logical CPUs)", or the CPU count alone when the model is unknown.
    public static var summary: String {
        let count = ProcessInfo.processInfo.activeProcessorCount
        return (name.map { "\($0) " } ?? "") + "(\(count) logical CPU\(count == 1 ? "" : "s"))"
    }
}

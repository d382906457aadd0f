import Foundation
import RecombineNN
import RecombineRunFiles

/// The final numbers of one run, read from its `result.json`.
public struct RunOutcome: Sendable {
    public let directory: String
    public let method: String
    /// The dataset the final scores are on (`final.dataset`, else `predictions_dataset`; empty when unknown).
    public let dataset: String
    public let seed: String
    public let status: RunStatus
    public let acc: Double?, nmi: Double?, ari: Double?
    public let wallSeconds: Double

    /// Reads `<directory>/result.json`; the error names the file and what is wrong.
    public init(directory: String) throws {
        let file: ResultFile
        do { file = try ResultFile.read(directory: directory) } catch { throw ReportError("\(error)") }
        self.directory = directory
        method = file.method
        seed = String(file.seed)
        status = file.status
        dataset = file.final?.dataset ?? file.predictionsDataset ?? ""
        acc = file.final?.acc
        nmi = file.final?.nmi
        ari = file.final?.ari
        wallSeconds = file.wallSeconds
    }
}

/// Mean and sample standard deviation (n − 1 in the denominator; nil for a single value, whose spread is
/// unknown rather than zero).
public func meanAndStandardDeviation(_ values: [Double]) -> (mean: Double, std: Double?)? {
    guard !values.isEmpty else { return nil }
    let mean = values.reduce(0, +) / Double(values.count)
    guard values.count > 1 else { return (mean, nil) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, variance.squareRoot())
}

/// "mean ± std" with `digits` decimals, the mean alone for a single value, "–" for none.
func meanPlusMinusStandardDeviation(_ v: (mean: Double, std: Double?)?, _ digits: Int) -> String {
    guard let v else { return "–" }
    guard let std = v.std else { return String(format: "%.\(digits)f", v.mean) }
    return String(format: "%.\(digits)f ± %.\(digits)f", v.mean, std)
}

/// `summary.md`, `summary.csv` (tidy: one row per run, nothing else) and `summary_aggregates.csv`
/// (per method and dataset: the mean ± sample standard deviation of ACC, NMI, ARI and wall time over the
/// completed runs).
public enum RunSummary {
    public static func write(_ runs: [RunOutcome], to directory: String) throws {
        try AtomicFile.write(Data(csv(runs).utf8), to: (directory as NSString).appendingPathComponent("summary.csv"))
        try AtomicFile.write(
            Data(aggregatesCSV(runs).utf8), to: (directory as NSString).appendingPathComponent("summary_aggregates.csv")
        )
        try AtomicFile.write(
            Data(markdown(runs).utf8), to: (directory as NSString).appendingPathComponent("summary.md"))
    }

    static func format(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }

    static func statistics(_ runs: [RunOutcome]) -> [(name: String, value: (mean: Double, std: Double?)?)] {
        let done = runs.filter { $0.status == .completed }
        return [
            ("acc", meanAndStandardDeviation(done.compactMap(\.acc))),
            ("nmi", meanAndStandardDeviation(done.compactMap(\.nmi))),
            ("ari", meanAndStandardDeviation(done.compactMap(\.ari))),
            ("wall_seconds", meanAndStandardDeviation(done.map(\.wallSeconds))),
        ]
    }

    /// One row per run: the run directory's name, method, dataset, seed, status, scores and wall time.
    public static func csv(_ runs: [RunOutcome]) -> String {
        var lines = ["run,method,dataset,seed,status,acc,nmi,ari,wall_seconds"]
        for r in runs {
            lines.append(
                [
                    (r.directory as NSString).lastPathComponent, r.method, r.dataset, r.seed, r.status.rawValue,
                    format(r.acc),
                    format(r.nmi), format(r.ari),
                    String(format: "%.1f", r.wallSeconds),
                ].map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per method and dataset (in order of first appearance): run counts, then the mean and
    /// sample standard deviation of each score and the wall time over the completed runs.
    public static func aggregatesCSV(_ runs: [RunOutcome]) -> String {
        var order: [String] = [], groups: [String: [RunOutcome]] = [:]
        for r in runs {
            let key = r.method + "\u{0}" + r.dataset
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        var lines = [
            "method,dataset,runs,completed,"
                + ["acc", "nmi", "ari", "wall_seconds"].map { "\($0)_mean,\($0)_std" }.joined(separator: ",")
        ]
        for key in order {
            let group = groups[key]!
            let stats = statistics(group).flatMap { [format($0.value?.mean), format($0.value?.std)] }
            lines.append(
                ([group[0].method, group[0].dataset].map(csvField) + [
                    String(group.count), String(group.filter { $0.status == .completed }.count),
                ] + stats)
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `s` as one RFC 4180 field: quoted when it holds a comma, quote or line break.
    public static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n")
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func markdown(_ runs: [RunOutcome]) -> String {
        let completed = runs.filter { $0.status == .completed }.count
        var out = "# Summary of \(runs.first?.method ?? "runs")\n\n"
        out +=
            "\(runs.count) run\(runs.count == 1 ? "" : "s"), \(completed) completed. Mean ± sample standard deviation (n − 1) over the completed runs (the mean alone for one).\n\n"
        let stats = statistics(runs)
        func pm(_ i: Int, _ digits: Int = 4) -> String { meanPlusMinusStandardDeviation(stats[i].value, digits) }
        out +=
            "| ACC | NMI | ARI | wall time (s) |\n|---|---|---|---|\n| \(pm(0)) | \(pm(1)) | \(pm(2)) | \(pm(3, 1)) |\n\n"
        out +=
            "| run | dataset | seed | status | ACC | NMI | ARI | wall time (s) |\n|---|---|---|---|---|---|---|---|\n"
        for r in runs {
            out +=
                "| \((r.directory as NSString).lastPathComponent) | \(r.dataset) | \(r.seed) | \(r.status.rawValue) | \(format(r.acc)) | \(format(r.nmi)) | \(format(r.ari)) | \(String(format: "%.1f", r.wallSeconds)) |\n"
        }
        return out
    }
}

/// A problem building a report or summary, naming the file involved.
public struct ReportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

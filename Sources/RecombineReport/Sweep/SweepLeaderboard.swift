import Foundation
import RecombineNN
import RecombineRunFiles

/// The leaderboard of a sweep folder (`recombine run ... --grid/--shard --output DIR`): one row per
/// method and grid point with the mean ± sample standard deviation over its seeds of ACC, NMI, ARI and
/// wall time (completed runs only), written as `leaderboard.csv` (one row per method and grid point,
/// one column per statistic) and `leaderboard.md` (best ACC first within each method).
public enum SweepLeaderboard {
    public struct Row: Sendable {
        public let method: String
        /// The grid point as `/pointer=value` texts joined by spaces ("" outside a grid).
        public let gridPoint: String
        public let runs: Int
        public let completed: Int
        public let acc, nmi, ari, wallSeconds: (mean: Double, std: Double)?
    }

    /// Whether `directory` is a sweep folder: no run of its own, runs in folders below it.
    public static func isSweep(_ directory: String) -> Bool {
        !FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent("result.json"))
            && !runDirectories(under: directory).isEmpty
    }

    /// Every folder below `directory` that holds a result.json, sorted (hidden folders are not searched).
    public static func runDirectories(under directory: String) -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: directory) else { return [] }
        var found: [String] = []
        while let relative = walk.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") { walk.skipDescendants(); continue }
            if name == "result.json" {
                found.append(
                    (directory as NSString).appendingPathComponent((relative as NSString).deletingLastPathComponent))
            }
        }
        return found.sorted()
    }

    /// The rows of the runs below `directory`, sorted by method, then best mean ACC first.
    public static func rows(_ directory: String) throws -> [Row] {
        var groups: [String: (method: String, point: String, runs: [RunOutcome])] = [:]
        for run in runDirectories(under: directory) {
            let outcome = try RunOutcome(directory: run)
            let point = gridPoint(of: run)
            let key = outcome.method + "\n" + point
            groups[key, default: (outcome.method, point, [])].runs.append(outcome)
        }
        let rows = groups.values.map { group -> Row in
            let done = group.runs.filter { $0.status == .completed }
            return Row(
                method: group.method, gridPoint: group.point, runs: group.runs.count, completed: done.count,
                acc: meanAndStandardDeviation(done.compactMap(\.acc)),
                nmi: meanAndStandardDeviation(done.compactMap(\.nmi)),
                ari: meanAndStandardDeviation(done.compactMap(\.ari)),
                wallSeconds: meanAndStandardDeviation(done.map(\.wallSeconds)))
        }
        return rows.sorted {
            if $0.method != $1.method { return $0.method < $1.method }
            let (a, b) = ($0.acc?.mean ?? -.infinity, $1.acc?.mean ?? -.infinity)
            return a != b ? a > b : $0.gridPoint < $1.gridPoint
        }
    }

    /// The grid point recorded in `<run>/result.json`'s provenance (its `--set` overrides for runs outside a grid).
    static func gridPoint(of run: String) -> String {
        guard let provenance = (try? ResultFile.read(directory: run))?.provenance else { return "" }
        return (provenance.gridPoint ?? provenance.overrides).joined(separator: " ")
    }

    /// Writes leaderboard.csv and leaderboard.md into `directory`; returns the Markdown file's path.
    @discardableResult
    public static func write(directory: String) throws -> String {
        let rows = try rows(directory)
        guard !rows.isEmpty else {
            throw ReportError("\(directory): no result.json in any folder below it; is it a sweep's --output folder?")
        }
        try AtomicFile.write(
            Data(csv(rows).utf8), to: (directory as NSString).appendingPathComponent("leaderboard.csv"))
        let markdownPath = (directory as NSString).appendingPathComponent("leaderboard.md")
        try AtomicFile.write(
            Data(markdown(rows, title: (directory as NSString).lastPathComponent).utf8), to: markdownPath)
        return markdownPath
    }

    static func number(_ v: Double?, _ digits: Int = 4) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }

    public static func csv(_ rows: [Row]) -> String {
        var lines = [
            "method,grid_point,runs,completed,acc_mean,acc_std,nmi_mean,nmi_std,ari_mean,ari_std,wall_seconds_mean,wall_seconds_std"
        ]
        for r in rows {
            let statistics =
                [r.acc, r.nmi, r.ari].flatMap { [number($0?.mean), number($0?.std)] } + [
                    number(r.wallSeconds?.mean, 1), number(r.wallSeconds?.std, 1),
                ]
            lines.append(
                ([RunSummary.csvField(r.method), RunSummary.csvField(r.gridPoint), String(r.runs), String(r.completed)]
                    + statistics).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ rows: [Row], title: String) -> String {
        func pm(_ v: (mean: Double, std: Double)?, _ digits: Int = 4) -> String {
            v.map { String(format: "%.\(digits)f ± %.\(digits)f", $0.mean, $0.std) } ?? "–"
        }
        func cell(_ text: String) -> String {
            text.isEmpty ? "–" : "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`"
        }
        var out = "# Leaderboard of \(title)\n\n"
        out +=
            "\(rows.count) combination\(rows.count == 1 ? "" : "s") of method and grid point, \(rows.map(\.runs).reduce(0, +)) runs. "
        out +=
            "Mean ± sample standard deviation (n − 1) over the completed runs (seeds); best ACC first within each method.\n\n"
        out +=
            "| method | grid point | runs (completed) | ACC | NMI | ARI | wall time (s) |\n|---|---|---|---|---|---|---|\n"
        for r in rows {
            out +=
                "| \(r.method) | \(cell(r.gridPoint)) | \(r.runs) (\(r.completed)) | \(pm(r.acc)) | \(pm(r.nmi)) | \(pm(r.ari)) | \(pm(r.wallSeconds, 1)) |\n"
        }
        return out
    }
}

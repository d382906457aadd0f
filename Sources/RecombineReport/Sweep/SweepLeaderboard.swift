import Foundation
import RecombineNN
import RecombineRunFiles

/// The leaderboard of a sweep folder (`recombine run ... --grid/--shard --output DIR`): one row per
/// method and grid point with the mean ± sample standard deviation over its seeds of ACC, NMI, ARI and
/// wall time (completed runs only), written as `leaderboard.csv` (one row per method and grid point,
/// one column per statistic) and `leaderboard.md` (best ACC first within each method).
///
/// With a selection dataset (`recombine report DIR --select-on NAME`, e.g. a labelled validation slice of the
/// training split), every row also carries the mean ± std of that dataset's last evaluation and all rows are
/// ranked by its ACC across methods, so that a search picks its winner without looking at the final
/// (test) dataset, whose scores stay beside it as the reported ones.
public enum SweepLeaderboard {
    public struct Row: Sendable {
        public let method: String
        /// The grid point as `/pointer=value` texts joined by spaces ("" outside a grid).
        public let gridPoint: String
        public let runs: Int
        public let completed: Int
        public let acc, nmi, ari, wallSeconds: (mean: Double, std: Double?)?
        /// The final dataset's name when all completed runs share it ("" when unknown, "mixed" otherwise).
        public let finalDataset: String
        /// Scores on the selection dataset (nil without one).
        public let selection: SelectionScores?
    }

    /// Mean ± std over a row's completed runs of the last evaluation on the selection dataset.
    public struct SelectionScores: Sendable {
        public let dataset: String
        public let acc, nmi, ari: (mean: Double, std: Double?)?
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

    /// The rows of the runs below `directory`, sorted by method, then best mean ACC first; with
    /// `selectOn`, ranked across methods by the mean ACC of that dataset's last evaluation (best first).
    /// A completed run without an evaluation of `selectOn` is an error that names it and what it has.
    public static func rows(_ directory: String, selectOn: String? = nil) throws -> [Row] {
        var groups: [String: (method: String, point: String, runs: [RunOutcome], selected: [ResultFile.Scores])] =
            [:]
        for run in runDirectories(under: directory) {
            let outcome = try RunOutcome(directory: run)
            let point = gridPoint(of: run)
            let key = outcome.method + "\n" + point
            groups[key, default: (outcome.method, point, [], [])].runs.append(outcome)
            if let selectOn, outcome.status == .completed {
                groups[key]!.selected.append(try selectionScores(of: run, dataset: selectOn))
            }
        }
        let rows = groups.values.map { group -> Row in
            let done = group.runs.filter { $0.status == .completed }
            let datasets = Set(done.map(\.dataset))
            return Row(
                method: group.method, gridPoint: group.point, runs: group.runs.count, completed: done.count,
                acc: meanAndStandardDeviation(done.compactMap(\.acc)),
                nmi: meanAndStandardDeviation(done.compactMap(\.nmi)),
                ari: meanAndStandardDeviation(done.compactMap(\.ari)),
                wallSeconds: meanAndStandardDeviation(done.map(\.wallSeconds)),
                finalDataset: datasets.count > 1 ? "mixed" : datasets.first ?? "",
                selection: selectOn.map { name in
                    SelectionScores(
                        dataset: name, acc: meanAndStandardDeviation(group.selected.compactMap(\.acc)),
                        nmi: meanAndStandardDeviation(group.selected.compactMap(\.nmi)),
                        ari: meanAndStandardDeviation(group.selected.compactMap(\.ari)))
                })
        }
        if selectOn != nil {
            return rows.sorted {
                let (a, b) = ($0.selection?.acc?.mean ?? -.infinity, $1.selection?.acc?.mean ?? -.infinity)
                if a != b { return a > b }
                return $0.method != $1.method ? $0.method < $1.method : $0.gridPoint < $1.gridPoint
            }
        }
        return rows.sorted {
            if $0.method != $1.method { return $0.method < $1.method }
            let (a, b) = ($0.acc?.mean ?? -.infinity, $1.acc?.mean ?? -.infinity)
            return a != b ? a > b : $0.gridPoint < $1.gridPoint
        }
    }

    /// The last evaluation of `dataset` in `<run>/result.json` (else its end-of-training scores).
    static func selectionScores(of run: String, dataset: String) throws -> ResultFile.Scores {
        let file: ResultFile
        do { file = try ResultFile.read(directory: run) } catch { throw ReportError("\(error)") }
        if let scores = file.evaluations.last(where: { $0.dataset == dataset })
            ?? file.endOfTraining?.last(where: { $0.dataset == dataset })
        {
            return scores
        }
        let known = Set(file.evaluations.map(\.dataset) + (file.endOfTraining ?? []).map(\.dataset)).sorted()
        throw ReportError(
            "\((run as NSString).appendingPathComponent(ResultFile.name)): no evaluation of the selection dataset "
                + "\"\(dataset)\"; it evaluated \(known.isEmpty ? "nothing" : known.map { "\"\($0)\"" }.joined(separator: ", "))"
        )
    }

    /// The grid point recorded in `<run>/result.json`'s provenance (its `--set` overrides for runs outside a grid).
    static func gridPoint(of run: String) -> String {
        guard let provenance = (try? ResultFile.read(directory: run))?.provenance else { return "" }
        return (provenance.gridPoint ?? provenance.overrides).joined(separator: " ")
    }

    /// Writes leaderboard.csv and leaderboard.md into `directory`; returns the Markdown file's path.
    @discardableResult
    public static func write(directory: String, selectOn: String? = nil) throws -> String {
        let rows = try rows(directory, selectOn: selectOn)
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

    /// One row per method and grid point; with a selection dataset, its name and statistics come first
    /// (`selection_dataset`, `selection_acc_mean`, ...) and the final dataset's name before its scores.
    public static func csv(_ rows: [Row]) -> String {
        let withSelection = rows.contains { $0.selection != nil }
        var header = "method,grid_point,runs,completed,"
        if withSelection {
            header +=
                "selection_dataset,selection_acc_mean,selection_acc_std,selection_nmi_mean,selection_nmi_std,selection_ari_mean,selection_ari_std,final_dataset,"
        }
        var lines = [header + "acc_mean,acc_std,nmi_mean,nmi_std,ari_mean,ari_std,wall_seconds_mean,wall_seconds_std"]
        for r in rows {
            var fields = [
                RunSummary.csvField(r.method), RunSummary.csvField(r.gridPoint), String(r.runs), String(r.completed),
            ]
            if withSelection {
                fields.append(RunSummary.csvField(r.selection?.dataset ?? ""))
                fields += [r.selection?.acc, r.selection?.nmi, r.selection?.ari].flatMap {
                    [number($0?.mean), number($0?.std)]
                }
                fields.append(RunSummary.csvField(r.finalDataset))
            }
            fields +=
                [r.acc, r.nmi, r.ari].flatMap { [number($0?.mean), number($0?.std)] } + [
                    number(r.wallSeconds?.mean, 1), number(r.wallSeconds?.std, 1),
                ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ rows: [Row], title: String) -> String {
        func pm(_ v: (mean: Double, std: Double?)?, _ digits: Int = 4) -> String {
            meanPlusMinusStandardDeviation(v, digits)
        }
        func cell(_ text: String) -> String {
            text.isEmpty ? "–" : "`" + text.replacingOccurrences(of: "|", with: "\\|") + "`"
        }
        var out = "# Leaderboard of \(title)\n\n"
        out +=
            "\(rows.count) combination\(rows.count == 1 ? "" : "s") of method and grid point, \(rows.map(\.runs).reduce(0, +)) runs. "
        if let selected = rows.first(where: { $0.selection != nil })?.selection?.dataset {
            let finals = Set(rows.map(\.finalDataset).filter { !$0.isEmpty }).sorted().joined(separator: ", ")
            out +=
                "Mean ± sample standard deviation (n − 1) over the completed runs (seeds; the mean alone for one). Ranked by ACC on the selection dataset \"\(selected)\" (its last evaluation); "
                + "ACC, NMI and ARI on the final dataset (\(finals.isEmpty ? "unknown" : finals)) are reported beside it and played no part in the ranking.\n\n"
            out +=
                "| rank | method | grid point | runs (completed) | selection ACC | selection NMI | final ACC | final NMI | final ARI | wall time (s) |\n|---|---|---|---|---|---|---|---|---|---|\n"
            for (i, r) in rows.enumerated() {
                out +=
                    "| \(i + 1) | \(r.method) | \(cell(r.gridPoint)) | \(r.runs) (\(r.completed)) | \(pm(r.selection?.acc)) | \(pm(r.selection?.nmi)) | \(pm(r.acc)) | \(pm(r.nmi)) | \(pm(r.ari)) | \(pm(r.wallSeconds, 1)) |\n"
            }
            return out
        }
        out +=
            "Mean ± sample standard deviation (n − 1) over the completed runs (seeds; the mean alone for one); best ACC first within each method.\n\n"
        out +=
            "| method | grid point | runs (completed) | ACC | NMI | ARI | wall time (s) |\n|---|---|---|---|---|---|---|\n"
        for r in rows {
            out +=
                "| \(r.method) | \(cell(r.gridPoint)) | \(r.runs) (\(r.completed)) | \(pm(r.acc)) | \(pm(r.nmi)) | \(pm(r.ari)) | \(pm(r.wallSeconds, 1)) |\n"
        }
        return out
    }
}

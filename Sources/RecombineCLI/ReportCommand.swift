import ArgumentParser
import Foundation
import RecombineReport
import RecombineRunFiles
import RecombineTraining

/// `recombine report RUN_DIR...`: (re)builds run reports; with several runs, also a comparison page.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build report.html and plots of run directories; with several, also comparison.html.",
        discussion:
            "Each run directory gets report.html and plots/*.svg; a report newer than the run's files is kept as it is unless --tsne-points is given. With one run directory, --output DIR writes its report there instead (a committed run record stays untouched). With two or more run directories, comparison.html (final metrics side by side and overlaid curves) is written to --output (default: the current directory). A sweep folder (runs in folders below it, no run of its own) gets leaderboard.md and leaderboard.csv instead: one row per method and grid point, mean ± std over seeds. With --select-on, a sweep's rows are ranked across methods by the ACC of that dataset's last evaluation (a labelled validation slice of the training split, say), and the final dataset's scores are shown beside it without taking part in the ranking."
    )

    @Argument(help: "Run directories, or sweep folders.")
    var runDirectories: [String]

    @Option(
        help: ArgumentHelp(
            "One run: the directory for its report.html and plots/ (default: the run directory). Several runs: the directory for comparison.html (default: the current directory).",
            valueName: "dir"))
    var output: String?

    @Option(
        name: .customLong("tsne-points"),
        help: ArgumentHelp(
            "Points in the t-SNE plot (exact t-SNE, quadratic cost; 0 computes none and keeps an existing one; default \(RunReport.defaultTSNEPoints)). Given, it rebuilds reports that are up to date.",
            valueName: "N"))
    var tsnePoints: Int?

    @Option(
        name: .customLong("select-on"),
        help: ArgumentHelp(
            "For sweep folders: rank combinations by the ACC of this evaluation dataset (by its name in the method files), not by the final dataset's.",
            valueName: "dataset"))
    var selectOn: String?

    func validate() throws {
        if runDirectories.isEmpty { throw ValidationError("give at least one run directory") }
        if let tsnePoints, tsnePoints < 0 { throw ValidationError("--tsne-points must not be negative") }
        if let selectOn, selectOn.isEmpty { throw ValidationError("--select-on needs a dataset name") }
    }

    func run() throws {
        var failed = false
        let sweeps = runDirectories.filter(SweepLeaderboard.isSweep)
        if selectOn != nil && sweeps.isEmpty {
            printError("--select-on ranks the runs of a sweep folder, and none of the folders given is one")
            throw ExitStatus.failure
        }
        for directory in sweeps {
            do { print(try SweepLeaderboard.write(directory: directory, selectOn: selectOn)) } catch {
                printError("\(directory): \(error)"); failed = true
            }
        }
        let runDirectories = runDirectories.filter { !sweeps.contains($0) }
        // One run's report goes to --output when it is given; several runs' reports stay in their folders.
        let reportFolder = runDirectories.count == 1 ? output : nil
        if let reportFolder, let run = runDirectories.first, try Self.isAnotherRun(reportFolder, than: run) {
            printError(
                "--output \(reportFolder) is another run's folder; a report never writes into another run's folder")
            throw ExitStatus.failure
        }
        for directory in runDirectories {
            do {
                let report = try RunReport.update(directory: directory, tsnePoints: tsnePoints, output: reportFolder)
                print(report.reused ? "\(report.path) (up to date, kept)" : report.path)
            } catch { printError("\(directory): \(error)"); failed = true }
        }
        if runDirectories.count > 1 {
            do { print(try ComparisonReport.build(directories: runDirectories, outputDirectory: output ?? ".")) } catch
            {
                printError("comparison: \(error)"); failed = true
            }
        }
        if failed { throw ExitStatus.failure }
    }

    /// Whether `folder` holds a run (its result.json or run.json) other than `run` itself.
    static func isAnotherRun(_ folder: String, than run: String) throws -> Bool {
        let a = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath()
        let b = URL(fileURLWithPath: run).standardizedFileURL.resolvingSymlinksInPath()
        guard a.path != b.path else { return false }
        return [ResultFile.name, RunRecord.fileName].contains {
            FileManager.default.fileExists(atPath: a.appendingPathComponent($0).path)
        }
    }
}

import ArgumentParser
import Foundation
import RecombineData
import RecombineMethod
import RecombineReport
import RecombineTensor
import RecombineTraining

/// Runs one validated method with the command line's settings (once, or `--runs N` times with seeds
/// S, S+1, ...), builds each run's report, and continues interrupted runs.
enum MethodExecution {
    static func configuration(_ options: RunOptions, output: String?) -> RunConfiguration {
        var configuration = RunConfiguration()
        configuration.seed = options.seed
        configuration.iterationsScale = options.iterationsScale
        configuration.overrides = options.overrides.values
        let locations = DataLocations(dataRoot: options.dataRoot)
        configuration.dataDirectories = locations.searchDirectories
        configuration.dataCache = locations.cache
        configuration.outputDirectory = output
        configuration.replaceExisting = options.force
        applyOutputSettings(options, to: &configuration)
        return configuration
    }

    /// Directories searched for datasets: --data-root, then RECOMBINE_DATA (a resumed run searches the
    /// resuming command's, as its run.json names none).
    static func dataDirectories(_ options: RunOptions) -> [String] {
        [options.dataRoot, ProcessInfo.processInfo.environment["RECOMBINE_DATA"]].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// Console, log and checkpoint settings (also applied when resuming).
    static func applyOutputSettings(_ options: RunOptions, to configuration: inout RunConfiguration) {
        configuration.quiet = options.quiet
        configuration.logTimestamps = !options.noLogTimestamps
        configuration.writeLogFile = !options.noLogFiles
        configuration.oneLogFile = options.oneLogFile
        configuration.checkpointEvery = options.checkpointEvery ?? configuration.checkpointEvery
        configuration.checkpointSeconds = options.checkpointInterval
        configuration.stopAfterSteps = options.stopAfter
    }

    /// Runs `spec`; `output` is its run directory (or the parent of its `--runs`), nil for the default.
    static func execute(_ spec: MethodSpec, file: String, options: RunOptions, output: String?) throws {
        let base = configuration(options, output: output)
        guard options.runs > 1 else {
            try runOnce(spec, configuration: base, options: options)
            return
        }
        let firstSeed = options.seed ?? spec.seed ?? 0
        let parent = try base.outputDirectory ?? RunConfiguration.newDefaultRunDirectory(method: spec.name, suffix: "_\(options.runs)runs")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        var outcomes: [RunOutcome] = []
        var firstError: Error? = nil
        for i in 0..<options.runs {
            var c = base
            c.seed = firstSeed &+ UInt64(i)
            c.outputDirectory = (parent as NSString).appendingPathComponent("seed-\(c.seed!)")
            do { try runOnce(spec, configuration: c, options: options) }
            catch let stop as RunStopped { throw stop }
            catch {
                printError("Run \(i + 1) of \(options.runs) (seed \(c.seed!)) failed: \(error)")
                firstError = firstError ?? error
            }
            if let outcome = try? RunOutcome(directory: c.outputDirectory!) { outcomes.append(outcome) }
            try RunSummary.write(outcomes, to: parent)
        }
        print("\(spec.name): \(options.runs) runs — \(parent)/summary.md")
        print(RunSummary.markdown(outcomes).split(separator: "\n").dropFirst(2).prefix(3).joined(separator: "\n"))
        if let firstError { throw firstError }
    }

    static func runOnce(_ spec: MethodSpec, configuration: RunConfiguration, options: RunOptions) throws {
        let runner: MethodRunner
        do { runner = try MethodRunner(spec: spec, configuration: configuration) }
        catch let finished as RunDirectoryClaim.AlreadyFinished {
            print("\(spec.name): \(finished)")
            return
        }
        let result: RunResult
        do { result = try runner.run() }
        catch {
            if !options.noReport { buildReport(runner.result.runDirectory, quiet: true, tsnePoints: options.tsnePoints) }
            throw error
        }
        if !options.noReport { buildReport(result.runDirectory, quiet: options.quiet, tsnePoints: options.tsnePoints) }
        if let final = result.final, let acc = final.acc, let nmi = final.nmi, let ari = final.ari {
            print(String(format: "%@: ACC %.4f, NMI %.4f, ARI %.4f on %@ (%.1f s) — %@/result.json", spec.name, acc, nmi, ari, final.dataset, result.wallSeconds, result.runDirectory))
        } else {
            let clusters = result.clusterSummaries.last.map { summary in
                " — clusters of sizes \(summary.sizes)" + (summary.silhouette.map { String(format: ", silhouette %.4f", $0) } ?? "")
            } ?? ""
            print("\(spec.name): finished in \(String(format: "%.1f", result.wallSeconds)) s\(clusters) — \(result.runDirectory)/result.json")
        }
    }

    /// Builds report.html and the plots; a failure is reported but never fails the finished run.
    static func buildReport(_ directory: String, quiet: Bool, tsnePoints: Int) {
        do {
            let onTerminal = !quiet && isatty(STDERR_FILENO) != 0
            if onTerminal { FileHandle.standardError.write(Data("Building the report (plots, t-SNE of \(tsnePoints) points) …".utf8)) }
            defer { if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
            let page = try RunReport.build(directory: directory, tsnePoints: tsnePoints)
            if !quiet { print("Report: \(page)") }
        } catch {
            printError("Could not build the report of \(directory): \(error)")
        }
    }

    /// `recombine run --resume DIR`: the method and settings recorded in DIR, from its last checkpoint.
    static func resume(directory: String, options: RunOptions) throws {
        let record = try RunRecord.read(directory: directory)
        if let outcome = try? RunOutcome(directory: directory), outcome.status == "completed" {
            print("\(directory) is already complete (result.json status: completed); nothing to resume")
            return
        }
        if let threads = options.threads, threads != record.threads {
            printError("warning: the run used \(record.threads) threads; with \(threads) the numbers will differ from an uninterrupted run")
        }
        Threads.set(options.threads ?? record.threads)
        let loader = MethodLoader(store: try loadSchemaStore())
        let methodPath = (directory as NSString).appendingPathComponent("method.json")
        let outcome = loader.load(path: methodPath, baseDirectory: record.baseDirectory)
        guard let spec = outcome.spec else {
            for issue in outcome.issues { printError(issue.description) }
            throw ExitStatus.failure
        }
        var configuration = record.configuration
        configuration.dataDirectories = dataDirectories(options) + record.dataDirectories
        configuration.outputDirectory = directory
        configuration.resume = true
        applyOutputSettings(options, to: &configuration)
        do { try runOnce(spec, configuration: configuration, options: options) }
        catch let stop as RunStopped {
            printError(stop.description)
            throw stop.bySignal ? ExitCode(130) : ExitCode.success
        } catch {
            printError("Method \"\(spec.name)\" failed: \(error)")
            throw ExitStatus.failure
        }
    }
}

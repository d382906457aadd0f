import ArgumentParser
import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTraining

/// The `recombine` command: run, validate and describe clustering methods written as JSON files.
@main
struct Recombine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recombine",
        abstract: "Deep-learning clustering from JSON method files.",
        discussion: """
            Method files describe mappings (networks), a cluster-assignment strategy, training phases that \
            apply design patterns, and datasets. `recombine FILE...` is `recombine run FILE...`.
            """,
        version: "recombine \(recombineVersion) (revision \(SourceRevision.current))",
        subcommands: [
            Run.self, Validate.self, Describe.self, Patterns.self, Metrics.self, ClusterCommand.self, Report.self,
            Predict.self,
        ],
        defaultSubcommand: Run.self)

    /// Runs the command with recombine's exit statuses: usage errors exit with 2 (not EX_USAGE, 64).
    static func main() {
        BLASKernelSelection.reexecuteWithFasterKernelsIfNeeded()
        DataParallelStartup.start()
        var parsed = false
        do {
            var command = try parseAsRoot()
            parsed = true
            try command.run()
            DataParallelStartup.finish(status: 0)
        } catch {
            if exitCode(for: error) == .validationFailure {
                // A problem found while running (a data file, a value) is not a misuse of the arguments:
                // no usage lines, which would be the root command's here anyway.
                let message =
                    parsed ? "Error: " + ((error as? ValidationError)?.message ?? "\(error)") : fullMessage(for: error)
                FileHandle.standardError.write(Data((message + "\n").utf8))
                DataParallelStartup.finish(status: 2)
                Foundation.exit(2)
            }
            DataParallelStartup.finish(status: exitCode(for: error).rawValue)
            exit(withError: error)
        }
    }
}

/// Exit statuses: 0 all methods succeeded, 1 any failed, 2 usage error.
enum ExitStatus {
    static let failure = ExitCode(1)
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

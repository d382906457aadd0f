import ArgumentParser
import Foundation
import RecombineMethod

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
        subcommands: [Run.self, Validate.self, Describe.self, Patterns.self, Metrics.self, KMeansCommand.self],
        defaultSubcommand: Run.self)
}

/// Exit statuses: 0 all methods succeeded, 1 any failed, 2 usage error (ArgumentParser's default).
enum ExitStatus {
    static let failure = ExitCode(1)
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

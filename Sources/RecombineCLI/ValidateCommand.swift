import ArgumentParser
import Foundation
import RecombineData
import RecombineMethod
import RecombineTraining

/// `recombine validate PATH...`: every problem of every file, nothing trained.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check method files against the ontology and report every problem.",
        discussion: "Exit status 0 when every file is valid, 1 otherwise.")

    @Argument(help: "Method files, or directories whose *.json files are checked (in name order).")
    var paths: [String]

    @OptionGroup var overrides: OverrideOptions

    func run() throws {
        let loader = MethodLoader(store: try loadSchemaStore())
        let parsedOverrides = try overrides.parsed()
        let (files, missing) = MethodLoader.methodFiles(for: paths)
        for path in missing { printError("\(path): no such file or directory") }
        if files.isEmpty && missing.isEmpty {
            printError("no *.json method files found in \(paths.joined(separator: ", "))")
        }
        var failed = !missing.isEmpty || files.isEmpty
        for file in files {
            let outcome = loader.load(path: file, overrides: parsedOverrides)
            for ignored in outcome.spec?.ignoredSettings ?? [] { printError("\(file): warning: \(ignored)") }
            // Data files that exist are read and checked against the mappings, as a run would.
            let problems =
                outcome.issues.map(\.description)
                + (outcome.isValid ? DataFileChecks.issues(outcome.spec!, locations: DataLocations(dataRoot: nil)) : [])
            if problems.isEmpty {
                print("\(file): valid")
            } else {
                failed = true
                for problem in problems { print(problem) }
                print("\(file): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
            }
        }
        if failed { throw ExitStatus.failure }
    }
}

/// `--set /json/pointer=value`, shared by the commands that read method files.
struct OverrideOptions: ParsableArguments {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a value of the method file before it is checked: /json/pointer=value (repeatable; the value is JSON, or else a string).",
            valueName: "pointer=value"))
    var values: [String] = []

    /// The parsed overrides, or a usage error naming the malformed one.
    func parsed() throws -> [(JSONPointer, JSONValue)] {
        try values.map { text in
            guard let parsed = MethodLoader.parseOverride(text) else {
                throw ValidationError(
                    "--set expects /json/pointer=value, e.g. --set /datasets/0/batch_size=128; got '\(text)'")
            }
            return parsed
        }
    }
}

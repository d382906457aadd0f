import ArgumentParser
import Foundation
import RecombineMethod

/// `recombine describe FILE`: what a method file compiles to.
struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Show the compiled method: mappings with shapes and parameter counts, strategy, phases with patterns and optimizer groups."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, dot, json }

    @Argument(help: "A method file.")
    var file: String

    @Option(help: "Output format: text, dot (Graphviz) or json.")
    var format: Format = .text

    @OptionGroup var overrides: OverrideOptions

    func run() throws {
        let loader = MethodLoader(store: try loadSchemaStore())
        let outcome = loader.load(path: MethodLoader.resolvedPath(file), overrides: try overrides.parsed())
        guard let spec = outcome.spec else {
            for issue in outcome.issues { printError(issue.description) }
            throw ExitStatus.failure
        }
        let summary = MethodSummary(spec: spec)
        switch format {
        case .text: print(summary.text())
        case .dot: print(summary.dot())
        case .json: print(summary.json().serialized(indent: 2))
        }
    }
}

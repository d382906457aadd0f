import ArgumentParser
import Foundation
import RecombineTensor

/// `recombine-bench`: performance measurements kept out of the test suite. Each benchmark runs our
/// implementation and, when available, the reference implementation side by side in one process tree
/// on the same machine and thread count, and prints ratios.
@main
struct RecombineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recombine-bench",
        abstract: "Benchmarks of recombine against PyTorch / scikit-learn on this machine.",
        subcommands: [
            EngineBenchmark.self, MethodsBenchmark.self, KMeansBenchmark.self, AugmentBenchmark.self,
            AllreduceBenchmark.self,
        ])

    static func main() {
        BLASKernelSelection.reexecuteWithFasterKernelsIfNeeded()
        main(nil)
    }
}

import Foundation
import RecombineMethod

/// Runs one validated method.
enum MethodExecution {
    struct TrainerUnavailable: Error, CustomStringConvertible {
        let method: String
        var description: String {
            "method \"\(method)\" is valid, but this build of recombine has no trainer yet, so nothing was trained (see Docs/status.md)"
        }
    }

    static func execute(_ spec: MethodSpec, file: String, options: RunOptions) throws {
        print("Method \"\(spec.name)\" (\(file)): valid — \(spec.mappings.count) mappings, \(spec.phases.count) phases, \(spec.datasets.count) datasets")
        throw TrainerUnavailable(method: spec.name)
    }
}

import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTraining

/// Runs one validated method with the command line's settings.
enum MethodExecution {
    static func execute(_ spec: MethodSpec, file: String, options: RunOptions) throws {
        var configuration = RunConfiguration()
        configuration.seed = options.seed
        configuration.iterationsScale = options.iterationsScale
        configuration.dataDirectories = [options.dataRoot, ProcessInfo.processInfo.environment["RECOMBINE_DATA"]].compactMap { $0 }.filter { !$0.isEmpty }
        configuration.outputDirectory = options.output
        configuration.quiet = options.quiet
        configuration.logTimestamps = !options.noLogTimestamps
        configuration.writeLogFile = !options.noLogFiles
        configuration.oneLogFile = options.oneLogFile
        let runner = try MethodRunner(spec: spec, configuration: configuration)
        let result = try runner.run()
        if let final = result.final, let acc = final.acc, let nmi = final.nmi, let ari = final.ari {
            print(String(format: "%@: ACC %.4f, NMI %.4f, ARI %.4f on %@ (%.1f s) — %@/result.json", spec.name, acc, nmi, ari, final.dataset, result.wallSeconds, result.runDirectory))
        } else {
            print("\(spec.name): finished in \(String(format: "%.1f", result.wallSeconds)) s — \(result.runDirectory)/result.json")
        }
    }
}

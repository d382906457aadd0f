import Foundation
import RecombineMethod
import RecombineTraining

/// Writes a method text to a fresh directory, checks it like `recombine run`, and trains it quietly.
/// Directories are recorded in `directories` for the test's tearDown to remove.
func runMethodText(_ text: String, seed: UInt64? = nil, scale: Double = 1, directories: inout [URL]) throws -> RunResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    directories.append(directory)
    let file = directory.appendingPathComponent("method.json")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(path: file.path)
    guard let spec = outcome.spec else { throw TrainingError(outcome.issues.map(\.description).joined(separator: "\n")) }
    var configuration = RunConfiguration()
    configuration.seed = seed
    configuration.iterationsScale = scale
    configuration.quiet = true
    configuration.outputDirectory = directory.appendingPathComponent("run").path
    return try MethodRunner(spec: spec, configuration: configuration).run()
}

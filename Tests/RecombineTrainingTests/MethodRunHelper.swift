import Foundation
import RecombineMethod
import RecombineNN
import RecombineTraining
import XCTest

/// Writes a method text to a fresh directory and loads it like `recombine run` (schema and method checks).
/// The directory is recorded in `directories` for the test's tearDown to remove.
func loadMethodText(_ text: String, directories: inout [URL]) throws -> MethodSpec {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    directories.append(directory)
    let file = directory.appendingPathComponent("method.json")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(path: file.path)
    guard let spec = outcome.spec else {
        throw TrainingError(outcome.issues.map(\.description).joined(separator: "\n"))
    }
    return spec
}

/// Loads a method text (see `loadMethodText`) and trains it quietly into `run/` beside the file.
func runMethodText(_ text: String, seed: UInt64? = nil, scale: Double = 1, directories: inout [URL]) throws -> RunResult
{
    let spec = try loadMethodText(text, directories: &directories)
    var configuration = RunConfiguration()
    configuration.seed = seed
    configuration.iterationsScale = scale
    configuration.quiet = true
    configuration.outputDirectory = directories.last!.appendingPathComponent("run").path
    return try MethodRunner(spec: spec, configuration: configuration).run()
}

/// Weights of `mapping` saved by the run's `save_mapping_parameters` (the one file in `weights/<mapping>`).
func savedWeights(_ result: RunResult, _ mapping: String) throws -> [String: [Double]] {
    let directory = result.runDirectory + "/weights/\(mapping)"
    let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".safetensors") }
    XCTAssertEqual(files.count, 1, "\(files)")
    return try Safetensors.read(directory + "/" + files[0]).tensors.mapValues { $0.toDoubleArray() }
}

/// Trains a method text (see `runMethodText`) and returns its metrics.jsonl records and log.txt.
func runMethodTextReadingOutputs(_ text: String, directories: inout [URL]) throws -> (
    records: [[String: Any]], log: String
) {
    let result = try runMethodText(text, directories: &directories)
    let records = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8)
        .split(separator: "\n")
        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    return (records, try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8))
}

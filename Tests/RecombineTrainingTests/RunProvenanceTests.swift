import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineRunFiles
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// result.json's provenance and run.json say how a run was made and name no path of the machine.
final class RunProvenanceTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testARunInOnePieceRecordsItsScaleAndNoOverridesOrSegments() throws {
        let result = try runMethodText(TrainerTests.decMethod(), directories: &directories)
        XCTAssertEqual(result.provenance.iterationsScale, 1)
        XCTAssertEqual(result.provenance.overrides, [])
        XCTAssertEqual(result.provenance.threads, Threads.count)
        XCTAssertNil(result.provenance.segments, "a run in one piece has no segments")
    }

    func testResultAndRunFilesNameNoPathOfTheMachine() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-points-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        directories.append(data)
        var csv = "x,y,label\n"
        for i in 0..<60 { csv += "\(Double(i % 3) * 5),\(Double(i) * 0.01),\(i % 3)\n" }
        let points = data.appendingPathComponent("points.csv")
        try csv.write(to: points, atomically: true, encoding: .utf8)
        let file = data.appendingPathComponent("method.json")
        try DamagedTrainingInputTests.csvMethod(points.path, batch: 20).write(
            to: file, atomically: true, encoding: .utf8)
        let override = "/phases/1/exit_criteria/iterations=10"
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            path: file.path, overrides: [try XCTUnwrap(MethodLoader.parseOverride(override))])
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        var configuration = RunConfiguration()
        configuration.quiet = true; configuration.overrides = [override]
        configuration.outputDirectory = data.appendingPathComponent("run").path
        let result = try MethodRunner(spec: spec, configuration: configuration).run()

        XCTAssertEqual(result.provenance.overrides, [override])
        XCTAssertEqual(result.provenance.methodFileSHA256, try SHA256.hex(ofFile: file.path))
        XCTAssertEqual(result.dataFiles, ["\(data.lastPathComponent)/points.csv": try SHA256.hex(ofFile: points.path)])
        for name in ["result.json", "run.json"] {
            let json = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/" + name)))
            let absolute = Self.strings(in: json).filter { $0.hasPrefix("/") && $0 != override }
            XCTAssertEqual(absolute, [], "\(name) names paths of the machine")
        }
        let record = try RunRecord.read(directory: result.runDirectory)
        XCTAssertEqual(
            record.baseDirectory, URL(fileURLWithPath: spec.baseDirectory).resolvingSymlinksInPath().path,
            "run.json's relative base directory leads back to the method file's folder")
    }

    func testLoadedWeightsAndCentroidsAreNamedAsTheMethodFileGivesThemWithTheirHashes() throws {
        let first = try runMethodText(TrainerTests.decMethod(), directories: &directories)
        let base = try XCTUnwrap(directories.last)
        let weights = first.runDirectory + "/weights/tiny_dec_encoder.safetensors"
        let centroids = base.appendingPathComponent("centroids.safetensors").path
        try Safetensors.write(
            [("centroids", Tensor(doubles: [0, 0, 1, 1, 2, 2], shape: [3, 2], dtype: .float32))], to: centroids)
        let text = TrainerTests.decMethod()
            .replacingOccurrences(
                of: #""exit_criteria": {"iterations": 40},"#,
                with:
                    #""exit_criteria": {"iterations": 40}, "load_mapping_parameters": [{"mapping_name": "encoder", "path_to_file": "run/weights/tiny_dec_encoder.safetensors"}],"#
            )
            .replacingOccurrences(
                of: #""centroid_initialization_strategy": "classical_clustering","#,
                with:
                    #""centroid_initialization_strategy": "load_from_file", "centroid_file_path": "centroids.safetensors","#
            )
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            text: text, file: base.appendingPathComponent("second.json").path, baseDirectory: base.path)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        var configuration = RunConfiguration()
        configuration.quiet = true
        configuration.outputDirectory = base.appendingPathComponent("second").path
        let second = try MethodRunner(spec: spec, configuration: configuration).run()

        let expected = [
            "run/weights/tiny_dec_encoder.safetensors": try SHA256.hex(ofFile: weights),
            "centroids.safetensors": try SHA256.hex(ofFile: centroids),
        ]
        XCTAssertEqual(second.loadedFiles, expected)
        XCTAssertEqual(try ResultFile.read(directory: second.runDirectory).loadedFilesSHA256, expected)
        XCTAssertNil(try ResultFile.read(directory: first.runDirectory).loadedFilesSHA256, "nothing loaded, no field")
    }

    func testRelativeBaseDirectoriesLeadBackFromTheRunDirectory() {
        for (base, run, stored) in [
            ("/a/b/Configurations", "/a/b/runs/x", "../../Configurations"), ("/a/b", "/a/b/run", ".."),
            ("/a/b", "/a/b", "."), ("/a/b/c", "/a/b", "c"),
        ] {
            XCTAssertEqual(RunRecord.relativePath(of: base, from: run), stored)
            XCTAssertEqual(RunRecord.resolve(stored, from: run), base)
        }
    }

    /// Every string of a JSON value, object keys included.
    static func strings(in value: Any) -> [String] {
        if let s = value as? String { return [s] }
        if let a = value as? [Any] { return a.flatMap { strings(in: $0) } }
        if let o = value as? [String: Any] { return o.flatMap { [$0.key] + strings(in: $0.value) } }
        return []
    }
}

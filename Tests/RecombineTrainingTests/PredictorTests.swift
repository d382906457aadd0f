import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

final class PredictorTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// Predicting the training data from a CSV gives the run's own final assignments.
    func testPredictsTheTrainingDataLikeTheRun() throws {
        let result = try runMethodText(TrainerTests.decMethod(), directories: &directories)
        let final = try Safetensors.read(result.runDirectory + "/final.safetensors").tensors
        let expected = try XCTUnwrap(final["analysis/predictions"]).toDoubleArray().map { Int($0) }
        let data = SyntheticDatasets.threeGaussians(seed: 1)
        var csv = "x,y,label\n"
        for i in 0..<data.count { csv += "\(data.features[2 * i]),\(data.features[2 * i + 1]),\(data.labels![i])\n" }
        let file = directories.last!.appendingPathComponent("points.csv").path
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let record = try RunRecord.read(directory: result.runDirectory)
        let spec = try XCTUnwrap(
            MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
                path: result.runDirectory + "/method.json", baseDirectory: record.baseDirectory
            ).spec)
        let predictor = try Predictor(runDirectory: result.runDirectory, spec: spec)
        let features = try FeatureFiles.csv(path: file, labelColumn: "label", name: "points")
        let q = try predictor.softAssignments(features)
        XCTAssertEqual(q.shape, [4500, 3])
        XCTAssertEqual(q.argmax(axis: 1), expected)
        // Wrong sample shape: named, not crashed.
        let wide = FileManager.default.temporaryDirectory.appendingPathComponent("wide-\(UUID().uuidString).csv")
        try "1,2,3\n4,5,6\n".write(to: wide, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: wide) }
        XCTAssertThrowsError(try predictor.softAssignments(try Predictor.loadData(wide.path))) { error in
            XCTAssertTrue("\(error)".contains("shape [3]") && "\(error)".contains("[2]"), "\(error)")
        }
        XCTAssertThrowsError(try Predictor.loadData("/nonexistent/file.npy"))
    }

    /// A run that standardised its CSV columns scales new data with its training statistics (it used to feed
    /// them unscaled: ACC 0.48 where the run had 1.0), reads the new file with the run's label column when it
    /// has one and without it otherwise, keeps the statistics in checkpoints, and refuses a final file that
    /// lacks them instead of predicting from unscaled data.
    func testAStandardizedRunScalesNewDataWithItsTrainingStatistics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("recombine-std-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        directories.append(directory)
        var g = RandomGenerator(seed: 3)
        var labelled = "width,height,species\n", unlabelled = "width,height\n"
        for i in 0..<300 {
            let c = Double(i % 3)
            let row =
                "\(1000 * c + Double.random(in: -50...50, using: &g)),\(0.01 * c + Double.random(in: -5e-4...5e-4, using: &g))"
            labelled += row + ",\(["a", "b", "c"][i % 3])\n"
            unlabelled += row + "\n"
        }
        let labelledFile = directory.appendingPathComponent("labelled.csv").path
        let unlabelledFile = directory.appendingPathComponent("unlabelled.csv").path
        try labelled.write(toFile: labelledFile, atomically: true, encoding: .utf8)
        try unlabelled.write(toFile: unlabelledFile, atomically: true, encoding: .utf8)
        let method = TrainerTests.decMethod().replacingOccurrences(
            of: #"{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100,"#,
            with:
                #"{"dataset": "CSV", "path": "\#(labelledFile)", "label_column": "species", "standardize": true, "batch_size": 50,"#
        )
        XCTAssertNotEqual(method, TrainerTests.decMethod(), "the dataset entry was not replaced")
        let result = try runMethodText(method, directories: &directories)
        let finalFile = result.runDirectory + "/final.safetensors"
        let (final, metadata) = try Safetensors.read(finalFile)
        let expected = try XCTUnwrap(final["analysis/predictions"]).toDoubleArray().map { Int($0) }
        let spec = try XCTUnwrap(
            MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
                path: result.runDirectory + "/method.json",
                baseDirectory: try RunRecord.read(directory: result.runDirectory).baseDirectory
            ).spec)
        let predictor = try Predictor(runDirectory: result.runDirectory, spec: spec)
        let withLabels = try predictor.read(labelledFile), withoutLabels = try predictor.read(unlabelledFile)
        XCTAssertEqual(withLabels.labels?.count, 300)
        XCTAssertNil(withoutLabels.labels)
        XCTAssertEqual(try predictor.softAssignments(withLabels).argmax(axis: 1), expected)
        XCTAssertEqual(try predictor.softAssignments(withoutLabels).argmax(axis: 1), expected)
        XCTAssertEqual(
            try predictor.features(withoutLabels).toDoubleArray(), try predictor.features(withLabels).toDoubleArray())

        // A final file without the statistics (as written before they were kept) is refused.
        var stripped = final
        stripped[StandardizationRecord.meanKey] = nil
        stripped[StandardizationRecord.stdKey] = nil
        try Safetensors.write(
            stripped.map { (name: $0.key, tensor: $0.value) }.sorted { $0.name < $1.name }, metadata: metadata,
            to: finalFile)
        XCTAssertThrowsError(try Predictor(runDirectory: result.runDirectory, spec: spec)) { error in
            XCTAssertTrue(
                "\(error)".contains("\"standardize\": true") && "\(error)".contains("no column statistics"), "\(error)")
        }

        // A checkpoint keeps them too.
        var configuration = RunConfiguration()
        configuration.quiet = true
        configuration.checkpointSeconds = 0
        configuration.stopAfterSteps = 3
        configuration.outputDirectory = directory.appendingPathComponent("stopped").path
        XCTAssertThrowsError(try MethodRunner(spec: spec, configuration: configuration).run()) { error in
            XCTAssertTrue(error is RunStopped, "\(error)")
        }
        let fromCheckpoint = try Predictor(
            runDirectory: configuration.outputDirectory!, spec: spec, fromCheckpoint: true)
        XCTAssertEqual(fromCheckpoint.standardization?.mean.count, 2)
        XCTAssertEqual(fromCheckpoint.standardization, predictor.standardization)
    }
}

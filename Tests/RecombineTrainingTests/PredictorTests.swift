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
}

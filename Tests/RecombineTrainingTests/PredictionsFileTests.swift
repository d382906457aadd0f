import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// `predictions.csv` of a run directory: every sample's cluster and label, at its position in the
/// dataset's files, scoring as result.json says.
final class PredictionsFileTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testPredictionsFileListsEverySampleWithItsClusterAndLabel() throws {
        let result = try runMethodText(TrainerTests.decMethod(), directories: &directories)
        let rows = try PredictionsFile.rows(
            Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/predictions.csv")))
        let truth = try XCTUnwrap(SyntheticDatasets.threeGaussians(seed: 1).labels)
        XCTAssertEqual(rows.map(\.index), Array(truth.indices))
        XCTAssertEqual(rows.map(\.label), truth.map { $0 })
        let clusters = rows.map(\.cluster), end = try XCTUnwrap(result.endOfTraining.last)
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: truth, prediction: clusters), end.acc)
        XCTAssertEqual(ClusteringMetrics.nmi(truth: truth, prediction: clusters), end.nmi)
        XCTAssertEqual(ClusteringMetrics.ari(truth: truth, prediction: clusters), end.ari)
        XCTAssertEqual(result.predictionsDataset, "GaussianMixture")
    }

    func testASampleRangeKeepsEachSamplesPositionInTheFiles() throws {
        let method = try MethodDocument(TrainerTests.decMethod())
            .setting("/datasets/0/index_of_first_sample_to_use", 1000)
            .setting("/datasets/0/index_of_last_sample_to_use", 1999).text
        let result = try runMethodText(method, directories: &directories)
        let rows = try PredictionsFile.rows(
            Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/predictions.csv")))
        XCTAssertTrue(
            rows.map(\.index) == Array(1000..<2000),
            "indices \(rows.first?.index ?? -1)…\(rows.last?.index ?? -1), expected 1000…1999")
        let truth = try XCTUnwrap(SyntheticDatasets.threeGaussians(seed: 1).labels)
        XCTAssertEqual(rows.map(\.label), truth[1000..<2000].map { $0 })
    }
}

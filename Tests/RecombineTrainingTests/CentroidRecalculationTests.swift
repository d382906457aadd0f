import Foundation
import RecombineTestSupport
import RecombineTraining
import XCTest

/// Centroid recalculation by classical clustering runs k-means with its own restarts, whatever
/// initialised the centroids (it used to call the initialisation again, so centroids initialised from
/// random samples were re-drawn from random samples, and k-means took the initialisation's restarts).
final class CentroidRecalculationTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testRecalculationByClassicalClusteringIsKMeansWithItsOwnRestarts() throws {
        let strategy = "/cluster_assignment_strategy"
        let method = try MethodDocument(TrainerTests.decMethod())
            .setting("\(strategy)/centroid_initialization_strategy", "random_feature_representations")
            .setting("\(strategy)/centroid_recalculation_strategy", "classical_clustering")
            .setting("\(strategy)/centroid_recalculation_interval", 15)
            .setting("\(strategy)/centroid_recalculation_classical_clustering_num_restarts", 2).text
        let result = try runMethodText(method, directories: &directories)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains("Initialized feature-space centroids (features of 3 random samples)"), log)
        let recalculations = log.split(separator: "\n").filter { $0.contains("Recalculated feature-space centroids") }
        XCTAssertEqual(recalculations.count, 2, log)  // iterations 15 and 30 of 40
        for line in recalculations { XCTAssertTrue(line.contains("(2 restarts,"), String(line)) }
    }
}

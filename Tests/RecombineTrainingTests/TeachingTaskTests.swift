import Foundation
import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// The course project's teaching tasks in Configurations/.
final class TeachingTaskTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    static let configurations = URL(fileURLWithPath: TrainerTests.schemaDirectory).deletingLastPathComponent()
        .appendingPathComponent("Configurations")

    /// Task 1: k-means on the three Gaussians records a non-increasing inertia per Lloyd iteration and
    /// centroids at the two isotropic clusters' means (0, 0) and (13, 13).
    func testKMeansOnThreeGaussians() throws {
        let text = try String(
            contentsOf: Self.configurations.appendingPathComponent("kmeans_gaussians.json"), encoding: .utf8)
        let result = try runMethodText(text, directories: &directories)
        XCTAssertGreaterThan(try XCTUnwrap(result.final?.acc), 0.99)
        let inertia = try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(
            separator: "\n"
        )
        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["kind"] as? String == "kmeans" }.compactMap { ($0["inertia"] as? NSNumber)?.doubleValue }
        XCTAssertGreaterThanOrEqual(inertia.count, 2)
        for (a, b) in zip(inertia, inertia.dropFirst()) {
            XCTAssertLessThanOrEqual(b, a * (1 + 1e-6), "inertia rose: \(inertia)")
        }
        let centers = try XCTUnwrap(
            try Safetensors.read(result.runDirectory + "/final.safetensors").tensors["kmeans/centroids"])
        XCTAssertEqual(centers.shape, [3, 2])
        let c = centers.toFloatArray()
        let rows = (0..<3).map { (Double(c[2 * $0]), Double(c[2 * $0 + 1])) }
        for target in [(0.0, 0.0), (13.0, 13.0)] {
            let nearest = rows.map { ($0.0 - target.0) * ($0.0 - target.0) + ($0.1 - target.1) * ($0.1 - target.1) }
                .min()!
            XCTAssertLessThan(nearest.squareRoot(), 0.15, "no centroid near \(target): \(rows)")
        }
    }
}

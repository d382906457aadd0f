import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The centroid strategy's soft assignments against their paper's formula, computed here by hand.
final class ClusterAssignmentTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// DEC's Student-t soft assignment with α = 1: q_ik = (1 + ‖z_i − μ_k‖²)⁻¹ / Σ_k' (1 + ‖z_i − μ_k'‖²)⁻¹,
    /// and log q as its logits. (Training tests would pass with a sharper or flatter kernel.)
    func testStudentTAssignmentsAreDECsKernel() throws {
        let method = try loadMethodText(TrainerTests.decMethod(), directories: &directories)
        var g = RandomGenerator(seed: 3)
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: try MappingSet(specs: method.mappings, generator: &g),
            numClusters: 3, seed: 0, referenceNumerics: false)
        strategy.centroids = Tensor([0, 1, -2, 0.5, 3, -1] as [Float], shape: [3, 2])
        let x = Tensor.normal([5, 2], generator: &g)
        let z = strategy.features(x).toDoubleArray(), mu = strategy.centroids!.toDoubleArray()
        var expected: [Double] = []
        for i in 0..<5 {
            let kernel = (0..<3).map { k in
                1 / (1 + (0..<2).reduce(0.0) { $0 + Foundation.pow(z[2 * i + $1] - mu[2 * k + $1], 2) })
            }
            expected += kernel.map { $0 / kernel.reduce(0, +) }
        }
        assertClose(try strategy.assignments(x, logits: false).toDoubleArray(), expected, tolerance: 1e-5)
        assertClose(
            try strategy.assignments(x, logits: true).toDoubleArray(), expected.map { Foundation.log($0) },
            tolerance: 1e-5)
    }
}

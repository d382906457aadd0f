import Foundation
import RecombineClustering
import RecombineData
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

    /// `centroid_initialization_classical_clustering_method: gaussian_mixture` starts the centroids at the means of a
    /// Gaussian mixture of every sample's features, fitted with the strategy's restarts and the schema's default
    /// covariance regularisation from the one seed it draws, as k-means would draw it.
    func testGaussianMixtureInitializationSetsTheCentroidsToTheMixtureMeansOfTheFeatures() throws {
        let strategyPointer = "/cluster_assignment_strategy"
        let text = try MethodDocument(TrainerTests.decMethod())
            .setting("\(strategyPointer)/centroid_initialization_classical_clustering_method", "gaussian_mixture")
            .setting("\(strategyPointer)/centroid_initialization_gaussian_mixture_restarts", 2).text
        let method = try loadMethodText(text, directories: &directories)
        XCTAssertEqual(method.strategy.initializationClustering, .gaussianMixture)
        XCTAssertEqual(method.strategy.initializationGaussianMixtureCovarianceRegularization, 1e-6)
        var g = RandomGenerator(seed: 3)
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: try MappingSet(specs: method.mappings, generator: &g),
            numClusters: 3, seed: 0, referenceNumerics: false)
        // Three elongated groups, where a mixture's means and k-means' centres differ.
        var points: [Float] = []
        for (i, center) in [(-4.0, 0.0), (0.0, 3.0), (5.0, -1.0)].enumerated() {
            for _ in 0..<80 {
                let a = g.nextNormal(), b = g.nextNormal()
                points += [Float(center.0 + (i == 1 ? 3 : 0.5) * a), Float(center.1 + (i == 1 ? 0.5 : 2) * b)]
            }
        }
        let data = FeatureDataset(name: "points", features: points, dimension: 2, labels: nil)
        var draws = RandomGenerator(seed: 11)
        let how = try strategy.initializeCentroids(
            data, pipeline: TransformPipeline([]), baseDirectory: "", generator: &draws)
        XCTAssertTrue(how.hasPrefix("a Gaussian mixture on 240 feature vectors (full covariances, 2 restarts"), how)

        var expectedDraws = RandomGenerator(seed: 11)
        let features = strategy.allFeatures(data, pipeline: TransformPipeline([]))
        let fit = try GaussianMixture(components: 3, restarts: 2, seed: expectedDraws.next()).fit(features)
        let centroids = try XCTUnwrap(strategy.centroids)
        XCTAssertEqual(centroids.shape, [3, 2])
        assertClose(centroids.toDoubleArray(), fit.means, tolerance: 1e-6)
        XCTAssertEqual(draws.next(), expectedDraws.next(), "the initialisation draws one number, as k-means does")
        let kmeans = try KMeans(k: 3, nInit: 1, seed: 1).fit(features).centers.map(Double.init)
        XCTAssertGreaterThan(maxAbsoluteDifference(fit.means.sorted(), kmeans.sorted()), 1e-3)
    }
}

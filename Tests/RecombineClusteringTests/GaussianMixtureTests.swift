import Foundation
import RecombineClustering
import RecombineTensor
import RecombineTestSupport
import XCTest

final class GaussianMixtureTests: XCTestCase {
    /// scikit-learn's GaussianMixture(covariance_type="full") started from the parameters that the
    /// one-hot responsibilities of the given labels give (its own M-step, reg_covar included); prints
    /// the iterations, whether it converged, the mean log-likelihood of the final parameters, the
    /// labels, weights, means and covariances as JSON.
    static let oracle = """
        import json, sys, warnings, numpy as np
        from sklearn.mixture import GaussianMixture
        from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters
        d = json.load(open(sys.argv[1])); x = np.array(d['x']).reshape(d['n'], -1); k = d['k']
        resp = np.eye(k)[np.array(d['labels'])]
        weights, means, covariances = _estimate_gaussian_parameters(x, resp, 1e-6, 'full')
        gm = GaussianMixture(k, covariance_type='full', tol=1e-3, reg_covar=1e-6, max_iter=100,
                             weights_init=weights / len(x), means_init=means,
                             precisions_init=np.array([np.linalg.inv(c) for c in covariances]))
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            labels = gm.fit_predict(x)
        print(json.dumps({'iterations': int(gm.n_iter_), 'converged': bool(gm.converged_), 'score': gm.score(x),
                          'labels': labels.tolist(), 'weights': gm.weights_.tolist(),
                          'means': gm.means_.ravel().tolist(), 'covariances': gm.covariances_.ravel().tolist()}))
        """

    /// n points of three elongated, rotated Gaussians in d dimensions (the first two carry the shape,
    /// the rest is isotropic noise), with their true components.
    static func elongatedClusters(n: Int, d: Int, seed: UInt64) -> ([Double], [Int]) {
        var generator = RandomGenerator(seed: seed)
        var x: [Double] = [], truth: [Int] = []
        let centres: [(Double, Double)] = [(0, 0), (0, 3), (6, 1)]
        let angles = [0.0, 0.3, 1.2]
        for i in 0..<n {
            let c = i % 3
            let (u, v) = (4 * generator.nextNormal(), 0.4 * generator.nextNormal())
            let (s, t) = (sin(angles[c]), cos(angles[c]))
            x += [centres[c].0 + t * u - s * v, centres[c].1 + s * u + t * v]
            for _ in 2..<d { x.append(0.5 * generator.nextNormal()) }
            truth.append(c)
        }
        return (x, truth)
    }

    /// From the same start, EM gives scikit-learn's iterations, convergence, final mean log-likelihood,
    /// labels, weights, means and covariances, in 2 and 6 dimensions.
    func testEMFromTheSameStartMatchesScikitLearn() throws {
        try PythonOracle.require(["numpy", "sklearn"])
        for (d, seed) in [(2, 1 as UInt64), (6, 2)] {
            let n = 900, k = 3
            let (x, _) = Self.elongatedClusters(n: n, d: d, seed: seed)
            let data = Tensor(x, shape: [n, d])
            let start = try KMeans(k: k, nInit: 1, seed: seed).fit(data).labels
            let ours = try GaussianMixture(components: k).fit(data, initialLabels: start)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("gmm-\(UUID().uuidString).json")
            try JSONSerialization.data(withJSONObject: ["x": x, "n": n, "k": k, "labels": start]).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let output = try PythonOracle.run(Self.oracle, arguments: [file.path])
            let theirs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let context = "d = \(d)"
            XCTAssertEqual(ours.iterations, theirs["iterations"] as? Int, context)
            XCTAssertEqual(ours.converged, theirs["converged"] as? Bool, context)
            XCTAssertEqual(ours.labels, try XCTUnwrap(theirs["labels"] as? [Int]), context)
            assertClose(ours.meanLogLikelihood, try XCTUnwrap(theirs["score"] as? Double), tolerance: 1e-9)
            assertClose(ours.weights, try XCTUnwrap(theirs["weights"] as? [Double]), tolerance: 1e-9)
            assertClose(ours.means, try XCTUnwrap(theirs["means"] as? [Double]), tolerance: 1e-9)
            assertClose(ours.covariances, try XCTUnwrap(theirs["covariances"] as? [Double]), tolerance: 1e-9)
        }
    }

    /// On three sheared, elongated clusters (scikit-learn's "anisotropic blobs") k-means draws its
    /// boundaries halfway between centres and misassigns the clusters' tails; the mixture recovers them:
    /// what the mixture is for.
    func testSeparatesShearedClustersBetterThanKMeans() throws {
        let n = 1500
        var generator = RandomGenerator(seed: 7)
        var x: [Double] = [], truth: [Int] = []
        let centres: [(Double, Double)] = [(0, 0), (5, 0), (2.5, 4.5)]
        for i in 0..<n {
            let c = i % 3
            let (u, v) = (centres[c].0 + generator.nextNormal(), centres[c].1 + 0.3 * generator.nextNormal())
            x += [0.6 * u - 0.4 * v, -0.6 * u + 0.8 * v]
            truth.append(c)
        }
        let data = Tensor(x, shape: [n, 2])
        let mixture = try GaussianMixture(components: 3, restarts: 3, seed: 3).fit(data)
        let kmeans = try KMeans(k: 3, nInit: 10, seed: 3).fit(data)
        let mixtureARI = ClusteringMetrics.ari(truth: truth, prediction: mixture.labels)
        let kmeansARI = ClusteringMetrics.ari(truth: truth, prediction: kmeans.labels)
        XCTAssertGreaterThan(mixtureARI, 0.95)
        XCTAssertLessThan(kmeansARI, 0.9)
        XCTAssertTrue(mixture.converged)
        XCTAssertEqual(mixture.weights.reduce(0, +), 1, accuracy: 1e-12)
    }

    /// Restarts keep the one of highest mean log-likelihood; one seed gives one result.
    func testRestartsKeepTheBestLikelihoodAndAreSeeded() throws {
        let n = 600, d = 3
        let data = Tensor(Self.elongatedClusters(n: n, d: d, seed: 11).0, shape: [n, d])
        let single = try (0..<4).map { _ in try GaussianMixture(components: 3, seed: 5).fit(data) }
        XCTAssertEqual(Set(single.map(\.meanLogLikelihood)).count, 1)
        let best = try GaussianMixture(components: 3, restarts: 6, seed: 5).fit(data)
        XCTAssertGreaterThanOrEqual(best.meanLogLikelihood, single[0].meanLogLikelihood)
        XCTAssertTrue((0..<6).contains(best.bestRun))
    }

    /// Bad data and settings are errors that say what is wrong, never a crash.
    func testBadInputThrowsDescriptiveErrors() {
        let finite = Tensor([0, 0, 1, 1, 2, 2, 3, 3] as [Double], shape: [4, 2])
        let cases: [(String, () throws -> GaussianMixture.Result)] = [
            (
                "sample 0 has a non-finite value (nan) at feature 1",
                { try GaussianMixture(components: 2).fit(Tensor([0, .nan, 1, 1] as [Double], shape: [2, 2])) }
            ),
            ("cannot form 5 components", { try GaussianMixture(components: 5).fit(finite) }),
            ("expected [n, d] data", { try GaussianMixture(components: 1).fit(Tensor([1, 2, 3] as [Double])) }),
            (
                "4 initial labels in 0..<2",
                { try GaussianMixture(components: 2).fit(finite, initialLabels: [0, 1, 2, 0]) }
            ),
            ("must be at least 1", { try GaussianMixture(components: 2, restarts: 0).fit(finite) }),
            (
                "covariance is not positive definite",
                {
                    try GaussianMixture(components: 2, covarianceRegularization: 0)
                        .fit(
                            Tensor([0, 0, 0, 0, 5, 5, 5, 5] as [Double], shape: [4, 2]), initialLabels: [0, 0, 1, 1])
                }
            ),
        ]
        for (expected, run) in cases {
            XCTAssertThrowsError(try run()) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(expected): \(error)")
            }
        }
    }
}

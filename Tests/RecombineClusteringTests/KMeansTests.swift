import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor
import RecombineTestSupport
import XCTest

final class KMeansTests: XCTestCase {
    func testRecoversSeparatedBlobsAndIsSeeded() throws {
        let data = SyntheticDatasets.blobs(samples: 600, features: 3, centers: [[0, 0, 0], [10, 10, 10], [-10, 10, 0], [10, -10, 5]], centerCount: 4, std: 0.5, box: (0, 0), seed: 1)
        let x = Tensor(data.features, shape: [600, 3])
        let result = try KMeans(k: 4, nInit: 3, seed: 7).fit(x)
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: data.labels!, prediction: result.labels), 1)
        // Inertia is the sum of squared distances to the assigned centres.
        var inertia = 0.0
        for i in 0..<600 { for j in 0..<3 { let d = Double(data.features[i * 3 + j] - result.centers[result.labels[i] * 3 + j]); inertia += d * d } }
        XCTAssertEqual(result.inertia, inertia, accuracy: inertia * 1e-4)
        XCTAssertEqual(try KMeans(k: 4, nInit: 3, seed: 7).fit(x).labels, result.labels)
        XCTAssertThrowsError(try KMeans(k: 700).fit(x))
    }

    /// Both sides of the comparison: scikit-learn recomputes the inertia of our labels and centres (so a
    /// miscomputed, too-low inertia fails), and our best of 10 restarts is within 0.5 % of its best of 10.
    func testInertiaIsHonestAndAsLowAsScikitLearns() throws {
        try PythonOracle.require(["sklearn"])
        let data = SyntheticDatasets.blobs(samples: 3000, features: 8, centers: nil, centerCount: 12, std: 2.5, box: (-6, 6), seed: 3)
        let ours = try KMeans(k: 12, nInit: 10, seed: 0).fit(Tensor(data.features, shape: [3000, 8]))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kmeans-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["x": data.features.map(Double.init), "centers": ours.centers.map(Double.init), "labels": ours.labels]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
        import json, sys, numpy as np
        from sklearn.cluster import KMeans
        d = json.load(open(sys.argv[1])); x = np.array(d['x'], dtype=np.float32).reshape(-1, 8)
        c = np.array(d['centers'], dtype=np.float64).reshape(-1, 8); labels = np.array(d['labels'])
        print(((x.astype(np.float64) - c[labels]) ** 2).sum(), KMeans(12, n_init=10, random_state=0, algorithm='lloyd').fit(x).inertia_)
        """
        let output = try PythonOracle.run(script, arguments: [file.path]).split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(output.count, 2, "\(output)")
        let (recomputed, theirs) = (output[0], output[1])
        assertClose(ours.inertia, recomputed, tolerance: 1e-5, "our reported inertia against scikit-learn's recomputation")
        XCTAssertLessThanOrEqual(ours.inertia, theirs * 1.005, "ours \(ours.inertia) vs scikit-learn \(theirs)")
    }

    /// Hamerly's bounds only skip distance computations: labels, centres, iteration count and the inertia
    /// curve equal those of full Lloyd passes, on both distance loops (few features transposed across 16 or
    /// 64 centres, many features row by row) and beyond 64 centres.
    func testBoundsGiveTheSameResultAsFullPasses() throws {
        for (features, clusters, std) in [(3, 5, 2.0), (10, 10, 1.5), (100, 8, 4.0), (12, 40, 1.0), (5, 70, 0.8)] {
            let data = SyntheticDatasets.blobs(samples: 2500, features: features, centers: nil, centerCount: clusters, std: std, box: (-5, 5), seed: UInt64(features))
            let x = Tensor(data.features, shape: [2500, features])
            let bounded = try KMeans(k: clusters, nInit: 2, seed: 3, usesBounds: true).fit(x)
            let full = try KMeans(k: clusters, nInit: 2, seed: 3, usesBounds: false).fit(x)
            let context = "d=\(features) k=\(clusters)"
            XCTAssertEqual(zip(bounded.labels, full.labels).filter { $0 != $1 }.count, 0, "labels differ, \(context)")
            XCTAssertEqual(bounded.iterations, full.iterations, context)
            XCTAssertGreaterThan(bounded.iterations, 2, context)
            XCTAssertEqual(bounded.inertia, full.inertia, accuracy: full.inertia * 1e-6, context)
            for (a, b) in zip(bounded.centers, full.centers) { XCTAssertEqual(a, b, accuracy: 1e-4, context) }
            XCTAssertEqual(bounded.inertiaHistory.count, full.inertiaHistory.count, context)
            for (a, b) in zip(bounded.inertiaHistory, full.inertiaHistory) { XCTAssertEqual(a, b, accuracy: b * 1e-4 + 1e-6, context) }
        }
    }

    /// Three distinct points repeated and four clusters: seeding repeats a centre, a cluster empties and is
    /// relocated (scikit-learn's rule); both assignment loops end with zero inertia.
    func testEmptyClusterIsRelocatedWithAndWithoutBounds() throws {
        let points: [[Float]] = [[0, 0], [5, 5], [-5, 5]]
        let x = Tensor((0..<300).flatMap { points[$0 % 3] }, shape: [300, 2])
        for usesBounds in [true, false] {
            let result = try KMeans(k: 4, nInit: 1, seed: 1, usesBounds: usesBounds).fit(x)
            XCTAssertEqual(result.inertia, 0, accuracy: 1e-6, "usesBounds \(usesBounds)")
            XCTAssertFalse(result.centers.contains { !$0.isFinite })
            for point in points {
                XCTAssertTrue((0..<4).contains { c in abs(result.centers[c * 2] - point[0]) + abs(result.centers[c * 2 + 1] - point[1]) < 1e-5 }, "\(point) is a centre")
            }
        }
    }

    func testPCAMatchesNumpy() throws {
        let x = Tensor([2.5, 2.4, 0.5, 0.7, 2.2, 2.9, 1.9, 2.2, 3.1, 3.0, 2.3, 2.7, 2.0, 1.6, 1.0, 1.1, 1.5, 1.6, 1.1, 0.9] as [Double], shape: [10, 2])
        let pca = try PCA(data: x, components: 2)
        // numpy: eigh(cov(x.T)) → variances 1.28402771, 0.0490834; first component ±(0.6778734, 0.73517866).
        XCTAssertEqual(pca.explainedVariance[0], 1.28402771, accuracy: 1e-7)
        XCTAssertEqual(pca.explainedVariance[1], 0.0490834, accuracy: 1e-7)
        XCTAssertEqual(Swift.abs(pca.components[0]), 0.6778734, accuracy: 1e-7)
        XCTAssertEqual(pca.transform(x).shape, [10, 2])
    }
}

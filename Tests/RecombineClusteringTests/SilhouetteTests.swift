import Foundation
import RecombineClustering
import RecombineTensor
import RecombineTestSupport
import XCTest

/// The silhouette of unlabelled clusterings, by hand and against scikit-learn.
final class SilhouetteTests: XCTestCase {
    func testHandComputedAndUndefinedCases() throws {
        // Points 0, 1 | 10, 11 | 30 (alone: 0).
        let s = try XCTUnwrap(Silhouette.samples(features: [0, 1, 10, 11, 30], dimension: 1, labels: [4, 4, 7, 7, 9]))
        assertClose(s, [(10.5 - 1) / 10.5, (9.5 - 1) / 9.5, (9.5 - 1) / 9.5, (10.5 - 1) / 10.5, 0], tolerance: 1e-12)
        assertClose(
            try XCTUnwrap(Silhouette.score(features: [0, 1, 10, 11, 30], dimension: 1, labels: [4, 4, 7, 7, 9])),
            s.reduce(0, +) / 5, tolerance: 1e-12)
        XCTAssertNil(Silhouette.score(features: [0, 1, 2], dimension: 1, labels: [3, 3, 3]), "one cluster")
        XCTAssertNil(
            Silhouette.score(features: [0, 1, 2], dimension: 1, labels: [0, 1, 2]), "as many clusters as samples")
        XCTAssertNil(Silhouette.score(features: [0, 1, 2], dimension: 1, labels: [0, 1]), "sizes differ")
        XCTAssertNil(Silhouette.score(features: [0, .nan, 2, 3], dimension: 1, labels: [0, 0, 1, 1]), "not finite")
        // Identical points in two clusters: a = b = 0, and s = 0 rather than NaN.
        XCTAssertEqual(Silhouette.samples(features: [5, 5, 5, 5], dimension: 1, labels: [0, 0, 1, 1]), [0, 0, 0, 0])
    }

    func testAgreesWithScikitLearn() throws {
        try PythonOracle.require(["sklearn", "numpy"])
        var g = RandomGenerator(seed: 7)
        let n = 301, d = 6
        // Five blobs with label gaps and negative labels, one singleton cluster and a duplicated point.
        let names = [-1, 3, 10, 11, 40]
        var labels = (0..<n).map { _ in names[g.nextInt(below: 4)] }
        labels[17] = 40
        var features = (0..<(n * d)).map { i in
            Float(g.nextDouble() * 2 - 1) + Float(names.firstIndex(of: labels[i / d])! * (i % d == 0 ? 2 : 0))
        }
        for c in 0..<d { features[20 * d + c] = features[21 * d + c] }
        let directory = try TemporaryDirectory("recombine-silhouette")
        defer { directory.remove() }
        let file = directory.appending("data.txt")
        // Written as float64 text, so scikit-learn sees exactly the Float values.
        let rows = (0..<n).map { i in
            ([String(labels[i])] + (0..<d).map { String(Double(features[i * d + $0])) }).joined(separator: " ")
        }
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let output = try PythonOracle.run(
            """
            import json, sys, numpy as np
            from sklearn.metrics import silhouette_samples, silhouette_score
            data = np.loadtxt(sys.argv[1], dtype=np.float64)
            labels, x = data[:, 0].astype(int), data[:, 1:]
            print(json.dumps({"samples": silhouette_samples(x, labels).tolist(), "score": float(silhouette_score(x, labels))}))
            """, arguments: [file.path])
        let reference = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let samples = try XCTUnwrap(Silhouette.samples(features: features, dimension: d, labels: labels))
        assertClose(samples, try XCTUnwrap(reference["samples"] as? [Double]), tolerance: 1e-9)
        XCTAssertEqual(samples[17], 0)
        assertClose(
            try XCTUnwrap(Silhouette.score(features: features, dimension: d, labels: labels)),
            try XCTUnwrap(reference["score"] as? Double), tolerance: 1e-9)
        // A sample as large as the data is the data; a smaller one is drawn reproducibly.
        XCTAssertEqual(
            Silhouette.score(features: features, dimension: d, labels: labels, sampleSize: n),
            Silhouette.score(features: features, dimension: d, labels: labels))
        let part = try XCTUnwrap(
            Silhouette.score(features: features, dimension: d, labels: labels, sampleSize: 120, seed: 3))
        XCTAssertEqual(
            Silhouette.score(features: features, dimension: d, labels: labels, sampleSize: 120, seed: 3), part)
        XCTAssertTrue((-1...1).contains(part))
    }
}

import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor
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

    func testInertiaComparableToScikitLearn() throws {
        guard runCommand(["python3", "-c", "import sklearn"]) != nil else { throw XCTSkip("scikit-learn not importable") }
        let data = SyntheticDatasets.blobs(samples: 3000, features: 8, centers: nil, centerCount: 12, std: 2.5, box: (-6, 6), seed: 3)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kmeans-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: data.features.map(Double.init)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = "import json,sys,numpy as np;from sklearn.cluster import KMeans;x=np.array(json.load(open(sys.argv[1])),dtype=np.float32).reshape(-1,8);print(KMeans(12,n_init=10,random_state=0,algorithm='lloyd').fit(x).inertia_)"
        guard let output = runCommand(["python3", "-c", script, file.path]), let theirs = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) else { return XCTFail("sklearn failed") }
        let ours = try KMeans(k: 12, nInit: 10, seed: 0).fit(Tensor(data.features, shape: [3000, 8])).inertia
        XCTAssertLessThanOrEqual(ours, theirs * 1.005, "ours \(ours) vs scikit-learn \(theirs)")
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

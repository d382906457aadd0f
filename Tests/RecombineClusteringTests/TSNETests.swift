import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor
import RecombineTestSupport
import XCTest

final class TSNETests: XCTestCase {
    /// Five separated blobs in 20 dimensions stay five groups in 2-D: each point's nearest embedded
    /// neighbour has its label, and k-means on the embedding recovers the blobs.
    func testSeparatedBlobsStaySeparated() throws {
        let data = SyntheticDatasets.blobs(
            samples: 300, features: 20, centers: nil, centerCount: 5, std: 1, box: (-15, 15), seed: 4)
        let (embedding, kl) = try TSNE(perplexity: 20, iterations: 500).embed(Tensor(data.features, shape: [300, 20]))
        XCTAssertEqual(embedding.shape, [300, 2])
        XCTAssertTrue(kl.isFinite && kl > 0, "KL \(kl)")
        let y = embedding.toDoubleArray(), labels = data.labels!
        var agree = 0
        for i in 0..<300 {
            var best = -1, bestDistance = Double.infinity
            for j in 0..<300 where j != i {
                let d =
                    (y[2 * i] - y[2 * j]) * (y[2 * i] - y[2 * j]) + (y[2 * i + 1] - y[2 * j + 1])
                    * (y[2 * i + 1] - y[2 * j + 1])
                if d < bestDistance { bestDistance = d; best = j }
            }
            if labels[best] == labels[i] { agree += 1 }
        }
        XCTAssertEqual(agree, 300)
        let clusters = try KMeans(k: 5, nInit: 5, seed: 1).fit(embedding.to(.float32)).labels
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: labels, prediction: clusters), 1)
        XCTAssertThrowsError(try TSNE(perplexity: 400).embed(Tensor(data.features, shape: [300, 20])))
    }

    /// On the same data, our final KL(P‖Q) is no worse than scikit-learn's exact t-SNE (same
    /// perplexity, iterations, PCA initialisation and learning rate), within 10%.
    func testDivergenceComparableToScikitLearn() throws {
        try PythonOracle.require(["sklearn"])
        let data = SyntheticDatasets.blobs(
            samples: 250, features: 10, centers: nil, centerCount: 6, std: 2, box: (-8, 8), seed: 9)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tsne-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: data.features.map(Double.init)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json,sys,numpy as np
            from sklearn.manifold import TSNE
            x=np.array(json.load(open(sys.argv[1]))).reshape(-1,10)
            t=TSNE(2,perplexity=30,method='exact',init='pca',learning_rate='auto',max_iter=500,random_state=0).fit(x)
            print(t.kl_divergence_)
            """
        let output = try PythonOracle.run(script, arguments: [file.path])
        guard let theirs = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return XCTFail("scikit-learn's TSNE failed")
        }
        let ours = try TSNE(perplexity: 30, iterations: 500).embed(
            Tensor(data.features.map(Double.init), shape: [250, 10])
        ).klDivergence
        print("t-SNE KL: ours \(ours), scikit-learn \(theirs)");
        XCTAssertLessThanOrEqual(ours, theirs * 1.1, "ours \(ours) vs scikit-learn \(theirs)")
        XCTAssertGreaterThan(ours, theirs * 0.5, "ours \(ours) vs scikit-learn \(theirs): suspiciously low")
    }
}

import RecombineClustering
import RecombineTensor
import XCTest

/// Non-finite data are refused by every clustering algorithm, naming the first bad sample and feature.
final class ClusteringErrorTests: XCTestCase {
    func testEveryAlgorithmNamesTheFirstNonFiniteSample() {
        var values = (0..<60).map { Double($0 % 7) + Double($0) / 100 }
        values[3 * 2 + 1] = .nan
        values[5 * 2] = .infinity
        let x64 = Tensor(values, shape: [30, 2]), x32 = x64.to(.float32)
        let algorithms: [(String, (Tensor) throws -> Void)] = [
            ("k-means", { _ = try KMeans(k: 2, nInit: 1).fit($0) }),
            ("Gaussian mixture", { _ = try GaussianMixture(components: 2).fit($0) }),
            ("AC-PIC", { _ = try PathIntegralClustering(clusters: 2, neighbours: 3).fit($0) }),
        ]
        for (name, fit) in algorithms {
            for x in [x64, x32] {
                XCTAssertThrowsError(try fit(x), "\(name) \(x.dtype)") { error in
                    XCTAssertEqual(
                        "\(error)",
                        "\(name): sample 3 has a non-finite value (nan) at feature 1; clustering needs finite data")
                }
            }
        }
        XCTAssertThrowsError(try KMeans(k: 2).fit(Tensor([1, 2, 3] as [Double]))) { error in
            XCTAssertEqual("\(error)", "k-means: expected [n, d] data, got [3]")
        }
    }
}

import Foundation

/// Seeded synthetic data: Gaussian mixtures (including the k-means teaching set) and blobs.
public enum SyntheticDatasets {
    /// The three-Gaussian teaching set: 2000 points N(0, I₂), 1500 points N(0, I₂) + 13, and 1000
    /// points (N(0, I₂) + 6)·A with A = 3·(U[0,1) − 0.2) a random 2×2 matrix; labels 0, 1, 2.
    public static func threeGaussians(seed: UInt64) -> FeatureDataset {
        var g = RandomGenerator(seed: seed)
        var features: [Float] = [], labels: [Int] = []
        for _ in 0..<2000 { features += [Float(g.nextNormal()), Float(g.nextNormal())]; labels.append(0) }
        for _ in 0..<1500 { features += [Float(g.nextNormal() + 13), Float(g.nextNormal() + 13)]; labels.append(1) }
        let a = (0..<4).map { _ in 3 * (g.nextDouble() - 0.2) }
        for _ in 0..<1000 {
            let x = g.nextNormal() + 6, y = g.nextNormal() + 6
            features += [Float(x * a[0] + y * a[2]), Float(x * a[1] + y * a[3])]
            labels.append(2)
        }
        return FeatureDataset(name: "three_gaussians", features: features, dimension: 2, labels: labels)
    }

    /// Components with the given means and standard deviations, `counts[k]` points each.
    public static func gaussianMixture(counts: [Int], means: [[Double]], stds: [Double], seed: UInt64) throws
        -> FeatureDataset
    {
        guard counts.count == means.count, stds.count == means.count, let d = means.first?.count,
            means.allSatisfy({ $0.count == d })
        else {
            throw DataError(
                "GaussianMixture: num_samples_per_component, means and std must describe the same components of one dimension"
            )
        }
        var g = RandomGenerator(seed: seed)
        var features: [Float] = [], labels: [Int] = []
        for (k, n) in counts.enumerated() {
            for _ in 0..<n {
                for j in 0..<d { features.append(Float(means[k][j] + stds[k] * g.nextNormal())) }; labels.append(k)
            }
        }
        return FeatureDataset(name: "GaussianMixture", features: features, dimension: d, labels: labels)
    }

    /// scikit-learn make_blobs-like data: `samples` split evenly over the centres.
    public static func blobs(
        samples: Int, features d: Int, centers: [[Double]]?, centerCount: Int, std: Double, box: (Double, Double),
        seed: UInt64
    ) -> FeatureDataset {
        var g = RandomGenerator(seed: seed)
        let c = centers ?? (0..<centerCount).map { _ in (0..<d).map { _ in box.0 + (box.1 - box.0) * g.nextDouble() } }
        var features: [Float] = [], labels: [Int] = []
        for i in 0..<samples {
            let k = i * c.count / Swift.max(samples, 1)
            for j in 0..<d { features.append(Float(c[k][j] + std * g.nextNormal())) }
            labels.append(k)
        }
        return FeatureDataset(name: "Blobs", features: features, dimension: d, labels: labels)
    }
}

import CBLASLAPACKE
import Foundation
import RecombineTensor

/// The silhouette of a clustering with Euclidean distances, as scikit-learn's `silhouette_samples`
/// and `silhouette_score`: for each sample, s = (b − a) / max(a, b) with a the mean distance to the
/// other members of its cluster and b the smallest mean distance to the members of another cluster;
/// s = 0 for a sample alone in its cluster. A score needs no ground truth, so it judges clusterings
/// of unlabelled data.
public enum Silhouette {
    /// s of every sample of `features` [N, dimension] under `labels` (any integers); nil when it is
    /// undefined (fewer than 2 or more than N − 1 clusters, where scikit-learn raises), a feature is
    /// not finite, or the sizes do not match. Cost O(N²·dimension), in blocks of rows through BLAS.
    public static func samples(features: [Float], dimension: Int, labels: [Int]) -> [Double]? {
        let n = labels.count
        guard dimension > 0, features.count == n * dimension, features.allSatisfy(\.isFinite) else { return nil }
        let clusterOf = Dictionary(uniqueKeysWithValues: Set(labels).sorted().enumerated().map { ($1, $0) })
        let k = clusterOf.count
        guard k >= 2, k <= n - 1 else { return nil }
        let cluster = labels.map { clusterOf[$0]! }
        var sizes = [Double](repeating: 0, count: k)
        for c in cluster { sizes[c] += 1 }
        let x = features.map(Double.init)
        let norms = (0..<n).map { i in
            (0..<dimension).reduce(0.0) { $0 + x[i * dimension + $1] * x[i * dimension + $1] }
        }
        var result = [Double](repeating: 0, count: n)
        let block = Swift.max(1, Swift.min(n, (1 << 22) / n))  // rows per block: a Gram block of ≤ 32 MB
        var gram = [Double](repeating: 0, count: block * n)
        for start in stride(from: 0, to: n, by: block) {
            let rows = Swift.min(block, n - start)
            x.withUnsafeBufferPointer { p in
                cblas_dgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(dimension), 1,
                    p.baseAddress! + start * dimension, Int32(dimension), p.baseAddress!, Int32(dimension), 0, &gram,
                    Int32(n))
            }
            result.withUnsafeMutableBufferPointer { out in
                gram.withUnsafeBufferPointer { g in
                    parallelRanges(rows, grain: 1) { range in
                        var sums = [Double](repeating: 0, count: k)
                        for r in range {
                            let i = start + r
                            for c in 0..<k { sums[c] = 0 }
                            for j in 0..<n where j != i {
                                sums[cluster[j]] += Swift.max(0, norms[i] + norms[j] - 2 * g[r * n + j]).squareRoot()
                            }
                            let own = cluster[i]
                            guard sizes[own] > 1 else { continue }  // alone in its cluster: 0
                            let a = sums[own] / (sizes[own] - 1)
                            var b = Double.infinity
                            for c in 0..<k where c != own { b = Swift.min(b, sums[c] / sizes[c]) }
                            let scale = Swift.max(a, b)
                            out[i] = scale > 0 ? (b - a) / scale : 0
                        }
                    }
                }
            }
        }
        return result
    }

    /// The mean silhouette over all samples (scikit-learn's `silhouette_score`), or — when
    /// `sampleSize` is given and smaller than N — over `sampleSize` samples drawn without replacement
    /// with `seed`, which bounds the quadratic cost on large data. nil where `samples` is nil.
    public static func score(features: [Float], dimension: Int, labels: [Int], sampleSize: Int? = nil, seed: UInt64 = 0)
        -> Double?
    {
        guard dimension > 0, features.count == labels.count * dimension else { return nil }
        var features = features, labels = labels
        if let sampleSize, sampleSize > 0, sampleSize < labels.count {
            var generator = RandomGenerator(seed: seed)
            var order = Array(0..<labels.count)
            for i in 0..<sampleSize { order.swapAt(i, i + generator.nextInt(below: order.count - i)) }
            let chosen = order.prefix(sampleSize)
            features = chosen.flatMap { features[($0 * dimension)..<(($0 + 1) * dimension)] }
            labels = chosen.map { labels[$0] }
        }
        guard let s = samples(features: features, dimension: dimension, labels: labels) else { return nil }
        return s.reduce(0, +) / Double(s.count)
    }
}

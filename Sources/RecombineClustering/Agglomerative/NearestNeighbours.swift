import CBLASLAPACKE
import Foundation
import RecombineTensor

/// The k nearest other rows of every row by squared Euclidean distance, computed in float64 from row
/// blocks of GEMM distances, so the n × n distance matrix is never held at once. A row is never its
/// own neighbour (exact duplicates of it are); equal distances go to the lower index.
public struct NearestNeighbours: Sendable {
    public let n: Int
    public let k: Int
    /// Neighbour indices [n, k], row-major, nearest first.
    public let indices: [Int]
    /// Their squared distances [n, k].
    public let distances: [Double]

    /// Rows of `data` [n, d] (finite values); needs k < n.
    public init(_ data: Tensor, k: Int) throws {
        guard data.rank == 2 else {
            throw ClusteringError("nearest neighbours: expected [n, d] data, got \(data.shape)")
        }
        let n = data.shape[0], d = data.shape[1]
        guard k >= 1, k < n else {
            throw ClusteringError("nearest neighbours: \(n) samples cannot each have \(k) other samples as neighbours")
        }
        let converted = data.to(.float64)
        let x = Array(UnsafeBufferPointer(start: converted.doubles, count: n * d))
        if let bad = x.firstIndex(where: { !$0.isFinite }) {
            throw ClusteringError(
                "nearest neighbours: sample \(bad / d) has \(x[bad]) at feature \(bad % d); every value must be finite")
        }
        self.n = n
        self.k = k
        var norms = [Double](repeating: 0, count: n)
        for i in 0..<n { var s = 0.0; for j in 0..<d { s += x[i * d + j] * x[i * d + j] }; norms[i] = s }
        var indices = [Int](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        let block = 128
        let blocks = (n + block - 1) / block
        indices.withUnsafeMutableBufferPointer { indexBuffer in
            distances.withUnsafeMutableBufferPointer { distanceBuffer in
                let indexOut = indexBuffer.baseAddress!, distanceOut = distanceBuffer.baseAddress!
                parallelWithSerialBLAS(blocks) { range, _ in
                    var products = [Double](repeating: 0, count: block * n)
                    for b in range {
                        let lo = b * block, rows = min(block, n - lo)
                        x.withUnsafeBufferPointer { xs in
                            cblas_dgemm(
                                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(d), 1,
                                xs.baseAddress! + lo * d, Int32(d), xs.baseAddress!, Int32(d), 0, &products, Int32(n))
                        }
                        for r in 0..<rows {
                            let i = lo + r
                            Self.selectNearest(
                                row: i, n: n, k: k, norms: norms, products: products, offset: r * n,
                                indices: indexOut + i * k, distances: distanceOut + i * k)
                        }
                    }
                }
            }
        }
        self.indices = indices
        self.distances = distances
    }

    /// Keeps the k smallest distances of row `i` in ascending order by insertion (k is small).
    private static func selectNearest(
        row i: Int, n: Int, k: Int, norms: [Double], products: [Double], offset: Int,
        indices: UnsafeMutablePointer<Int>, distances: UnsafeMutablePointer<Double>
    ) {
        var count = 0
        for j in 0..<n where j != i {
            let distance = max(0, norms[i] + norms[j] - 2 * products[offset + j])
            if count == k && distance >= distances[k - 1] { continue }
            var position = min(count, k - 1)
            while position > 0 && distances[position - 1] > distance {
                distances[position] = distances[position - 1]
                indices[position] = indices[position - 1]
                position -= 1
            }
            distances[position] = distance
            indices[position] = j
            if count < k { count += 1 }
        }
    }
}

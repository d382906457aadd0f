import CBLASLAPACKE
import Foundation
import RecombineTensor

/// Principal component analysis: centring, covariance by GEMM, eigendecomposition by LAPACKE
/// (dsyevd), components sorted by explained variance.
public struct PCA: Sendable {
    /// Components [c, d] (rows), largest variance first.
    public let components: [Double]
    public let mean: [Double]
    public let explainedVariance: [Double]
    public let explainedVarianceRatio: [Double]
    public let dimension: Int

    public init(data: Tensor, components count: Int) throws {
        precondition(data.rank == 2, "PCA expects [n, d], got \(data.shape)")
        let n = data.shape[0], d = data.shape[1]
        guard n >= 2 else { throw ClusteringError("PCA needs at least 2 samples") }
        let values = data.toDoubleArray()
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += values[i * d + j] } }
        mean = mean.map { $0 / Double(n) }
        var centered = values
        for i in 0..<n { for j in 0..<d { centered[i * d + j] -= mean[j] } }
        var covariance = [Double](repeating: 0, count: d * d)
        cblas_dgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1 / Double(n - 1), centered,
            Int32(d), centered, Int32(d), 0, &covariance, Int32(d))
        var eigenvalues = [Double](repeating: 0, count: d)
        guard
            LAPACKE_dsyevd(
                LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), Int32(d), &covariance, Int32(d),
                &eigenvalues) == 0
        else {
            throw ClusteringError("PCA: the eigendecomposition did not converge")
        }
        let c = Swift.min(count, d), total = eigenvalues.reduce(0) { $0 + Swift.max($1, 0) }
        var comps: [Double] = []
        for r in 0..<c {
            let col = d - 1 - r
            var v = (0..<d).map { covariance[$0 * d + col] }
            // Sign convention (scikit-learn's svd_flip on V): the largest-magnitude entry is positive.
            if let m = v.indices.max(by: { Swift.abs(v[$0]) < Swift.abs(v[$1]) }), v[m] < 0 { v = v.map { -$0 } }
            comps += v
        }
        components = comps
        self.mean = mean
        explainedVariance = (0..<c).map { eigenvalues[d - 1 - $0] }
        explainedVarianceRatio = explainedVariance.map { total > 0 ? $0 / total : 0 }
        dimension = d
    }

    /// Projects rows of `data` [n, d] onto the components: [n, c].
    public func transform(_ data: Tensor) -> Tensor {
        let n = data.shape[0], d = dimension, c = explainedVariance.count
        var centered = data.toDoubleArray()
        for i in 0..<n { for j in 0..<d { centered[i * d + j] -= mean[j] } }
        var out = [Double](repeating: 0, count: n * c)
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(c), Int32(d), 1, centered, Int32(d), components,
            Int32(d), 0, &out, Int32(c))
        return Tensor(doubles: out, shape: [n, c], dtype: data.dtype)
    }
}

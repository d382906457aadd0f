import Foundation
import RecombineTensor

/// The DDC loss terms, as functions of the soft assignments A [N, K] and the
/// hidden representation h [N, D] so they can be checked in isolation.
enum CauchySchwarz {
    /// The kernel and Cauchy–Schwarz settings DDC and UCO share.
    struct KernelOptions: Decodable {
        /// The Gaussian kernel's bandwidth relative to the median pairwise distance.
        let relSigma: Double
        /// `exact` or `tensorflow` (see `gaussianKernel`).
        let pdistGradient: String
        let numeratorEpsilon: Double
        let denominatorEpsilon: Double

        var tensorflowGradient: Bool { pdistGradient == "tensorflow" }
    }

    /// Median of all entries (midpoint of the two middle values for an even count), without gradient.
    static func median(_ t: Tensor) -> Double {
        let v = t.to(.float64).toDoubleArray().sorted()
        guard !v.isEmpty else { return 0 }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }

    /// K_ij = exp(−D_ij / (2σ²)), D the squared pairwise distances of the rows of `h` and
    /// σ² = relSigma · median(D) over all N² entries (treated as a constant). `tensorflowGradient`
    /// gives D tk-uco's inexact pdist gradient.
    static func gaussianKernel(_ h: Tensor, relSigma: Double, tensorflowGradient: Bool = false) -> Tensor {
        let d =
            tensorflowGradient
            ? Tensor.pairwiseSquaredDistancesTensorFlowGradient(h) : Tensor.pairwiseSquaredDistances(h, h)
        return gaussianKernel(distances: d, relSigma: relSigma)
    }

    /// exp(−D / (2σ²)) with σ² = relSigma · median(D) (no gradient through σ²).
    static func gaussianKernel(distances d: Tensor, relSigma: Double) -> Tensor {
        gaussianKernel(distances: d, sigmaSquared: Swift.max(relSigma * median(d.detached()), 1e-12))
    }

    /// exp(−D / (2σ²)) for a given bandwidth.
    static func gaussianKernel(distances d: Tensor, sigmaSquared: Double) -> Tensor {
        (d * (-1 / (2 * sigmaSquared))).exp()
    }

    /// Mean over cluster pairs p < q of (AᵀKA)_pq / √((AᵀKA)_pp (AᵀKA)_qq), with the numerator
    /// clamped below at `numeratorEpsilon` and the squared denominator at `denominatorEpsilon`.
    static func dcs(_ a: Tensor, _ kernel: Tensor, numeratorEpsilon: Double, denominatorEpsilon: Double) -> Tensor {
        let k = a.shape[1]
        guard k > 1 else { return Tensor(scalar: 0, dtype: a.dtype) }
        let nom = a.matmul(kernel.matmul(a), transposeSelf: true)
        let diagonal = (nom * Tensor.eye(k, dtype: a.dtype)).sum(axis: 1)
        let denominatorSquared = (diagonal.reshaped([k, 1]) * diagonal.reshaped([1, k])).clamped(
            min: denominatorEpsilon)
        let ratio = nom.clamped(min: numeratorEpsilon) / denominatorSquared.sqrt()
        return (ratio * strictUpperTriangle(k, dtype: a.dtype)).sum() * (2 / Double(k * (k - 1)))
    }

    /// 1 above the diagonal, 0 elsewhere.
    static func strictUpperTriangle(_ n: Int, dtype: DType) -> Tensor {
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { v[i * n + j] = 1 } }
        return Tensor(doubles: v, shape: [n, n], dtype: dtype)
    }

    /// L2 = 2/(N(N−1)) Σ_{i<j} α_iᵀα_j = (‖Σ_i α_i‖² − Σ_i ‖α_i‖²) / (N(N−1)).
    static func orthogonality(_ a: Tensor) -> Tensor {
        let n = Double(a.shape[0])
        guard n > 1 else { return Tensor(scalar: 0, dtype: a.dtype) }
        return (a.sum(axis: 0).squared().sum() - a.squared().sum()) / (n * (n - 1))
    }

    /// M_ik = exp(−‖α_i − e_k‖²) = exp(−(‖α_i‖² − 2α_ik + 1)).
    static func simplexCornerSimilarities(_ a: Tensor) -> Tensor {
        (-(a.squared().sum(axis: 1, keepDims: true) - a * 2 + 1)).exp()
    }
}

/// Pairwise squared Euclidean distances, cosine-similarity matrices and vector normalisation, each
/// built on one GEMM.
extension Tensor {
    /// D[i, j] = ‖a_i − b_j‖² for rows of `a` [n, d] and `b` [m, d], as ‖a‖² + ‖b‖² − 2abᵀ with one GEMM.
    ///
    /// Rounding can make the expansion slightly negative; results are clamped at 0, and the gradient is
    /// passed through unchanged where clamping happened (the true distance and its gradient are ~0 there).
    public static func pairwiseSquaredDistances(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(
            a.rank == 2 && b.rank == 2 && a.shape[1] == b.shape[1],
            "pairwiseSquaredDistances: expected [n, d] and [m, d], got \(a.shape) and \(b.shape)")
        let aa = a.squared().sum(axis: 1, keepDims: true)
        let bb = b.squared().sum(axis: 1).reshaped([1, b.shape[0]])
        let raw = aa + bb - 2.0 * a.matmul(b, transposeOther: true)
        let clampedValues = withoutGradients { raw.clamped(min: 0) }
        return Tensor.record(clampedValues, "clamp_passthrough", [raw]) { g, _ in [g] }
    }

    /// D[i, j] = ‖x_i − x_j‖² for the rows of `x` [n, d], unclamped, with tk-uco's TensorFlow `pdist`
    /// gradient 4(X ⊙ rowsum(Ḡ) − Ḡ X) instead of the exact one. That rule is exact only for a
    /// symmetric upstream gradient Ḡ, which the Cauchy–Schwarz terms do not give;
    /// offered to replicate the published runs, never the default.
    public static func pairwiseSquaredDistancesTensorFlowGradient(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2, "pairwiseSquaredDistancesTensorFlowGradient: expected [n, d], got \(x.shape)")
        let values = withoutGradients { () -> Tensor in
            let norms = x.squared().sum(axis: 1, keepDims: true)
            return norms + norms.reshaped([1, x.shape[0]]) - 2.0 * x.matmul(x, transposeOther: true)
        }
        let constant = x.detached()
        return Tensor.record(values, "pdist_tensorflow_gradient", [x]) { g, _ in
            [(constant * g.sum(axis: 1, keepDims: true) - g.matmul(constant)) * 4.0]
        }
    }

    /// Rows divided by max(‖row‖_p, eps) (torch.nn.functional.normalize along `axis`).
    public func normalized(axis: Int = 1, p: Double = 2, eps: Double = 1e-12) -> Tensor {
        self / norm(p: p, axes: [axis], keepDims: true).clamped(min: eps)
    }

    /// S[i, j] = cos(a_i, b_j) for rows of `a` [n, d] and `b` [m, d]; each vector's norm is clamped
    /// below at `eps` (torch.nn.functional.cosine_similarity's convention since torch 1.12).
    public static func cosineSimilarityMatrix(_ a: Tensor, _ b: Tensor, eps: Double = 1e-8) -> Tensor {
        a.normalized(axis: 1, eps: eps).matmul(b.normalized(axis: 1, eps: eps), transposeOther: true)
    }
}

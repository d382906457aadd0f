/// Differentiable linear algebra on small matrices ([n, n] or batched [b, n, n]) for kernel losses
/// (DDC/UCO): symmetric eigendecomposition, Cholesky, SPD solve and inverse, general inverse, SVD.
/// Computed in float64 through LAPACKE and returned in the input's dtype.

/// A matrix that cannot be factorised.
public enum LinalgError: Error, CustomStringConvertible, Equatable {
    /// The leading minor of this order is not positive (potrf's info).
    case notPositiveDefinite(order: Int)
    case singular
    case notConverged

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "the matrix is not positive definite (leading minor of order \(k) is not positive)"
        case .singular: return "the matrix is singular"
        case .notConverged: return "the eigen/singular value algorithm did not converge"
        }
    }
}

extension Tensor {
    /// Splits [n, n] or [b, n, n] into float64 matrices.
    func squareMatrices(_ name: String) -> (batch: Int, n: Int, matrices: [[Double]]) {
        precondition(
            (rank == 2 || rank == 3) && shape[rank - 1] == shape[rank - 2],
            "\(name): expected [n, n] or [b, n, n], got \(shape)")
        let n = shape[rank - 1], batch = rank == 3 ? shape[0] : 1
        let values = toDoubleArray()
        return (batch, n, (0..<batch).map { Array(values[($0 * n * n)..<(($0 + 1) * n * n)]) })
    }

    static func fromMatrices(_ matrices: [[Double]], shape: [Int], dtype: DType) -> Tensor {
        Tensor(doubles: matrices.flatMap { $0 }, shape: shape, dtype: dtype)
    }

    /// Eigenvalues (ascending, [n] or [b, n]) and eigenvectors (columns, [n, n] or [b, n, n]) of a
    /// symmetric matrix (torch.linalg.eigh; only the lower triangle is read).
    ///
    /// Gradient: Ā = V (diag(λ̄) + F ∘ (Vᵀ V̄)) Vᵀ, symmetrised, with F_ij = 1/(λ_j − λ_i). Eigenvalue
    /// pairs closer than `degeneracyTolerance` × max(1, max|λ|) (or closer than `degeneracyTolerance`
    /// itself when `relativeTolerance` is false, as tk-uco's TensorFlow op with 1e-8) get F_ij = 0:
    /// the gradient is then exact for losses invariant to rotations within a degenerate eigenspace
    /// (e.g. projectors onto eigenspaces, functions of eigenvalues) and finite otherwise.
    public func symmetricEigen(degeneracyTolerance: Double = 1e-9, relativeTolerance: Bool = true) throws -> (
        values: Tensor, vectors: Tensor
    ) {
        let (batch, n, matrices) = squareMatrices("symmetricEigen")
        var values: [[Double]] = [], vectors: [[Double]] = []
        for a in matrices {
            guard let (v, w) = LAPACKCalls.symmetricEigen(a, n: n) else { throw LinalgError.notConverged }
            values.append(v); vectors.append(w)
        }
        let valueShape = rank == 3 ? [batch, n] : [n]
        let lambda = Tensor(doubles: values.flatMap { $0 }, shape: valueShape, dtype: dtype)
        let v = Tensor.fromMatrices(vectors, shape: shape, dtype: dtype)
        // One graph node holds both outputs: the pullback is recorded on a packed tensor the two
        // results are sliced from, so gradients reaching either output meet in one VJP.
        let packed = Tensor(
            doubles: values.flatMap { $0 } + vectors.flatMap { $0 }, shape: [batch * n + batch * n * n], dtype: dtype)
        let dt = dtype, inputShape = shape
        let node = Tensor.record(packed, "eigh", [self]) { g, _ in
            let gv = g.toDoubleArray()
            var grads: [[Double]] = []
            for b in 0..<batch {
                let gl = Array(gv[(b * n)..<((b + 1) * n)]),
                    gV = Array(gv[(batch * n + b * n * n)..<(batch * n + (b + 1) * n * n)])
                let lam = values[b], V = vectors[b]
                let scale = relativeTolerance ? Swift.max(1, lam.map(Swift.abs).max() ?? 1) : 1
                // M = diag(gλ) + F ∘ (Vᵀ gV)
                var m = [Double](repeating: 0, count: n * n)
                for i in 0..<n {
                    for j in 0..<n {
                        if i == j { m[i * n + j] = gl[i]; continue }
                        let gap = lam[j] - lam[i]
                        if Swift.abs(gap) <= degeneracyTolerance * scale { continue }
                        var vtg = 0.0
                        for k in 0..<n { vtg += V[k * n + i] * gV[k * n + j] }
                        m[i * n + j] = vtg / gap
                    }
                }
                // Ā = V M Vᵀ, symmetrised.
                var vm = [Double](repeating: 0, count: n * n), out = vm
                for i in 0..<n {
                    for j in 0..<n {
                        var s = 0.0; for k in 0..<n { s += V[i * n + k] * m[k * n + j] }; vm[i * n + j] = s
                    }
                }
                for i in 0..<n {
                    for j in 0..<n {
                        var s = 0.0; for k in 0..<n { s += vm[i * n + k] * V[j * n + k] }; out[i * n + j] = s
                    }
                }
                for i in 0..<n {
                    for j in 0..<i {
                        let avg = (out[i * n + j] + out[j * n + i]) / 2; out[i * n + j] = avg; out[j * n + i] = avg
                    }
                }
                grads.append(out)
            }
            return [Tensor.fromMatrices(grads, shape: inputShape, dtype: dt)]
        }
        if !node.requiresGrad { return (lambda, v) }
        return (
            node.slice(axis: 0, start: 0, end: batch * n).reshaped(valueShape),
            node.slice(axis: 0, start: batch * n).reshaped(inputShape)
        )
    }

    /// The lower Cholesky factor L with A = L Lᵀ (torch.linalg.cholesky; reads the lower triangle).
    /// Gradient as torch: Ā = L⁻ᵀ · ½(P + strict_lower(P)ᵀ) · L⁻¹ with P = tril(Lᵀ L̄).
    public func cholesky() throws -> Tensor {
        let (_, n, matrices) = squareMatrices("cholesky")
        var factors: [[Double]] = []
        for a in matrices {
            switch LAPACKCalls.cholesky(a, n: n) {
            case .success(let l): factors.append(l)
            case .failure(let error): throw error
            }
        }
        let out = Tensor.fromMatrices(factors, shape: shape, dtype: dtype)
        let dt = dtype, inputShape = shape
        return Tensor.record(out, "cholesky", [self]) { g, _ in
            let (_, _, gls) = g.squareMatrices("cholesky backward")
            let grads = zip(factors, gls).map { l, gl -> [Double] in
                var p = [Double](repeating: 0, count: n * n)
                for i in 0..<n {
                    for j in 0...i {
                        var s = 0.0; for k in 0..<n { s += l[k * n + i] * gl[k * n + j] }; p[i * n + j] = s
                    }
                }
                var x = [Double](repeating: 0, count: n * n)
                for i in 0..<n {
                    for j in 0..<n {
                        if i > j {
                            x[i * n + j] = 0.5 * p[i * n + j]
                        } else if i == j {
                            x[i * n + j] = 0.5 * p[i * n + i]
                        } else {
                            x[i * n + j] = 0.5 * p[j * n + i]
                        }
                    }
                }
                // L⁻ᵀ X L⁻¹ = (L⁻ᵀ (L⁻ᵀ Xᵀ)ᵀ)... computed as two triangular solves.
                let y = LAPACKCalls.triangularSolve(l, x, n: n, m: n, transpose: true)  // Lᵀ Y = X
                var yt = [Double](repeating: 0, count: n * n)
                for i in 0..<n { for j in 0..<n { yt[i * n + j] = y[j * n + i] } }
                let zt = LAPACKCalls.triangularSolve(l, yt, n: n, m: n, transpose: true)  // Lᵀ Zᵀ = Yᵀ  ⇒ Z = Y L⁻¹
                var z = [Double](repeating: 0, count: n * n)
                for i in 0..<n { for j in 0..<n { z[i * n + j] = zt[j * n + i] } }
                return z
            }
            return [Tensor.fromMatrices(grads, shape: inputShape, dtype: dt)]
        }
    }

    /// A⁻¹ of a general square matrix via LU (torch.linalg.inv). Gradient −A⁻ᵀ Ḡ A⁻ᵀ.
    public func inverse() throws -> Tensor {
        let (_, n, matrices) = squareMatrices("inverse")
        var inverses: [[Double]] = []
        for a in matrices {
            guard let i = LAPACKCalls.inverse(a, n: n) else { throw LinalgError.singular }; inverses.append(i)
        }
        let out = Tensor.fromMatrices(inverses, shape: shape, dtype: dtype)
        return Tensor.record(out, "inverse", [self]) { g, inv in
            [-(inv.matmul(g, transposeSelf: true).matmul(inv, transposeOther: true))]
        }
    }

    /// A⁻¹ of a symmetric positive definite matrix through its Cholesky factor, differentiable.
    public func spdInverse() throws -> Tensor {
        let lInverse = try cholesky().inverse()
        return lInverse.matmul(lInverse, transposeSelf: true)
    }

    /// X with A X = B for symmetric positive definite A (through Cholesky), differentiable in A and B.
    public func spdSolve(_ b: Tensor) throws -> Tensor {
        try spdInverse().matmul(b)
    }

    /// Thin singular value decomposition of [m, n]: U [m, k], S [k], Vᵀ [k, n] (k = min(m, n)),
    /// singular values descending. Not differentiable: gradients through it are refused.
    public func svd() throws -> (u: Tensor, s: Tensor, vt: Tensor) {
        precondition(rank == 2, "svd: expected [m, n], got \(shape)")
        precondition(
            !(GradMode.isEnabled && requiresGrad),
            "svd: gradients through the SVD are not supported; call it inside withoutGradients or on a detached tensor")
        let (m, n) = (shape[0], shape[1]), k = Swift.min(m, n)
        guard let (u, s, vt) = LAPACKCalls.svd(toDoubleArray(), m: m, n: n) else { throw LinalgError.notConverged }
        return (
            Tensor(doubles: u, shape: [m, k], dtype: dtype), Tensor(doubles: s, shape: [k], dtype: dtype),
            Tensor(doubles: vt, shape: [k, n], dtype: dtype)
        )
    }
}

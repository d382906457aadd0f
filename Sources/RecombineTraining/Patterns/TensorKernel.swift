import RecombineTensor

/// tk-uco's structure-exploiting tensor kernel: for samples X_a of any rank,
/// the squared chordal (projection) distances between the row spaces of their mode-m unfoldings,
/// summed over the modes, D_ab = Σ_m max(2(d_m − t^m_ab), 0) with t^m_ab = ‖B_a B_bᵀ‖²_F, where the
/// rows of B_a [d_m, P] span X_a's mode-m row space with (regularised) orthonormal rows, so that
/// B_aᵀB_a = X_aᵀ(X_a X_aᵀ + εI)⁻¹X_a. The N² norms t^m_ab are one engine op (`crossGramSquaredNorms`),
/// through all blocks B_a B_bᵀ or through the projectors B_aᵀB_a, whichever costs less for the mode.
struct TensorKernel {
    /// How the orthonormal row bases are computed; both give the same B_aᵀB_a.
    enum Orthogonalisation: String {
        /// B = L⁻¹X with X Xᵀ + εI = L Lᵀ: smooth in X, the exact gradient (default).
        case cholesky
        /// B = diag(1/√(max(λ, 0) + ε)) Uᵀ X from X Xᵀ = U diag(λ) Uᵀ, with the eigh VJP (the paper's runs).
        case eigen
    }

    /// What a rank-deficient mode (d_m ≥ P: its row space is all of R^P for every sample) contributes.
    enum DeficientModes: String {
        /// The constant 2(d_m − P) of the paper's runs, without gradient (it raises the median).
        case constant
        /// Nothing.
        case omit
    }

    var orthogonalisation: Orthogonalisation = .cholesky
    /// ε added to the Gram matrices X Xᵀ (1e-6 in tk-uco's TensorFlow code).
    var epsilon: Double = 1e-6
    /// Eigenvalue gaps below this (absolute) get no gradient on the eigen path (1e-8 in tk-uco).
    var degeneracyThreshold: Double = 1e-8
    var deficientModes: DeficientModes = .constant

    /// Mode-m unfolding of a batch [N, d_1, …, d_M] (m in 1…M): [N, d_m, P], the other axes in order.
    static func unfold(_ x: Tensor, mode: Int) -> Tensor {
        let n = x.shape[0], size = x.shape[mode]
        let others = (1..<x.rank).filter { $0 != mode }
        let p = others.reduce(1) { $0 * x.shape[$1] }
        return x.permuted([0, mode] + others).reshaped([n, size, p])
    }

    /// The summed squared chordal distances [N, N] of a batch of tensors [N, d_1, …, d_M] (M ≥ 1).
    func distances(_ x: Tensor) throws -> Tensor {
        precondition(x.rank >= 2, "TensorKernel: expected a batch of tensors [N, d_1, …], got \(x.shape)")
        let n = x.shape[0]
        var total: Tensor? = nil
        var constant = 0.0
        for mode in 1..<x.rank {
            let size = x.shape[mode], p = x.count / (n * size)
            if size >= p {
                if deficientModes == .constant { constant += 2 * Double(size - p) }
                continue
            }
            let d = try modeDistances(Self.unfold(x, mode: mode))
            total = total.map { $0 + d } ?? d
        }
        let constantMatrix = Tensor.full([n, n], value: constant, dtype: x.dtype)
        return total.map { $0 + constantMatrix } ?? constantMatrix
    }

    /// max(2(D − ‖B_a B_bᵀ‖²_F), 0) for unfoldings [N, D, P].
    func modeDistances(_ unfolded: Tensor) throws -> Tensor {
        let traces = try orthonormalRows(unfolded).crossGramSquaredNorms()
        return ((traces - Double(unfolded.shape[1])) * -2.0).relu()
    }

    /// B [N, D, P] with B_aᵀB_a = X_aᵀ(X_a X_aᵀ + εI)⁻¹X_a; the D×D factorisations run in float64.
    func orthonormalRows(_ unfolded: Tensor) throws -> Tensor {
        switch orthogonalisation {
        case .cholesky:
            return try unfolded.choleskyOrthonormalRows(epsilon: epsilon)
        case .eigen:
            let size = unfolded.shape[1]
            let x = unfolded.to(.float64)
            let gram = x.matmul(x, transposeOther: true)
            let (values, vectors) = try gram.symmetricEigen(
                degeneracyTolerance: degeneracyThreshold, relativeTolerance: false)
            let scale = (values.relu() + epsilon).pow(-0.5).reshaped([unfolded.shape[0], size, 1])
            return (vectors.matmul(x, transposeSelf: true) * scale).to(unfolded.dtype)
        }
    }
}

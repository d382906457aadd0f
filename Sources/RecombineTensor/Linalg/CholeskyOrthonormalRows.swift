import CBLASLAPACKE

extension Tensor {
    /// B [N, D, P] with B_a = L_a⁻¹X_a, X_a X_aᵀ + εI = L_a L_aᵀ (Cholesky), for a batch X [N, D, P]: rows
    /// spanning X_a's row space, orthonormal up to ε, so that B_aᵀB_a = X_aᵀ(X_a X_aᵀ + εI)⁻¹X_a. One recorded
    /// op computed in float64 (returned in X's dtype), one sample per BLAS call in parallel. It equals
    /// `(X Xᵀ + εI).cholesky().inverse().matmul(X)` without the D × D inverse and its tape; the backward is
    /// X̄_a = L_a⁻ᵀ(B̄_a − S_a B_a) with S_a = B̄_a B_aᵀ's lower triangle mirrored onto its upper one.
    ///
    /// - Throws: `LinalgError.notPositiveDefinite` when a sample's X_a X_aᵀ + εI cannot be factorised.
    public func choleskyOrthonormalRows(epsilon: Double) throws -> Tensor {
        precondition(rank == 3, "choleskyOrthonormalRows: expected a batch [N, D, P], got \(shape)")
        let (n, d, p) = (shape[0], shape[1], shape[2])
        let x = self
        let input = to(.float64).detached()
        let factors = Tensor.zeros([n, d, d], dtype: .float64)
        let bases = Tensor(uninitialized: shape, dtype: .float64)
        let (xp, lp, bp) = (input.doubles, factors.doubles, bases.doubles)
        var failures = [Int32](repeating: 0, count: n)
        failures.withUnsafeMutableBufferPointer { failed in
            parallelWithSerialBLAS(n) { range, _ in
                for a in range {
                    let xa = xp + a * d * p, l = lp + a * d * d, b = bp + a * d * p
                    cblas_dsyrk(
                        CblasRowMajor, CblasLower, CblasNoTrans, Int32(d), Int32(p), 1, xa, Int32(p), 0, l, Int32(d))
                    for i in 0..<d { l[i * d + i] += epsilon }
                    let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "L")), Int32(d), l, Int32(d))
                    if info != 0 {
                        failed[a] = info
                        continue
                    }
                    b.update(from: xa, count: d * p)
                    cblas_dtrsm(
                        CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(d), Int32(p), 1, l,
                        Int32(d), b, Int32(p))
                }
            }
        }
        if let order = failures.first(where: { $0 != 0 }) {
            throw order > 0 ? LinalgError.notPositiveDefinite(order: Int(order)) : LinalgError.notConverged
        }
        let out = bases.to(dtype).detached()
        return Tensor.record(out, "choleskyOrthonormalRows", [x]) { g, _ in
            let upstream = g.to(.float64).detached()
            let grad = Tensor(uninitialized: x.shape, dtype: .float64)
            let (gp, xg) = (upstream.doubles, grad.doubles)
            parallelWithSerialBLAS(n) { range, _ in
                let s = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
                defer { s.deallocate() }
                for a in range {
                    let l = lp + a * d * d, b = bp + a * d * p, gb = gp + a * d * p, xa = xg + a * d * p
                    cblas_dgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans, Int32(d), Int32(d), Int32(p), 1, gb, Int32(p), b,
                        Int32(p), 0, s, Int32(d))
                    for i in 0..<d { for j in 0..<i { s[j * d + i] = s[i * d + j] } }
                    xa.update(from: gb, count: d * p)
                    cblas_dgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(p), Int32(d), -1, s, Int32(d), b,
                        Int32(p), 1, xa, Int32(p))
                    cblas_dtrsm(
                        CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, Int32(d), Int32(p), 1, l,
                        Int32(d), xa, Int32(p))
                }
            }
            withExtendedLifetime((factors, bases)) {}
            return [grad.to(x.dtype).detached()]
        }
    }
}

import Foundation

/// How `crossGramSquaredNorms` computes T_ab = ‖X_a X_bᵀ‖²_F = ⟨X_aᵀX_a, X_bᵀX_b⟩_F for a batch [N, D, P].
public enum CrossGramRoute: Sendable {
    /// All cross products at once: C = X Xᵀ over the stacked rows [N·D, P] (SYRK), T_ab the squared sum of
    /// block (a, b). About 3(ND)²P flops with the backward.
    case crossProducts
    /// Through the projectors Q_a = X_aᵀX_a [P, P]: T is the Gram matrix of their upper triangles (off-diagonal
    /// entries scaled by √2). About 3NDP² + 1.5N²P² flops with the backward; cheaper when D² > P/2 + P/N.
    case projectors

    /// The cheaper route for N blocks of D × P (multiply-adds of forward and backward).
    public static func cheaper(n: Int, d: Int, p: Int) -> CrossGramRoute {
        let (n, d, p) = (Double(n), Double(d), Double(p))
        let crossProducts = 3 * (n * d) * (n * d) * p
        let projectors = 3 * n * d * p * p + 3 * n * n * p * (p + 1) / 2
        return projectors < crossProducts ? .projectors : .crossProducts
    }
}

extension Tensor {
    /// T [N, N] with T_ab = ‖X_a X_bᵀ‖²_F for a batch `self` = X [N, D, P] of D × P blocks, as one recorded op:
    /// the (N·D)² cross products are never kept as tape nodes, both Gram products run through SYRK (symmetric,
    /// half GEMM's work), and the backward is one product, X̄ = (Ḡ + Ḡᵀ) X with Ḡ = ∂L/∂(X Xᵀ). `route` picks
    /// the computation (`CrossGramRoute.cheaper` when nil); both give the same T and gradient.
    public func crossGramSquaredNorms(route: CrossGramRoute? = nil) -> Tensor {
        precondition(rank == 3, "crossGramSquaredNorms: expected a batch of blocks [N, D, P], got \(shape)")
        let (n, d, p) = (shape[0], shape[1], shape[2])
        switch route ?? .cheaper(n: n, d: d, p: p) {
        case .crossProducts:
            return dtype == .float32
                ? crossGramNormsByCrossProducts(n: n, d: d, p: p, Float.self)
                : crossGramNormsByCrossProducts(n: n, d: d, p: p, Double.self)
        case .projectors:
            return dtype == .float32
                ? crossGramNormsByProjectors(n: n, d: d, p: p, Float.self)
                : crossGramNormsByProjectors(n: n, d: d, p: p, Double.self)
        }
    }

    /// C = X Xᵀ (upper triangle, SYRK) and T_ab = Σ C²_{ai,bj}; the backward scales C's blocks by
    /// 2(T̄_ab + T̄_ba) and multiplies X by the result (SYMM).
    private func crossGramNormsByCrossProducts<S: TensorScalar>(n: Int, d: Int, p: Int, _: S.Type) -> Tensor {
        let rows = n * d
        let x = self
        let products = Tensor(uninitialized: [rows, rows], dtype: dtype)
        let c = products.pointer(S.self)
        S.syrkUpper(trans: false, n: rows, k: p, alpha: 1, a: pointer(S.self), lda: p, beta: 0, c: c, ldc: rows)
        let out = Tensor(uninitialized: [n, n], dtype: dtype)
        let t = out.pointer(S.self)
        // Block (a, b) with b > a lies wholly above the diagonal; block (a, a) holds its upper triangle only.
        eachUpperBlockRow(n) { a in
            for b in a..<n {
                var sum = 0.0
                for i in 0..<d {
                    let row = c + (a * d + i) * rows + b * d
                    if b == a {
                        sum += Double(row[i]) * Double(row[i]) + 2 * sumOfSquares(row + i + 1, d - i - 1)
                    } else {
                        sum += sumOfSquares(row, d)
                    }
                }
                t[a * n + b] = S(sum)
                t[b * n + a] = S(sum)
            }
        }
        return Tensor.record(out, "crossGramSquaredNorms", [x]) { g, _ in
            let gt = g.pointer(S.self)
            let scaled = Tensor(uninitialized: [rows, rows], dtype: x.dtype)
            let m = scaled.pointer(S.self)
            eachUpperBlockRow(n) { a in
                for b in a..<n {
                    let factor = 2 * (gt[a * n + b] + gt[b * n + a])
                    for i in 0..<d {
                        let offset = (a * d + i) * rows + b * d
                        for j in (b == a ? i : 0)..<d { m[offset + j] = factor * c[offset + j] }
                    }
                }
            }
            let grad = Tensor(uninitialized: x.shape, dtype: x.dtype)
            S.symmUpper(
                left: true, m: rows, n: p, alpha: 1, a: m, lda: rows, b: x.pointer(S.self), ldb: p, beta: 0,
                c: grad.pointer(S.self), ldc: p)
            withExtendedLifetime(products) {}
            return [grad]
        }
    }

    /// Q_a = X_aᵀX_a (SYRK per block), packed as v_a = (Q_ii, √2 Q_ij for i < j), T = V Vᵀ (SYRK); the
    /// backward is V̄ = (T̄ + T̄ᵀ) V unpacked into R_a = ∂L/∂Q_a and X̄_a = 2 X_a R_a (SYMM per block).
    private func crossGramNormsByProjectors<S: TensorScalar>(n: Int, d: Int, p: Int, _: S.Type) -> Tensor {
        let packedCount = p * (p + 1) / 2
        let x = self
        let packed = Tensor(uninitialized: [n, packedCount], dtype: dtype)
        let v = packed.pointer(S.self), xp = pointer(S.self)
        let root2 = S(2.0.squareRoot())
        parallelWithSerialBLAS(n) { range, _ in
            let projector = UnsafeMutablePointer<S>.allocate(capacity: p * p)
            defer { projector.deallocate() }
            for a in range {
                S.syrkUpper(trans: true, n: p, k: d, alpha: 1, a: xp + a * d * p, lda: p, beta: 0, c: projector, ldc: p)
                var k = a * packedCount
                for i in 0..<p {
                    v[k] = projector[i * p + i]
                    k += 1
                    for j in (i + 1)..<p {
                        v[k] = root2 * projector[i * p + j]
                        k += 1
                    }
                }
            }
        }
        let out = Tensor(uninitialized: [n, n], dtype: dtype)
        let t = out.pointer(S.self)
        S.syrkUpper(trans: false, n: n, k: packedCount, alpha: 1, a: v, lda: packedCount, beta: 0, c: t, ldc: n)
        for a in 0..<n { for b in 0..<a { t[a * n + b] = t[b * n + a] } }
        return Tensor.record(out, "crossGramSquaredNorms", [x]) { g, _ in
            let symmetric = g + g.transposed(0, 1)
            let packedGrad = symmetric.matmul(packed)
            let vg = packedGrad.pointer(S.self)
            let grad = Tensor(uninitialized: x.shape, dtype: x.dtype)
            let gp = grad.pointer(S.self)
            let inverseRoot2 = 1 / root2
            parallelWithSerialBLAS(n) { range, _ in
                let r = UnsafeMutablePointer<S>.allocate(capacity: p * p)
                defer { r.deallocate() }
                for a in range {
                    var k = a * packedCount
                    for i in 0..<p {
                        r[i * p + i] = vg[k]
                        k += 1
                        for j in (i + 1)..<p {
                            r[i * p + j] = inverseRoot2 * vg[k]
                            k += 1
                        }
                    }
                    S.symmUpper(
                        left: false, m: d, n: p, alpha: 2, a: r, lda: p, b: xp + a * d * p, ldb: p, beta: 0,
                        c: gp + a * d * p, ldc: p)
                }
            }
            return [grad]
        }
    }
}

/// Runs `body(a)` for every block row a in 0..<n of an upper triangle in parallel, rows a and n − 1 − a
/// together so that each thread gets about the same number of blocks.
private func eachUpperBlockRow(_ n: Int, _ body: (Int) -> Void) {
    parallelRanges((n + 1) / 2, grain: 1) { pairs in
        for a in pairs {
            body(a)
            if n - 1 - a != a { body(n - 1 - a) }
        }
    }
}

/// Σ x_j² of `count` values in float64, as four partial sums (independent chains the CPU overlaps).
@inline(__always)
private func sumOfSquares<S: TensorScalar>(_ x: UnsafeMutablePointer<S>, _ count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var j = 0
    while j + 4 <= count {
        let v0 = Double(x[j]), v1 = Double(x[j + 1]), v2 = Double(x[j + 2]), v3 = Double(x[j + 3])
        s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3
        j += 4
    }
    while j < count {
        let v = Double(x[j])
        s0 += v * v
        j += 1
    }
    return (s0 + s1) + (s2 + s3)
}

/// Matrix products through BLAS GEMM with transpose flags (transposes are never materialised),
/// and the fused affine map `linear` (y = x·Wᵀ + b) used by Linear layers.

/// Batched GEMM over row-major [batch, rows, cols] operands; a batch of 1 broadcasts.
func batchedGEMM<S: TensorScalar>(
    _ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool,
    batch: Int, m: Int, n: Int, k: Int, out: Tensor, _: S.Type
) {
    let pa = a.pointer(S.self), pb = b.pointer(S.self), pc = out.pointer(S.self)
    let aBatched = a.rank == 3, bBatched = b.rank == 3
    let lda = transA ? m : k, ldb = transB ? k : n
    for i in 0..<batch {
        S.gemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
            a: pa + (aBatched ? i * m * k : 0), lda: lda,
            b: pb + (bBatched ? i * k * n : 0), ldb: ldb,
            beta: 0, c: pc + i * m * n, ldc: n)
    }
}

extension Tensor {
    /// op(self) · op(other) for rank-2 or rank-3 (batched) operands, where op transposes the last two
    /// axes when the flag is set. A rank-2 operand is shared by every batch of a rank-3 one.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let a = self, b = other
        precondition(a.dtype == b.dtype, "matmul: dtypes differ")
        precondition(
            (2...3).contains(a.rank) && (2...3).contains(b.rank),
            "matmul needs rank-2 or rank-3 operands, got \(a.shape) and \(b.shape)")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let m = transposeSelf ? ac : ar, k = transposeSelf ? ar : ac
        let kb = transposeOther ? bc : br, n = transposeOther ? br : bc
        precondition(
            k == kb,
            "matmul: inner dimensions differ: \(a.shape)\(transposeSelf ? "ᵀ" : "") · \(b.shape)\(transposeOther ? "ᵀ" : "")"
        )
        let batchA = a.rank == 3 ? a.shape[0] : 1, batchB = b.rank == 3 ? b.shape[0] : 1
        precondition(
            batchA == batchB || a.rank == 2 || b.rank == 2, "matmul: batch sizes \(batchA) and \(batchB) differ")
        let batch = Swift.max(batchA, batchB)
        let outShape = (a.rank == 3 || b.rank == 3) ? [batch, m, n] : [m, n]
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        if dtype == .float32 {
            batchedGEMM(
                a, b, transA: transposeSelf, transB: transposeOther, batch: batch, m: m, n: n, k: k, out: out,
                Float.self)
        } else {
            batchedGEMM(
                a, b, transA: transposeSelf, transB: transposeOther, batch: batch, m: m, n: n, k: k, out: out,
                Double.self)
        }
        let tA = transposeSelf, tB = transposeOther
        return Tensor.record(out, "matmul", [a, b]) { g, _ in
            let da: Tensor? =
                a.requiresGrad
                ? (tA ? b.matmul(g, transposeSelf: tB, transposeOther: true) : g.matmul(b, transposeOther: !tB))
                    .sumToShape(a.shape)
                : nil
            let db: Tensor? =
                b.requiresGrad
                ? (tB ? g.matmul(a, transposeSelf: true, transposeOther: tA) : a.matmul(g, transposeSelf: !tA))
                    .sumToShape(b.shape)
                : nil
            return [da, db]
        }
    }

    /// Multiply-adds of one gradient product from which `linear`'s two products run side by side.
    static let concurrentGradientsMinimumWork = 1 << 18

    /// The affine map y = x·Wᵀ + b of torch.nn.functional.linear: `weight` is [out, in], `bias` [out],
    /// and `self` is [..., in]. One GEMM with the bias pre-filled (beta = 1).
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        let inFeatures = weight.shape[1], outFeatures = weight.shape[0]
        precondition(
            weight.rank == 2 && shape.last == inFeatures,
            "linear: input \(shape) does not end with in_features \(inFeatures) of weight \(weight.shape)")
        let rows = count / Swift.max(inFeatures, 1)
        let out = Tensor(uninitialized: Array(shape.dropLast()) + [outFeatures], dtype: dtype)
        func forward<S: TensorScalar>(_: S.Type) {
            let po = out.pointer(S.self)
            if let bias {
                let pb = bias.pointer(S.self)
                for r in 0..<rows { (po + r * outFeatures).update(from: pb, count: outFeatures) }
            }
            S.gemm(
                transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures, alpha: 1,
                a: pointer(S.self), lda: inFeatures, b: weight.pointer(S.self), ldb: inFeatures,
                beta: bias == nil ? 0 : 1, c: po, ldc: outFeatures)
        }
        if dtype == .float32 { forward(Float.self) } else { forward(Double.self) }
        let x = self, xShape = shape
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.record(out, "linear", inputs) { g, _ in
            let g2 = g.reshaped([rows, outFeatures])
            var dx: Tensor?, dw: Tensor?
            func inputGradient() { dx = g2.matmul(weight).reshaped(xShape) }
            func weightGradient() { dw = g2.matmul(x.reshaped([rows, inFeatures]), transposeSelf: true) }
            if x.requiresGrad && weight.requiresGrad && Threads.count == 2
                && rows * inFeatures * outFeatures >= Self.concurrentGradientsMinimumWork
            {
                // The two products cost the same; one core each at single-threaded GEMM's efficiency beats
                // both cores on one product after the other (measured at 2 threads only: with more, two
                // serial GEMMs would leave cores idle).
                parallelWithSerialBLAS(2) { _, worker in worker == 0 ? inputGradient() : weightGradient() }
            } else {
                if x.requiresGrad { inputGradient() }
                if weight.requiresGrad { weightGradient() }
            }
            var grads = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? g2.sum(axis: 0) : nil) }
            return grads
        }
    }
}

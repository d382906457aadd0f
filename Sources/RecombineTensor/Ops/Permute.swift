/// Axis permutation (torch.permute / transpose), materialised into a contiguous tensor.

func permuteKernel<S: TensorScalar>(_ x: Tensor, _ axes: [Int], into out: Tensor, _: S.Type) {
    let px = x.pointer(S.self), po = out.pointer(S.self)
    let rank = x.rank
    if rank == 2 && axes == [1, 0] {
        let rows = x.shape[0], cols = x.shape[1], block = 32
        parallelRanges((rows + block - 1) / block, grain: max(1, (1 << 14) / max(cols * block, 1))) { blocks in
            for rb in blocks {
                let r0 = rb * block, r1 = min(rows, r0 + block)
                var c0 = 0
                while c0 < cols {
                    let c1 = min(cols, c0 + block)
                    for r in r0..<r1 { for c in c0..<c1 { po[c * rows + r] = px[r * cols + c] } }
                    c0 = c1
                }
            }
        }
        return
    }
    let inStrides = Shape.strides(x.shape)
    let outShape = out.shape
    let sourceStrides = axes.map { inStrides[$0] }
    let innerCount = outShape.last ?? 1, innerStride = sourceStrides.last ?? 1
    let outerCount = innerCount == 0 ? 0 : out.count / innerCount
    parallelRanges(outerCount, grain: max(1, (1 << 14) / max(innerCount, 1))) { rows in
        guard let first = rows.first else { return }
        // Odometer over the outer output axes, started at `first`.
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var remainder = first, offset = 0
        for d in stride(from: rank - 2, through: 0, by: -1) {
            index[d] = remainder % outShape[d]; remainder /= outShape[d]
            offset += index[d] * sourceStrides[d]
        }
        for row in rows {
            let dst = po + row * innerCount
            var src = px + offset
            for i in 0..<innerCount { dst[i] = src.pointee; src += innerStride }
            var d = rank - 2
            while d >= 0 {
                index[d] += 1; offset += sourceStrides[d]
                if index[d] < outShape[d] { break }
                offset -= index[d] * sourceStrides[d]; index[d] = 0; d -= 1
            }
        }
    }
}

extension Tensor {
    /// The tensor with its axes reordered: output axis i is input axis `axes[i]` (torch.permute).
    public func permuted(_ axes: [Int]) -> Tensor {
        let axes = axes.map { Shape.normalize(axis: $0, rank: rank) }
        precondition(
            axes.count == rank && Set(axes).count == rank, "permute: \(axes) is not a permutation of \(rank) axes")
        if axes == Array(0..<rank) { return reshaped(shape) }
        let out = Tensor(uninitialized: axes.map { shape[$0] }, dtype: dtype)
        if dtype == .float32 {
            permuteKernel(self, axes, into: out, Float.self)
        } else {
            permuteKernel(self, axes, into: out, Double.self)
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.record(out, "permute", [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// Swaps axes `a` and `b` (torch.transpose).
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Shape.normalize(axis: a, rank: rank), Shape.normalize(axis: b, rank: rank))
        return permuted(axes)
    }

    /// The transpose of a matrix.
    public var T: Tensor {
        precondition(rank == 2, ".T needs a matrix, tensor has shape \(shape)")
        return transposed(0, 1)
    }
}

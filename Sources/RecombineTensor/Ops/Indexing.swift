/// Slicing, index selection, gathering, concatenation, stacking and splitting along one axis.
/// All work on the [outer, n, inner] view of the axis and copy contiguous `inner` blocks.

/// Copies rows of `inner` elements: out[o, i, :] = x[o, sourceRows[i], :]; the element size is generic.
func copyRows(
    from x: Tensor, sourceRows: [Int], n: Int, outer: Int, inner: Int, into out: Tensor,
    outRows: Int, outOffset: Int = 0
) {
    let size = x.dtype.byteSize
    let src = x.storage.raw, dst = out.storage.raw
    let k = sourceRows.count, bytes = inner * size
    parallelRanges(outer * k, grain: max(1, (1 << 15) / max(inner, 1))) { range in
        for job in range {
            let o = job / k, i = job % k
            (dst + ((o * outRows + outOffset + i) * inner) * size)
                .copyMemory(from: src + ((o * n + sourceRows[i]) * inner) * size, byteCount: bytes)
        }
    }
}

/// Adds rows back: out[o, targetRows[i], :] += g[o, i, :] (sequential per outer index, so repeated
/// indices accumulate deterministically).
func scatterAddRows<S: TensorScalar>(
    _ g: Tensor, targetRows: [Int], n: Int, outer: Int, inner: Int,
    into out: Tensor, _: S.Type
) {
    let pg = g.pointer(S.self), po = out.pointer(S.self)
    let k = targetRows.count
    parallelRanges(outer, grain: max(1, (1 << 15) / max(k * inner, 1))) { range in
        for o in range {
            for i in 0..<k {
                let src = pg + (o * k + i) * inner, dst = po + (o * n + targetRows[i]) * inner
                for j in 0..<inner { dst[j] += src[j] }
            }
        }
    }
}

extension Tensor {
    /// Elements `start..<end` (step `step`) along `axis` (torch.narrow / basic slicing). Negative
    /// `start`/`end` count from the end; `end` nil means the axis size.
    public func slice(axis: Int, start: Int = 0, end: Int? = nil, step: Int = 1) -> Tensor {
        precondition(step > 0, "slice: step must be positive, got \(step)")
        let a = Shape.normalize(axis: axis, rank: rank)
        let n = shape[a]
        func clampIndex(_ i: Int) -> Int { Swift.min(Swift.max(i < 0 ? i + n : i, 0), n) }
        let lo = clampIndex(start), hi = clampIndex(end ?? n)
        let rows = lo < hi ? Array(stride(from: lo, to: hi, by: step)) : []
        return indexSelect(axis: a, indices: rows, name: "slice")
    }

    /// Rows `range` of axis 0.
    public subscript(rows range: Range<Int>) -> Tensor {
        slice(axis: 0, start: range.lowerBound, end: range.upperBound)
    }

    /// The entries `indices` along `axis`, in that order (torch.index_select). Repeated indices are
    /// allowed; their gradients accumulate.
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        indexSelect(axis: axis, indices: indices, name: "index_select")
    }

    func indexSelect(axis: Int, indices: [Int], name: String) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        let (outer, n, inner) = axisView(a)
        let rows = indices.map { $0 < 0 ? $0 + n : $0 }
        precondition(rows.allSatisfy { $0 >= 0 && $0 < n }, "\(name): index out of range for axis of size \(n)")
        var outShape = shape; outShape[a] = rows.count
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        copyRows(from: self, sourceRows: rows, n: n, outer: outer, inner: inner, into: out, outRows: rows.count)
        let inputShape = shape, dt = dtype
        return Tensor.record(out, name, [self]) { g, _ in
            let gx = Tensor.zeros(inputShape, dtype: dt)
            if dt == .float32 {
                scatterAddRows(g, targetRows: rows, n: n, outer: outer, inner: inner, into: gx, Float.self)
            } else {
                scatterAddRows(g, targetRows: rows, n: n, outer: outer, inner: inner, into: gx, Double.self)
            }
            return [gx]
        }
    }

    /// torch.gather: out[..., i, ...] = self[..., indices[..., i, ...], ...] along `axis`, where
    /// `indices` (row-major, `indexShape`) has this tensor's shape except along `axis`.
    public func gather(axis: Int, indices: [Int], indexShape: [Int]) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        precondition(
            indexShape.count == rank && Shape.count(indexShape) == indices.count,
            "gather: index shape \(indexShape) does not match \(indices.count) indices of rank \(rank)")
        for d in 0..<rank where d != a {
            precondition(
                indexShape[d] == shape[d], "gather: index shape \(indexShape) differs from \(shape) off axis \(a)")
        }
        let (outer, n, inner) = axisView(a)
        let k = indexShape[a]
        precondition(indices.allSatisfy { $0 >= 0 && $0 < n }, "gather: index out of range for axis of size \(n)")
        let out = Tensor(uninitialized: indexShape, dtype: dtype)
        func forward<S: TensorScalar>(_: S.Type) {
            let px = pointer(S.self), po = out.pointer(S.self)
            for o in 0..<outer {
                for i in 0..<k {
                    for j in 0..<inner {
                        let flat = (o * k + i) * inner + j
                        po[flat] = px[(o * n + indices[flat]) * inner + j]
                    }
                }
            }
        }
        if dtype == .float32 { forward(Float.self) } else { forward(Double.self) }
        let inputShape = shape, dt = dtype
        return Tensor.record(out, "gather", [self]) { g, _ in
            let gx = Tensor.zeros(inputShape, dtype: dt)
            func backward<S: TensorScalar>(_: S.Type) {
                let pg = g.pointer(S.self), px = gx.pointer(S.self)
                for o in 0..<outer {
                    for i in 0..<k {
                        for j in 0..<inner {
                            let flat = (o * k + i) * inner + j
                            px[(o * n + indices[flat]) * inner + j] += pg[flat]
                        }
                    }
                }
            }
            if dt == .float32 { backward(Float.self) } else { backward(Double.self) }
            return [gx]
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree (torch.cat).
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let a = Shape.normalize(axis: axis, rank: first.rank)
        for t in tensors {
            precondition(t.dtype == first.dtype, "concatenate: mixed dtypes \(first.dtype) and \(t.dtype)")
            precondition(
                t.rank == first.rank && (0..<first.rank).allSatisfy { $0 == a || t.shape[$0] == first.shape[$0] },
                "concatenate: shape \(t.shape) does not fit \(first.shape) along axis \(a)")
        }
        let sizes = tensors.map { $0.shape[a] }
        var outShape = first.shape; outShape[a] = sizes.reduce(0, +)
        let out = Tensor(uninitialized: outShape, dtype: first.dtype)
        let (outer, _, inner) = out.axisView(a)
        var offset = 0
        for (t, size) in zip(tensors, sizes) {
            copyRows(
                from: t, sourceRows: Array(0..<size), n: size, outer: outer, inner: inner,
                into: out, outRows: outShape[a], outOffset: offset)
            offset += size
        }
        return Tensor.record(out, "cat", tensors) { g, _ in g.split(sizes: sizes, axis: a) }
    }

    /// Joins equally shaped tensors along a new axis `axis` (torch.stack).
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors")
        let a = axis < 0 ? axis + tensors[0].rank + 1 : axis
        return concatenate(tensors.map { $0.unsqueezed(axis: a) }, axis: a)
    }

    /// Consecutive pieces of the given sizes along `axis` (torch.split with a size list).
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = Shape.normalize(axis: axis, rank: rank)
        precondition(sizes.reduce(0, +) == shape[a], "split: sizes \(sizes) do not add up to \(shape[a])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start: start, end: start + size)
        }
    }

    /// Splits into `chunks` pieces along `axis`, the last possibly smaller (torch.chunk).
    public func chunked(_ chunks: Int, axis: Int = 0) -> [Tensor] {
        let a = Shape.normalize(axis: axis, rank: rank)
        let n = shape[a], size = (n + chunks - 1) / Swift.max(chunks, 1)
        guard size > 0 else { return [self] }
        var sizes: [Int] = []
        var remaining = n
        while remaining > 0 { sizes.append(Swift.min(size, remaining)); remaining -= size }
        return split(sizes: sizes, axis: a)
    }
}

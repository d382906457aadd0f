/// Reductions along axes (sum, mean, max, min, argmax), broadcasting back (expand), and the
/// broadcast-gradient reduction `sumToShape` every broadcasting op's pullback relies on.

/// Sums axis `axis` of a tensor viewed as [outer, n, inner].
@inline(__always)
func sumAxisKernel<S: TensorScalar>(_ x: Tensor, outer: Int, n: Int, inner: Int, into out: Tensor, _: S.Type) {
    let px = x.pointer(S.self), po = out.pointer(S.self)
    if inner == 1 {
        parallelRanges(outer, grain: max(1, (1 << 15) / max(n, 1))) { rows in
            for o in rows {
                let base = px + o * n
                var a0: S = 0, a1: S = 0, a2: S = 0, a3: S = 0
                var i = 0
                while i + 4 <= n { a0 += base[i]; a1 += base[i + 1]; a2 += base[i + 2]; a3 += base[i + 3]; i += 4 }
                while i < n { a0 += base[i]; i += 1 }
                po[o] = (a0 + a1) + (a2 + a3)
            }
        }
    } else {
        parallelRanges(outer * ((inner + 255) / 256), grain: 1) { blocks in
            let blocksPerRow = (inner + 255) / 256
            for b in blocks {
                let o = b / blocksPerRow, lo = (b % blocksPerRow) * 256, hi = min(inner, lo + 256)
                let dst = po + o * inner
                for j in lo..<hi { dst[j] = 0 }
                for r in 0..<n {
                    let src = px + (o * n + r) * inner
                    for j in lo..<hi { dst[j] += src[j] }
                }
            }
        }
    }
}

/// Max (or min) along axis viewed as [outer, n, inner], with the index of the first extreme element.
func extremeAxisKernel<S: TensorScalar>(
    _ x: Tensor, outer: Int, n: Int, inner: Int, findMax: Bool,
    _: S.Type
) -> (Tensor, [Int]) {
    let out = Tensor(uninitialized: [outer * inner], dtype: x.dtype)
    var indices = [Int](repeating: 0, count: outer * inner)
    let px = x.pointer(S.self), po = out.pointer(S.self)
    for o in 0..<outer {
        for j in 0..<inner {
            var best = px[o * n * inner + j], bestIndex = 0
            for r in 1..<max(n, 1) {
                let v = px[(o * n + r) * inner + j]
                if findMax ? (v > best || (v.isNaN && !best.isNaN)) : (v < best || (v.isNaN && !best.isNaN)) {
                    best = v; bestIndex = r
                }
            }
            po[o * inner + j] = best
            indices[o * inner + j] = bestIndex
        }
    }
    return (out, indices)
}

extension Tensor {
    /// Sizes of the [outer, n, inner] view around `axis`.
    func axisView(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (Shape.count(Array(shape[..<axis])), shape[axis], Shape.count(Array(shape[(axis + 1)...])))
    }

    /// Sum over one axis without recording.
    func sumAxisRaw(_ axis: Int, keepDims: Bool) -> Tensor {
        let (outer, n, inner) = axisView(axis)
        var outShape = shape
        if keepDims { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        if dtype == .float32 {
            sumAxisKernel(self, outer: outer, n: n, inner: inner, into: out, Float.self)
        } else {
            sumAxisKernel(self, outer: outer, n: n, inner: inner, into: out, Double.self)
        }
        return out
    }

    /// Sum over `axes` (all axes when nil). Negative axes count from the end.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes)
        var out = self.detached()
        for axis in axes.sorted(by: >) { out = out.sumAxisRaw(axis, keepDims: true) }
        var reducedShape = shape
        for axis in axes { reducedShape[axis] = 1 }
        let finalShape =
            keepDims ? reducedShape : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        out = Tensor(sharing: out.storage, shape: finalShape, dtype: dtype)
        let inputShape = shape
        return Tensor.record(out, "sum", [self]) { g, _ in
            [Tensor(sharing: g.storage, shape: reducedShape, dtype: g.dtype).broadcast(to: inputShape)]
        }
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes)
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Double(Swift.max(n, 1)))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes`; `unbiased` divides by n − 1 (torch's default) instead of n.
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes)
        let n = axes.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.squared().sum(axes: axes, keepDims: keepDims) * (1 / Double(Swift.max(unbiased ? n - 1 : n, 1)))
    }

    /// p-norm over `axes` (all when nil).
    public func norm(p: Double = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        if p == 2 { return squared().sum(axes: axes, keepDims: keepDims).sqrt() }
        if p == 1 { return abs().sum(axes: axes, keepDims: keepDims) }
        return abs().pow(p).sum(axes: axes, keepDims: keepDims).pow(1 / p)
    }

    /// Maximum along `axis`; the gradient flows to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        extreme(axis: axis, keepDims: keepDims, findMax: true).0
    }
    /// Minimum along `axis`; the gradient flows to the first minimal element.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor {
        extreme(axis: axis, keepDims: keepDims, findMax: false).0
    }
    /// Index of the first maximum along `axis`, in row-major order of the remaining axes.
    public func argmax(axis: Int) -> [Int] {
        withoutGradients { extreme(axis: axis, keepDims: false, findMax: true).1 }
    }
    /// Index of the first minimum along `axis`.
    public func argmin(axis: Int) -> [Int] {
        withoutGradients { extreme(axis: axis, keepDims: false, findMax: false).1 }
    }

    /// Maximum over all elements.
    public func max() -> Tensor { reshaped([count]).max(axis: 0) }
    /// Minimum over all elements.
    public func min() -> Tensor { reshaped([count]).min(axis: 0) }

    func extreme(axis: Int, keepDims: Bool, findMax: Bool) -> (Tensor, [Int]) {
        let axis = Shape.normalize(axis: axis, rank: rank)
        precondition(shape[axis] > 0, "max/min over an empty axis")
        let (outer, n, inner) = axisView(axis)
        let (flat, indices) =
            dtype == .float32
            ? extremeAxisKernel(self, outer: outer, n: n, inner: inner, findMax: findMax, Float.self)
            : extremeAxisKernel(self, outer: outer, n: n, inner: inner, findMax: findMax, Double.self)
        var outShape = shape
        if keepDims { outShape[axis] = 1 } else { outShape.remove(at: axis) }
        let out = Tensor(sharing: flat.storage, shape: outShape, dtype: dtype)
        let inputShape = shape
        let recorded = Tensor.record(out, findMax ? "max" : "min", [self]) { g, _ in
            let dx = Tensor.zeros(inputShape, dtype: g.dtype)
            for o in 0..<outer {
                for j in 0..<inner {
                    let k = o * inner + j
                    dx.setFlat((o * n + indices[k]) * inner + j, g[flat: k])
                }
            }
            return [dx]
        }
        return (recorded, indices)
    }

    /// log Σ exp along `axis`, computed stably.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let m = withoutGradients { self.max(axis: axis, keepDims: true) }.detached()
        let shifted = (self - m).exp().sum(axis: axis, keepDims: true).log() + m
        return keepDims ? shifted : shifted.squeezed(axis: axis)
    }

    /// Broadcasts to `target` (NumPy rules); the pullback sums over the broadcast axes.
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor(uninitialized: target, dtype: dtype).broadcastBinary(self, SecondFn(), "broadcast")
        precondition(out.shape == target, "cannot broadcast \(shape) to \(target)")
        let inputShape = shape
        return Tensor.record(out, "broadcast", [self]) { g, _ in [g.sumToShape(inputShape)] }
    }

    /// Sums a broadcast result back to `target` (the shape of the input that was broadcast).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if target == shape { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "cannot reduce \(shape) to \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    func normalizedAxes(_ axes: [Int]?) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        let normalized = axes.map { Shape.normalize(axis: $0, rank: rank) }
        precondition(Set(normalized).count == normalized.count, "repeated axis in \(axes)")
        return normalized
    }
}

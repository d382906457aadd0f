/// Softmax and log-softmax along an axis, with fused kernels and pullbacks.

func softmaxKernel<S: TensorScalar>(_ x: Tensor, outer: Int, n: Int, inner: Int, log: Bool, _: S.Type) -> Tensor {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let px = x.pointer(S.self), po = out.pointer(S.self)
    parallelRanges(outer * inner, grain: max(1, (1 << 14) / max(n, 1))) { lanes in
        for lane in lanes {
            let o = lane / inner, j = lane % inner
            let base = o * n * inner + j
            var m = -S.infinity
            for r in 0..<n { m = Swift.max(m, px[base + r * inner]) }
            var z: S = 0
            for r in 0..<n { z += S.exp(px[base + r * inner] - m) }
            if log {
                let lz = S.log(z) + m
                for r in 0..<n { po[base + r * inner] = px[base + r * inner] - lz }
            } else {
                for r in 0..<n { po[base + r * inner] = S.exp(px[base + r * inner] - m) / z }
            }
        }
    }
    return out
}

extension Tensor {
    /// exp(x) / Σ exp(x) along `axis` (torch.softmax(dim=axis)).
    public func softmax(axis: Int = -1) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        let (outer, n, inner) = axisView(a)
        let out =
            dtype == .float32
            ? softmaxKernel(self, outer: outer, n: n, inner: inner, log: false, Float.self)
            : softmaxKernel(self, outer: outer, n: n, inner: inner, log: false, Double.self)
        return Tensor.record(out, "softmax", [self]) { g, y in
            let gy = g * y
            return [gy - y * gy.sum(axis: a, keepDims: true)]
        }
    }

    /// x − log Σ exp(x) along `axis` (torch.log_softmax(dim=axis)).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        let (outer, n, inner) = axisView(a)
        let out =
            dtype == .float32
            ? softmaxKernel(self, outer: outer, n: n, inner: inner, log: true, Float.self)
            : softmaxKernel(self, outer: outer, n: n, inner: inner, log: true, Double.self)
        return Tensor.record(out, "log_softmax", [self]) { g, y in
            [g - y.exp() * g.sum(axis: a, keepDims: true)]
        }
    }
}

/// Generic elementwise kernels with NumPy broadcasting. Each elementwise op is a small value type
/// conforming to `UnaryFunction` or `BinaryFunction`; the kernels below are specialised for Float and
/// Double, run in parallel over large tensors, and take fast paths for equal shapes, scalars and
/// row broadcasting (bias addition).

/// f(x) and its derivative, written once for both element types.
protocol UnaryFunction {
    func value<S: TensorScalar>(_ x: S) -> S
    /// df/dx given the input `x` and the output `y = f(x)`.
    func derivative<S: TensorScalar>(_ x: S, _ y: S) -> S
}

/// f(a, b) and its two partial derivatives.
protocol BinaryFunction {
    func value<S: TensorScalar>(_ a: S, _ b: S) -> S
}

@inline(__always)
func mapUnary<S: TensorScalar, F: UnaryFunction>(_ x: Tensor, _ f: F, _: S.Type) -> Tensor {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let px = x.pointer(S.self), po = out.pointer(S.self)
    parallelRanges(x.count) { r in for i in r { po[i] = f.value(px[i]) } }
    return out
}

/// gradOutput * f'(x) elementwise.
@inline(__always)
func unaryPullback<S: TensorScalar, F: UnaryFunction>(_ g: Tensor, _ x: Tensor, _ y: Tensor, _ f: F, _: S.Type)
    -> Tensor
{
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let pg = g.pointer(S.self), px = x.pointer(S.self), py = y.pointer(S.self), po = out.pointer(S.self)
    parallelRanges(x.count) { r in for i in r { po[i] = pg[i] * f.derivative(px[i], py[i]) } }
    return out
}

extension Tensor {
    /// Applies an elementwise function and records its pullback.
    func unary<F: UnaryFunction>(_ name: String, _ f: F) -> Tensor {
        let out = dtype == .float32 ? mapUnary(self, f, Float.self) : mapUnary(self, f, Double.self)
        return Tensor.record(out, name, [self]) { g, y in
            let x =
                g.dtype == .float32
                ? unaryPullback(g, self, y, f, Float.self) : unaryPullback(g, self, y, f, Double.self)
            return [x]
        }
    }
}

/// Whether `small` (after dropping leading 1s) equals the trailing dimensions of `full`.
@inline(__always)
func isTrailingSuffix(_ small: [Int], of full: [Int]) -> Bool {
    var s = small[...]
    while let first = s.first, first == 1, s.count > 0 { s = s.dropFirst() }
    guard s.count <= full.count else { return false }
    return Array(s) == Array(full.suffix(s.count))
}

@inline(__always)
func mapBinary<S: TensorScalar, F: BinaryFunction>(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: F, _: S.Type)
    -> Tensor
{
    let out = Tensor(uninitialized: shape, dtype: a.dtype)
    let pa = a.pointer(S.self), pb = b.pointer(S.self), po = out.pointer(S.self)
    let n = out.count
    if n == 0 { return out }
    if a.count == n && b.count == n {
        parallelRanges(n) { r in for i in r { po[i] = f.value(pa[i], pb[i]) } }
    } else if b.count == 1 && a.count == n {
        let s = pb[0]
        parallelRanges(n) { r in for i in r { po[i] = f.value(pa[i], s) } }
    } else if a.count == 1 && b.count == n {
        let s = pa[0]
        parallelRanges(n) { r in for i in r { po[i] = f.value(s, pb[i]) } }
    } else if a.count == n && isTrailingSuffix(b.shape, of: shape) {
        let inner = b.count
        parallelRanges(n / inner, grain: max(1, (1 << 15) / inner)) { rows in
            for row in rows {
                let o = row * inner
                for j in 0..<inner { po[o + j] = f.value(pa[o + j], pb[j]) }
            }
        }
    } else if b.count == n && isTrailingSuffix(a.shape, of: shape) {
        let inner = a.count
        parallelRanges(n / inner, grain: max(1, (1 << 15) / inner)) { rows in
            for row in rows {
                let o = row * inner
                for j in 0..<inner { po[o + j] = f.value(pa[j], pb[o + j]) }
            }
        }
    } else {
        // General broadcast: walk the outer index space, last axis innermost.
        let sa = Shape.broadcastStrides(a.shape, to: shape), sb = Shape.broadcastStrides(b.shape, to: shape)
        let rank = shape.count
        let inner = shape[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
        let outerShape = Array(shape.dropLast())
        let rows = Shape.count(outerShape)
        parallelRanges(rows, grain: max(1, (1 << 15) / max(inner, 1))) { range in
            var index = [Int](repeating: 0, count: max(rank - 1, 0))
            var rest = range.lowerBound
            for d in stride(from: rank - 2, through: 0, by: -1) {
                index[d] = rest % outerShape[d]; rest /= outerShape[d]
            }
            for row in range {
                var oa = 0, ob = 0
                for d in 0..<(rank - 1) { oa += index[d] * sa[d]; ob += index[d] * sb[d] }
                let o = row * inner
                for j in 0..<inner { po[o + j] = f.value(pa[oa + j * ia], pb[ob + j * ib]) }
                var d = rank - 2
                while d >= 0 { index[d] += 1; if index[d] < outerShape[d] { break }; index[d] = 0; d -= 1 }
            }
        }
    }
    return out
}

extension Tensor {
    /// Applies a broadcasting binary function (no gradient recording; callers record).
    func broadcastBinary<F: BinaryFunction>(_ other: Tensor, _ f: F, _ name: String) -> Tensor {
        precondition(dtype == other.dtype, "\(name): dtypes differ (\(dtype) vs \(other.dtype))")
        guard let shape = Shape.broadcast(self.shape, other.shape) else {
            preconditionFailure("\(name): shapes \(self.shape) and \(other.shape) do not broadcast")
        }
        return dtype == .float32
            ? mapBinary(self, other, shape, f, Float.self)
            : mapBinary(self, other, shape, f, Double.self)
    }
}

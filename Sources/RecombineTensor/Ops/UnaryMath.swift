/// Elementwise math: neg, exp, log, sqrt, abs, square, pow with a constant, clamp.

struct NegFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { -x }
    @inline(__always) func derivative<S: TensorScalar>(_: S, _: S) -> S { -1 }
}
struct ExpFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { S.exp(x) }
    @inline(__always) func derivative<S: TensorScalar>(_: S, _ y: S) -> S { y }
}
struct LogFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { S.log(x) }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { 1 / x }
}
struct SqrtFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { x.squareRoot() }
    @inline(__always) func derivative<S: TensorScalar>(_: S, _ y: S) -> S { 1 / (2 * y) }
}
struct AbsFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { Swift.abs(x) }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}
struct SquareFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { x * x }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { 2 * x }
}
struct PowScalarFn: UnaryFunction {
    let p: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S {
        p == 2 ? x * x : (p == 1 ? x : power(x, p))
    }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S {
        p == 0 ? 0 : (p == 1 ? 1 : (p == 2 ? 2 * x : S(p) * power(x, p - 1)))
    }
    /// x^e as torch.pow: an integral exponent is repeated multiplication, defined for negative x too
    /// (Real's pow(x, y) is exp(y·log x), NaN there); other exponents of a negative x stay NaN.
    @inline(__always) func power<S: TensorScalar>(_ x: S, _ e: Double) -> S {
        e.rounded() == e && Swift.abs(e) <= 1024 ? S.pow(x, Int(e)) : S.pow(x, S(e))
    }
}
struct ClampFn: UnaryFunction {
    let low: Double, high: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { Swift.min(Swift.max(x, S(low)), S(high)) }
    /// Gradient passes where the input is inside [low, high] (as torch.clamp).
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { x >= S(low) && x <= S(high) ? 1 : 0 }
}

extension Tensor {
    public func exp() -> Tensor { unary("exp", ExpFn()) }
    public func log() -> Tensor { unary("log", LogFn()) }
    public func sqrt() -> Tensor { unary("sqrt", SqrtFn()) }
    public func abs() -> Tensor { unary("abs", AbsFn()) }
    /// Elementwise x².
    public func squared() -> Tensor { unary("square", SquareFn()) }
    /// Limits every element to [min, max]; either bound may be omitted.
    public func clamped(min: Double = -.infinity, max: Double = .infinity) -> Tensor {
        unary("clamp", ClampFn(low: min, high: max))
    }
}

/// Elementwise activations with torch.nn semantics and defaults.

struct ReLUFn: UnaryFunction {
    /// NaN stays NaN (as torch.relu), so a diverging layer is seen by the finiteness checks.
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { x < 0 ? 0 : x }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { x > 0 ? 1 : 0 }
}
struct LeakyReLUFn: UnaryFunction {
    let slope: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { x > 0 ? x : S(slope) * x }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { x > 0 ? 1 : S(slope) }
}
/// ELU and CELU: x for x > 0, alpha * (exp(x / scale) - 1) otherwise (scale = 1 for ELU, alpha for CELU).
struct ELUFn: UnaryFunction {
    let alpha: Double, inputScale: Double, outputScale: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S {
        S(outputScale) * (x > 0 ? x : S(alpha) * (S.exp(x / S(inputScale)) - 1))
    }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S {
        S(outputScale) * (x > 0 ? 1 : S(alpha) / S(inputScale) * S.exp(x / S(inputScale)))
    }
}
struct SigmoidFn: UnaryFunction {
    /// 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below: both from e^−|x| and one division, without a branch
    /// on the sign (which random signs mispredict half the time).
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S {
        let e = S.exp(-Swift.abs(x))
        return (x >= 0 ? 1 : e) / (1 + e)
    }
    @inline(__always) func derivative<S: TensorScalar>(_: S, _ y: S) -> S { y * (1 - y) }
}
struct TanhFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { S.tanh(x) }
    @inline(__always) func derivative<S: TensorScalar>(_: S, _ y: S) -> S { 1 - y * y }
}
/// Exact GELU, x·Φ(x) (torch's default `approximate='none'`).
struct GELUFn: UnaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { x * (1 + S.erf(x / S.sqrt(2))) / 2 }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S {
        let cdf = (1 + S.erf(x / S.sqrt(2))) / 2
        let pdf = S.exp(-x * x / 2) / S.sqrt(2 * S.pi)
        return cdf + x * pdf
    }
}
/// Softplus (1/β)·log(1 + exp(βx)), linear above `threshold` (torch's defaults β = 1, threshold = 20).
struct SoftplusFn: UnaryFunction {
    let beta: Double, threshold: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S {
        let bx = S(beta) * x
        return bx > S(threshold) ? x : S.log(1 + S.exp(bx)) / S(beta)
    }
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S {
        let bx = S(beta) * x
        return bx > S(threshold) ? 1 : 1 / (1 + S.exp(-bx))
    }
}
struct HardtanhFn: UnaryFunction {
    let low: Double, high: Double
    @inline(__always) func value<S: TensorScalar>(_ x: S) -> S { Swift.min(Swift.max(x, S(low)), S(high)) }
    /// Zero gradient at and beyond the bounds (as torch's hardtanh_backward).
    @inline(__always) func derivative<S: TensorScalar>(_ x: S, _: S) -> S { x > S(low) && x < S(high) ? 1 : 0 }
}

extension Tensor {
    public func relu() -> Tensor { unary("relu", ReLUFn()) }
    public func leakyReLU(negativeSlope: Double = 0.01) -> Tensor {
        unary("leaky_relu", LeakyReLUFn(slope: negativeSlope))
    }
    public func elu(alpha: Double = 1) -> Tensor { unary("elu", ELUFn(alpha: alpha, inputScale: 1, outputScale: 1)) }
    public func celu(alpha: Double = 1) -> Tensor {
        unary("celu", ELUFn(alpha: alpha, inputScale: alpha, outputScale: 1))
    }
    /// SELU with torch's constants.
    public func selu() -> Tensor {
        unary(
            "selu",
            ELUFn(
                alpha: 1.6732632423543772848170429916717, inputScale: 1,
                outputScale: 1.0507009873554804934193349852946))
    }
    public func gelu() -> Tensor { unary("gelu", GELUFn()) }
    public func sigmoid() -> Tensor { unary("sigmoid", SigmoidFn()) }
    public func tanh() -> Tensor { unary("tanh", TanhFn()) }
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        unary("softplus", SoftplusFn(beta: beta, threshold: threshold))
    }
    public func hardtanh(min: Double = -1, max: Double = 1) -> Tensor {
        unary("hardtanh", HardtanhFn(low: min, high: max))
    }
}

/// Broadcasting arithmetic (+, -, *, /, pow, maximum, minimum) with its pullbacks.
/// Gradients of broadcast inputs are summed back to the input's shape by `sumToShape`.

struct AddFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a + b } }
struct SubFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a - b } }
struct MulFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a * b } }
struct DivFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a / b } }
struct PowFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { torchPow(a, b) } }
struct MaxFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a >= b ? a : b } }
struct MinFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a <= b ? a : b } }
/// 1 where a > b, ½ where a == b, 0 elsewhere: how maximum's gradient is shared on ties (as torch).
struct GreaterShareFn: BinaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a > b ? 1 : (a == b ? 0.5 : 0) }
}
/// b (used to broadcast b into a's shape).
struct SecondFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_: S, _ b: S) -> S { b } }
/// 1 where a > b, else 0.
struct GreaterFn: BinaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a > b ? 1 : 0 }
}
/// 1 where a == b, else 0.
struct EqualFn: BinaryFunction { @inline(__always) func value<S: TensorScalar>(_ a: S, _ b: S) -> S { a == b ? 1 : 0 } }
/// log(a) where a > 0, 0 elsewhere (the exponent's gradient of pow at a base of 0, as torch).
struct SafeLogFn: BinaryFunction {
    @inline(__always) func value<S: TensorScalar>(_ a: S, _: S) -> S { a > 0 ? S.log(a) : 0 }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = a.broadcastBinary(b, AddFn(), "add")
        return record(out, "add", [a, b]) { g, _ in [g.sumToShape(a.shape), g.sumToShape(b.shape)] }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = a.broadcastBinary(b, SubFn(), "sub")
        return record(out, "sub", [a, b]) { g, _ in
            [g.sumToShape(a.shape), b.requiresGrad ? (-g).sumToShape(b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = a.broadcastBinary(b, MulFn(), "mul")
        return record(out, "mul", [a, b]) { g, _ in
            [a.requiresGrad ? (g * b).sumToShape(a.shape) : nil, b.requiresGrad ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = a.broadcastBinary(b, DivFn(), "div")
        return record(out, "div", [a, b]) { g, y in
            [
                a.requiresGrad ? (g / b).sumToShape(a.shape) : nil,
                b.requiresGrad ? (-(g * y) / b).sumToShape(b.shape) : nil,
            ]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor { a.unary("neg", NegFn()) }

    /// Elementwise aᵇ with broadcasting.
    public func pow(_ exponent: Tensor) -> Tensor {
        let out = broadcastBinary(exponent, PowFn(), "pow")
        return Tensor.record(out, "pow", [self, exponent]) { g, y in
            let da: Tensor? =
                self.requiresGrad
                ? (g * exponent * self.broadcastBinary(exponent - Tensor.scalarLike(1, exponent), PowFn(), "pow"))
                    .sumToShape(self.shape)
                : nil
            let db: Tensor? =
                exponent.requiresGrad
                ? (g * y * self.broadcastBinary(self, SafeLogFn(), "log")).sumToShape(exponent.shape)
                : nil
            return [da, db]
        }
    }

    /// Elementwise xᵖ for a constant exponent.
    public func pow(_ p: Double) -> Tensor { unary("pow", PowScalarFn(p: p)) }

    /// Elementwise maximum with broadcasting; on ties the gradient is split equally (as torch).
    public func maximum(_ other: Tensor) -> Tensor {
        let out = broadcastBinary(other, MaxFn(), "maximum")
        return Tensor.record(out, "maximum", [self, other]) { g, _ in
            let share = self.broadcastBinary(other, GreaterShareFn(), "maximum")
            let rest = other.broadcastBinary(self, GreaterShareFn(), "maximum")
            return [(g * share).sumToShape(self.shape), (g * rest).sumToShape(other.shape)]
        }
    }

    /// Elementwise minimum with broadcasting; on ties the gradient is split equally (as torch).
    public func minimum(_ other: Tensor) -> Tensor {
        let out = broadcastBinary(other, MinFn(), "minimum")
        return Tensor.record(out, "minimum", [self, other]) { g, _ in
            let share = other.broadcastBinary(self, GreaterShareFn(), "minimum")
            let rest = self.broadcastBinary(other, GreaterShareFn(), "minimum")
            return [(g * share).sumToShape(self.shape), (g * rest).sumToShape(other.shape)]
        }
    }

    /// A scalar tensor of `other`'s dtype.
    static func scalarLike(_ value: Double, _ other: Tensor) -> Tensor { Tensor(scalar: value, dtype: other.dtype) }

    public static func + (a: Tensor, b: Double) -> Tensor { a + scalarLike(b, a) }
    public static func + (a: Double, b: Tensor) -> Tensor { scalarLike(a, b) + b }
    public static func - (a: Tensor, b: Double) -> Tensor { a - scalarLike(b, a) }
    public static func - (a: Double, b: Tensor) -> Tensor { scalarLike(a, b) - b }
    public static func * (a: Tensor, b: Double) -> Tensor { a * scalarLike(b, a) }
    public static func * (a: Double, b: Tensor) -> Tensor { scalarLike(a, b) * b }
    public static func / (a: Tensor, b: Double) -> Tensor { a / scalarLike(b, a) }
    public static func / (a: Double, b: Tensor) -> Tensor { scalarLike(a, b) / b }

    /// 1 where self > other, else 0 (not differentiable).
    public func greater(_ other: Tensor) -> Tensor { broadcastBinary(other, GreaterFn(), "greater") }
    /// 1 where self == other, else 0 (not differentiable).
    public func equal(_ other: Tensor) -> Tensor { broadcastBinary(other, EqualFn(), "equal") }
}

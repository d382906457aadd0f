import RecombineTensor

/// A parameter-free elementwise layer (activation functions).
public class ElementwiseLayer: Module {
    let function: (Tensor) -> Tensor
    init(_ function: @escaping (Tensor) -> Tensor) { self.function = function; super.init() }
    public override func callAsFunction(_ x: Tensor) -> Tensor { function(x) }
}

/// max(0, x).
public final class ReLU: ElementwiseLayer { public init() { super.init { $0.relu() } } }
/// x for x ≥ 0, negative_slope·x otherwise.
public final class LeakyReLU: ElementwiseLayer {
    public init(negativeSlope: Double = 0.01) { super.init { $0.leakyReLU(negativeSlope: negativeSlope) } }
}
/// x for x > 0, α(eˣ − 1) otherwise.
public final class ELU: ElementwiseLayer { public init(alpha: Double = 1) { super.init { $0.elu(alpha: alpha) } } }
/// Scaled ELU with torch's constants.
public final class SELU: ElementwiseLayer { public init() { super.init { $0.selu() } } }
/// max(0, x) + min(0, α(e^{x/α} − 1)).
public final class CELU: ElementwiseLayer { public init(alpha: Double = 1) { super.init { $0.celu(alpha: alpha) } } }
/// x·Φ(x) (exact, erf-based).
public final class GELU: ElementwiseLayer { public init() { super.init { $0.gelu() } } }
/// 1 / (1 + e⁻ˣ).
public final class Sigmoid: ElementwiseLayer { public init() { super.init { $0.sigmoid() } } }
/// tanh(x).
public final class Tanh: ElementwiseLayer { public init() { super.init { $0.tanh() } } }
/// log(1 + e^{βx})/β, linear above `threshold`.
public final class Softplus: ElementwiseLayer {
    public init(beta: Double = 1, threshold: Double = 20) {
        super.init { $0.softplus(beta: beta, threshold: threshold) }
    }
}
/// Clamp to [min_val, max_val].
public final class Hardtanh: ElementwiseLayer {
    public init(minValue: Double = -1, maxValue: Double = 1) {
        super.init { $0.hardtanh(min: minValue, max: maxValue) }
    }
}

/// Softmax along `dim` (torch.nn.Softmax).
public final class Softmax: ElementwiseLayer {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init { $0.softmax(axis: dim) } }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        dim >= -s.count && dim < s.count
            ? .success(s)
            : .failure(
                ShapeError("Softmax(dim: \(dim)) needs an input of rank > \(dim < 0 ? -dim - 1 : dim), got shape \(s)"))
    }
}

/// Log-softmax along `dim` (torch.nn.LogSoftmax).
public final class LogSoftmax: ElementwiseLayer {
    public let dim: Int
    public init(dim: Int) { self.dim = dim; super.init { $0.logSoftmax(axis: dim) } }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        dim >= -s.count && dim < s.count
            ? .success(s)
            : .failure(
                ShapeError(
                    "LogSoftmax(dim: \(dim)) needs an input of rank > \(dim < 0 ? -dim - 1 : dim), got shape \(s)"))
    }
}

import Foundation
import RecombineTensor

/// y = x Wᵀ + b over the last axis (torch.nn.Linear). Weight [out, in]; torch's default
/// initialisation: weight kaiming_uniform(a = √5), bias U(−1/√in, 1/√in).
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, generator: inout RandomGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive sizes, got \(inFeatures)→\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Tensor.zeros([outFeatures, inFeatures])
        Init.kaimingUniform(weight, a: Foundation.sqrt(5.0), generator: &generator)
        let bound = 1 / Foundation.sqrt(Double(inFeatures))
        self.bias = bias ? Tensor.uniform([outFeatures], low: -bound, high: bound, generator: &generator) : nil
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }

    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard let last = s.last, s.count >= 1 else {
            return .failure(ShapeError("Linear expects an input with a feature axis, got shape \(s)"))
        }
        guard last == inFeatures else {
            return .failure(
                ShapeError(
                    "Linear(in_features: \(inFeatures)) expects \(inFeatures) input features, got \(last) (input shape \(s))"
                ))
        }
        return .success(Array(s.dropLast()) + [outFeatures])
    }
}

import Foundation
import RecombineTensor

/// Adam and AdamW with torch.optim's formulas: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// p ← p − (lr / (1−β₁ᵗ)) · m / (√v̂ / √(1−β₂ᵗ) + ε), where v̂ = max over steps of v with AMSGrad.
/// Adam adds weight decay to the gradient (g + λp); AdamW decays the weights (p ← p(1 − lr·λ)).
public class Adam: Optimizer {
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double, amsgrad: Bool
    let decoupledWeightDecay: Bool

    public init(
        groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false
    ) {
        beta1 = betas.0; beta2 = betas.1; self.eps = eps; self.weightDecay = weightDecay; self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
        super.init(groups: groups)
    }

    public convenience init(
        parameters: [Tensor], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
        eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false
    ) {
        self.init(
            groups: [ParameterGroup(parameters: parameters, learningRate: learningRate)], betas: betas, eps: eps,
            weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public override func apply(
        parameter: Tensor, gradient: Tensor, state: inout [String: Tensor], step: Int, learningRate: Double
    ) {
        let m = buffer("exp_avg", like: parameter, in: &state), v = buffer("exp_avg_sq", like: parameter, in: &state)
        let vMax = amsgrad ? buffer("max_exp_avg_sq", like: parameter, in: &state) : nil
        if parameter.dtype == .float32 {
            update(parameter, gradient, m, v, vMax, step, learningRate, Float.self)
        } else {
            update(parameter, gradient, m, v, vMax, step, learningRate, Double.self)
        }
    }

    func update<S: UpdateScalar>(
        _ p: Tensor, _ g: Tensor, _ m: Tensor, _ v: Tensor, _ vMax: Tensor?, _ t: Int, _ lr: Double, _: S.Type
    ) {
        let pp = p.pointer(S.self), pg = g.pointer(S.self), pm = m.pointer(S.self), pv = v.pointer(S.self),
            pmax = vMax?.pointer(S.self)
        let bc1 = 1 - Foundation.pow(beta1, Double(t)), bc2 = 1 - Foundation.pow(beta2, Double(t))
        let stepSize = S(lr / bc1), sqrtBC2 = S(Foundation.sqrt(bc2))
        let b1 = S(beta1), b2 = S(beta2), eps = S(self.eps), wd = S(weightDecay)
        let decay = decoupledWeightDecay ? S(1 - lr * weightDecay) : 1
        let coupled = !decoupledWeightDecay && weightDecay != 0
        elementwise(p.count) { r in
            for (i, n) in UpdateBlocks(r, S.self) {
                var parameter = pp.block(i, n)
                let grad = coupled ? pg.block(i, n) + wd * parameter : pg.block(i, n)
                if decay != 1 { parameter = parameter * decay }
                let mean = b1 * pm.block(i, n) + (1 - b1) * grad
                let square = b2 * pv.block(i, n) + (1 - b2) * grad * grad
                pm.setBlock(i, n, mean)
                pv.setBlock(i, n, square)
                var second = square
                if let pmax {
                    // Swift.max(old, new): the new value where it is ≥ the old one, as the scalar rule did.
                    let old = pmax.block(i, n)
                    second = old.replacing(with: square, where: square .>= old)
                    pmax.setBlock(i, n, second)
                }
                pp.setBlock(i, n, parameter - stepSize * mean / (second.squareRoot() / sqrtBC2 + eps))
            }
        }
    }
}

/// Adam with decoupled weight decay (torch.optim.AdamW; default weight_decay 0.01).
public final class AdamW: Adam {
    public init(
        groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
        weightDecay: Double = 0.01, amsgrad: Bool = false
    ) {
        super.init(
            groups: groups, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
            decoupledWeightDecay: true)
    }
}

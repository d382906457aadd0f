import RecombineTensor

/// torch.optim.RMSprop: v ← αv + (1−α)g²; with `centered`, a ← αa + (1−α)g and the denominator uses
/// v − a²; d = g / (√· + ε); with momentum b ← μb + d, p ← p − lr·b, else p ← p − lr·d.
public final class RMSprop: Optimizer {
    public let alpha: Double, eps: Double, weightDecay: Double, momentum: Double, centered: Bool

    public init(
        groups: [ParameterGroup], alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
        momentum: Double = 0, centered: Bool = false
    ) {
        self.alpha = alpha; self.eps = eps; self.weightDecay = weightDecay; self.momentum = momentum;
        self.centered = centered
        super.init(groups: groups)
    }

    public override func apply(
        parameter: Tensor, gradient: Tensor, state: inout [String: Tensor], step: Int, learningRate: Double
    ) {
        let v = buffer("square_avg", like: parameter, in: &state)
        let a = centered ? buffer("grad_avg", like: parameter, in: &state) : nil
        let b = momentum > 0 ? buffer("momentum_buffer", like: parameter, in: &state) : nil
        if parameter.dtype == .float32 {
            update(parameter, gradient, v, a, b, learningRate, Float.self)
        } else {
            update(parameter, gradient, v, a, b, learningRate, Double.self)
        }
    }

    func update<S: UpdateScalar>(
        _ p: Tensor, _ g: Tensor, _ v: Tensor, _ a: Tensor?, _ b: Tensor?, _ lr: Double, _: S.Type
    ) {
        let pp = p.pointer(S.self), pg = g.pointer(S.self), pv = v.pointer(S.self), pa = a?.pointer(S.self),
            pb = b?.pointer(S.self)
        let al = S(alpha), eps = S(self.eps), wd = S(weightDecay), mu = S(momentum), lr = S(lr)
        elementwise(p.count) { r in
            for (i, n) in UpdateBlocks(r, S.self) {
                let parameter = pp.block(i, n)
                let grad = pg.block(i, n) + wd * parameter
                let square = al * pv.block(i, n) + (1 - al) * grad * grad
                pv.setBlock(i, n, square)
                var avg = square
                if let pa {
                    let mean = al * pa.block(i, n) + (1 - al) * grad
                    pa.setBlock(i, n, mean)
                    avg = avg - mean * mean
                }
                let d = grad / (avg.squareRoot() + eps)
                if let pb {
                    let buffer = mu * pb.block(i, n) + d
                    pb.setBlock(i, n, buffer)
                    pp.setBlock(i, n, parameter - lr * buffer)
                } else {
                    pp.setBlock(i, n, parameter - lr * d)
                }
            }
        }
    }
}

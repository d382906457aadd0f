import RecombineTensor

/// torch.optim.Adagrad: clr = lr / (1 + (t−1)·lr_decay); s ← s + g²; p ← p − clr · g / (√s + ε).
public final class Adagrad: Optimizer {
    public let learningRateDecay: Double, weightDecay: Double, initialAccumulatorValue: Double, eps: Double

    public init(
        groups: [ParameterGroup], learningRateDecay: Double = 0, weightDecay: Double = 0,
        initialAccumulatorValue: Double = 0, eps: Double = 1e-10
    ) {
        self.learningRateDecay = learningRateDecay; self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue; self.eps = eps
        super.init(groups: groups)
    }

    public override func apply(
        parameter: Tensor, gradient: Tensor, state: inout [String: Tensor], step: Int, learningRate: Double
    ) {
        let s = buffer("sum", like: parameter, in: &state, initialValue: initialAccumulatorValue)
        let clr = learningRate / (1 + Double(step - 1) * learningRateDecay)
        if parameter.dtype == .float32 {
            update(parameter, gradient, s, clr, Float.self)
        } else {
            update(parameter, gradient, s, clr, Double.self)
        }
    }

    func update<S: UpdateScalar>(_ p: Tensor, _ g: Tensor, _ s: Tensor, _ clr: Double, _: S.Type) {
        let pp = p.pointer(S.self), pg = g.pointer(S.self), ps = s.pointer(S.self)
        let clr = S(clr), wd = S(weightDecay), eps = S(self.eps)
        elementwise(p.count) { r in
            for (i, n) in UpdateBlocks(r, S.self) {
                let parameter = pp.block(i, n)
                let grad = pg.block(i, n) + wd * parameter
                let sum = ps.block(i, n) + grad * grad
                ps.setBlock(i, n, sum)
                pp.setBlock(i, n, parameter - clr * grad / (sum.squareRoot() + eps))
            }
        }
    }
}

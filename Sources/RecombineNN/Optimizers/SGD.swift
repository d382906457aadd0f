import RecombineTensor

/// Stochastic gradient descent with torch.optim.SGD's momentum, dampening, Nesterov and weight
/// decay: g ← g + λp; b ← μb + (1 − τ)g (b = g on the first step); g ← g + μb (Nesterov) or b; p ← p − lr·g.
public final class SGD: Optimizer {
    public let momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool

    public init(
        groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
        nesterov: Bool = false
    ) {
        precondition(
            !nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        self.momentum = momentum; self.dampening = dampening; self.weightDecay = weightDecay; self.nesterov = nesterov
        super.init(groups: groups)
    }

    public convenience init(
        parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false
    ) {
        self.init(
            groups: [ParameterGroup(parameters: parameters, learningRate: learningRate)], momentum: momentum,
            dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
    }

    public override func apply(
        parameter: Tensor, gradient: Tensor, state: inout [String: Tensor], step: Int, learningRate: Double
    ) {
        let firstStep = state["momentum_buffer"] == nil
        let b = momentum != 0 ? buffer("momentum_buffer", like: parameter, in: &state) : nil
        if parameter.dtype == .float32 {
            update(parameter, gradient, b, firstStep, learningRate, Float.self)
        } else {
            update(parameter, gradient, b, firstStep, learningRate, Double.self)
        }
    }

    func update<S: UpdateScalar>(_ p: Tensor, _ g: Tensor, _ b: Tensor?, _ first: Bool, _ lr: Double, _: S.Type) {
        let pp = p.pointer(S.self), pg = g.pointer(S.self), pb = b?.pointer(S.self)
        let lr = S(lr), mu = S(momentum), damp = 1 - S(dampening), wd = S(weightDecay), nesterov = self.nesterov
        elementwise(p.count) { r in
            for (i, n) in UpdateBlocks(r, S.self) {
                let parameter = pp.block(i, n)
                var d = pg.block(i, n) + wd * parameter
                if let pb {
                    let buffer = first ? d : mu * pb.block(i, n) + damp * d
                    pb.setBlock(i, n, buffer)
                    d = nesterov ? d + mu * buffer : buffer
                }
                pp.setBlock(i, n, parameter - lr * d)
            }
        }
    }
}

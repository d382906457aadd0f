import RecombineTensor

/// Parameters optimised together with one learning rate (torch's param_groups).
public struct ParameterGroup {
    public var parameters: [Tensor]
    public var learningRate: Double
    public init(parameters: [Tensor], learningRate: Double) {
        self.parameters = parameters; self.learningRate = learningRate
    }
}

/// Base of the torch.optim-style optimizers. Each subclass implements one per-parameter update,
/// `apply(parameter:gradient:state:learningRate:)`, over its own per-parameter state tensors; `step()`
/// runs it for every parameter that has a gradient (parameters without one are skipped, as in torch).
/// Updates happen in place, outside the autodiff graph.
open class Optimizer {
    public var groups: [ParameterGroup]
    /// Learning rates as constructed, the base that schedulers scale.
    public let initialLearningRates: [Double]
    /// Per-parameter state tensors by name (momentum buffers, moment estimates), keyed by parameter identity.
    public private(set) var states: [ObjectIdentifier: [String: Tensor]] = [:]
    /// Per-parameter step counts (Adam's bias correction counts steps with a gradient).
    public private(set) var stepCounts: [ObjectIdentifier: Int] = [:]

    public init(groups: [ParameterGroup]) {
        self.groups = groups
        initialLearningRates = groups.map(\.learningRate)
    }

    public convenience init(parameters: [Tensor], learningRate: Double) {
        self.init(groups: [ParameterGroup(parameters: parameters, learningRate: learningRate)])
    }

    /// The learning rate of the first group.
    public var learningRate: Double {
        get { groups.first?.learningRate ?? 0 }
        set { for i in groups.indices { groups[i].learningRate = newValue } }
    }

    /// Every parameter, group by group.
    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    /// Rescaling of the gradients before each update (none by default).
    public var gradientClipping: GradientClipping?

    /// One update of every parameter that has a gradient.
    public func step() {
        withoutGradients {
            if let gradientClipping {
                let owners = parameters.filter { $0.grad != nil }
                for (p, g) in zip(owners, gradientClipping.clipped(owners.map { $0.grad! })) { p.grad = g }
            }
            for group in groups {
                for p in group.parameters {
                    guard let g = p.grad else { continue }
                    precondition(
                        g.shape == p.shape && p.dtype == g.dtype,
                        "gradient \(g.shape) does not match parameter \(p.shape)")
                    let key = ObjectIdentifier(p)
                    let count = (stepCounts[key] ?? 0) + 1
                    stepCounts[key] = count
                    var state = states[key] ?? [:]
                    apply(parameter: p, gradient: g, state: &state, step: count, learningRate: group.learningRate)
                    states[key] = state
                }
            }
        }
    }

    /// One update of every parameter from `gradients` (parameters without a gradient stay as they are).
    public func step(_ gradients: Gradients) {
        for p in parameters { p.grad = gradients[p] }
        step()
        zeroGrad()
    }

    /// Clears the gradients of every parameter.
    public func zeroGrad() { for p in parameters { p.grad = nil } }

    /// The update rule for one parameter. `step` counts this parameter's updates from 1.
    open func apply(parameter: Tensor, gradient: Tensor, state: inout [String: Tensor], step: Int, learningRate: Double)
    {
        preconditionFailure("\(type(of: self)) does not implement apply")
    }

    /// State tensors named `<parameter index>.<state name>` plus `<index>.step`, for checkpoints.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (i, p) in parameters.enumerated() {
            let key = ObjectIdentifier(p)
            for (name, t) in states[key] ?? [:] { out["\(i).\(name)"] = t }
            if let n = stepCounts[key] { out["\(i).step"] = Tensor(scalar: Double(n), dtype: .float64) }
        }
        return out
    }

    /// Restores what `stateTensors()` returned (parameters matched by position).
    public func loadState(_ tensors: [String: Tensor]) {
        states = [:]; stepCounts = [:]
        for (i, p) in parameters.enumerated() {
            let key = ObjectIdentifier(p)
            for (name, t) in tensors where name.hasPrefix("\(i).") {
                let field = String(name.dropFirst("\(i).".count))
                if field == "step" {
                    stepCounts[key] = Int(t.item)
                } else {
                    states[key, default: [:]][field] = t.clone()
                }
            }
        }
    }

    /// A zero state tensor shaped like `p`, created on first use.
    func buffer(_ name: String, like p: Tensor, in state: inout [String: Tensor], initialValue: Double = 0) -> Tensor {
        if let t = state[name] { return t }
        let t = Tensor.full(p.shape, value: initialValue, dtype: p.dtype)
        state[name] = t
        return t
    }
}

/// Runs `body` over element ranges of a float32 tensor's buffers in parallel for large tensors.
@inline(__always)
func elementwise(_ count: Int, _ body: (Range<Int>) -> Void) { parallelRanges(count, grain: 1 << 16, body) }

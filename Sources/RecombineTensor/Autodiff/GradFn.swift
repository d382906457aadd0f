/// One recorded op of the autodiff graph: its inputs and its vector-Jacobian product.
///
/// `pullback(gradOutput, output)` returns one gradient per input (nil where an input needs none).
/// The output is passed in rather than captured, so the graph holds no reference cycles.
public final class GradFn {
    public let name: String
    public let inputs: [Tensor]
    let pullback: (_ gradOutput: Tensor, _ output: Tensor) -> [Tensor?]

    init(name: String, inputs: [Tensor], pullback: @escaping (Tensor, Tensor) -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.pullback = pullback
    }
}

/// Whether ops record the graph. Turned off inside `withoutGradients` (evaluation, target
/// computation, optimizer updates).
public enum GradMode {
    public nonisolated(unsafe) static var isEnabled = true
}

/// Runs `body` without recording gradients (PyTorch's `torch.no_grad()`).
@discardableResult
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradMode.isEnabled
    GradMode.isEnabled = false
    defer { GradMode.isEnabled = previous }
    return try body()
}

extension Tensor {
    /// Attaches `pullback` to `output` when gradient recording is on and any input requires gradients.
    /// Every differentiable op ends with this call; its pullback sits right beside its forward code.
    @inline(__always)
    static func record(
        _ output: Tensor, _ name: String, _ inputs: [Tensor],
        _ pullback: @escaping (_ gradOutput: Tensor, _ output: Tensor) -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return output }
        output.requiresGrad = true
        output.gradFn = GradFn(name: name, inputs: inputs, pullback: pullback)
        return output
    }

    /// Reverse-mode differentiation from this tensor. Without `seed`, this tensor must hold one
    /// element and the seed is 1. Gradients accumulate into the `grad` of every leaf that requires
    /// them. The graph is released afterwards unless `retainGraph` (PyTorch's `retain_graph`), which
    /// losses sharing parts of one graph need when they are differentiated one after another.
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false) {
        precondition(requiresGrad, "backward() on a tensor that does not require gradients")
        let seed = seed ?? Tensor.full(shape, value: 1, dtype: dtype)
        precondition(seed.shape == shape, "seed shape \(seed.shape) differs from \(shape)")
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        withoutGradients {
            for node in order.reversed() {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let fn = node.gradFn else {
                    node.grad = node.grad.map { $0 + g } ?? g
                    continue
                }
                let inputGrads = fn.pullback(g, node)
                for (input, inputGrad) in zip(fn.inputs, inputGrads) where input.requiresGrad {
                    guard let inputGrad else { continue }
                    precondition(
                        inputGrad.shape == input.shape,
                        "\(fn.name) pullback gave \(inputGrad.shape) for input \(input.shape)")
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0 + inputGrad } ?? inputGrad
                }
            }
        }
        if !retainGraph { for node in order where node.gradFn != nil { node.gradFn = nil } }
    }

    /// Nodes that require gradients, each after all of its inputs (iterative DFS).
    func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.gradFn?.inputs ?? []
            where input.requiresGrad
                && !visited.contains(ObjectIdentifier(input))
            {
                stack.append((input, false))
            }
        }
        return order
    }
}

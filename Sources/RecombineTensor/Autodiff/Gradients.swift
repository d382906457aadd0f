/// Gradients as a value: each parameter's gradient, looked up by the parameter.
public struct Gradients {
    private var byParameter: [ObjectIdentifier: Tensor] = [:]

    public init() {}

    /// The gradient of `parameter`; nil when the loss does not depend on it.
    public subscript(parameter: Tensor) -> Tensor? {
        get { byParameter[ObjectIdentifier(parameter)] }
        set { byParameter[ObjectIdentifier(parameter)] = newValue }
    }
}

extension Tensor {
    /// The gradients of this scalar with respect to `parameters`, returned as a value: their `grad`
    /// is cleared before the backward pass and again after it is read. Other leaves the loss depends on
    /// accumulate into their `grad` as with `backward`.
    public func gradients(withRespectTo parameters: [Tensor], retainGraph: Bool = false) -> Gradients {
        for p in parameters { p.grad = nil }
        backward(retainGraph: retainGraph)
        var gradients = Gradients()
        for p in parameters {
            if let g = p.grad { gradients[p] = g }
            p.grad = nil
        }
        return gradients
    }
}

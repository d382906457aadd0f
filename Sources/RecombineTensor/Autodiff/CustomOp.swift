extension Tensor {
    /// `output`, computed outside the engine from `inputs`, recorded as one differentiable op whose
    /// vector-Jacobian product is `pullback` (one gradient per input, nil where none is needed); for ops
    /// the engine cannot express, such as collectives across processes. Returns `output` unrecorded when
    /// gradients are off or no input requires them.
    public static func differentiable(
        _ output: Tensor, name: String, inputs: [Tensor],
        pullback: @escaping (_ gradOutput: Tensor, _ output: Tensor) -> [Tensor?]
    ) -> Tensor {
        record(output, name, inputs, pullback)
    }
}

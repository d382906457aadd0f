import RecombineTensor

/// Layers applied in order; children are named "0", "1", … like torch.nn.Sequential, so state-dict
/// names match PyTorch's (`net.1.weight`).
public final class Sequential: Module {
    public let layers: [Module]

    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
        for (i, layer) in layers.enumerated() { registerChild(String(i), layer) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }

    /// Chains the layers' shape rules; the error names the failing layer by index.
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        var shape = s
        for (i, layer) in layers.enumerated() {
            switch layer.outputShape(for: shape) {
            case .success(let next): shape = next
            case .failure(let e): return .failure(ShapeError("layer \(i) (\(type(of: layer))): \(e.message)"))
            }
        }
        return .success(shape)
    }
}

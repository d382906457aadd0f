import RecombineTensor

/// Merges axes start_dim…end_dim (torch.nn.Flatten; defaults keep the batch axis).
public final class Flatten: Module {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) { self.startDim = startDim; self.endDim = endDim; super.init() }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.flattened(startDim: startDim, endDim: endDim) }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        let a = startDim < 0 ? startDim + s.count : startDim, b = endDim < 0 ? endDim + s.count : endDim
        guard a >= 0, b < s.count, a <= b else {
            return .failure(
                ShapeError("Flatten(start_dim: \(startDim), end_dim: \(endDim)) does not fit an input of shape \(s)"))
        }
        return .success(Array(s[..<a]) + [s[a...b].reduce(1, *)] + Array(s[(b + 1)...]))
    }
}

/// Splits axis `dim` into `unflattenedSize` (torch.nn.Unflatten).
public final class Unflatten: Module {
    public let dim: Int, unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) {
        self.dim = dim; self.unflattenedSize = unflattenedSize; super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.unflattened(dim: dim, sizes: unflattenedSize) }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        let d = dim < 0 ? dim + s.count : dim
        guard d >= 0, d < s.count else {
            return .failure(ShapeError("Unflatten(dim: \(dim)) does not fit an input of shape \(s)"))
        }
        // In Double: absurd sizes in a method file must not overflow the check itself.
        let needed = unflattenedSize.reduce(1.0) { $0 * Double($1) }
        guard needed == Double(s[d]) else {
            return .failure(
                ShapeError(
                    "Unflatten(dim: \(dim), unflattened_size: \(unflattenedSize)) needs axis \(dim) of size \(needed < 1e15 ? String(Int(needed)) : String(needed)), got \(s[d]) (input shape \(s))"
                ))
        }
        return .success(Array(s[..<d]) + unflattenedSize + Array(s[(d + 1)...]))
    }
}

/// Passes its input through (torch.nn.Identity).
public final class Identity: Module {
    public override init() { super.init() }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x }
}

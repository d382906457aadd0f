/// Views with another shape of the same elements: reshape, flatten, squeeze, unsqueeze.
extension Tensor {
    /// The same elements with another shape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var newShape = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.reduce(1) { $0 * $1.element }
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            newShape[unknown] = count / known
        }
        precondition(Shape.count(newShape) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if newShape == shape && !requiresGrad { return self }
        let out = Tensor(sharing: storage, shape: newShape, dtype: dtype)
        let inputShape = shape
        return Tensor.record(out, "reshape", [self]) { g, _ in [g.reshaped(inputShape)] }
    }

    /// Merges axes `startDim...endDim` into one (torch.flatten; defaults flatten all).
    public func flattened(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if rank == 0 { return reshaped([1]) }
        let s = Shape.normalize(axis: startDim, rank: rank), e = Shape.normalize(axis: endDim, rank: rank)
        precondition(s <= e, "flatten: start_dim \(startDim) after end_dim \(endDim)")
        let merged = Shape.count(Array(shape[s...e]))
        return reshaped(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Splits axis `dim` into `sizes` (torch.unflatten).
    public func unflattened(dim: Int, sizes: [Int]) -> Tensor {
        let d = Shape.normalize(axis: dim, rank: rank)
        return reshaped(Array(shape[..<d]) + sizes + Array(shape[(d + 1)...]))
    }

    /// Removes axis `axis`, which must have size 1.
    public func squeezed(axis: Int) -> Tensor {
        let a = Shape.normalize(axis: axis, rank: rank)
        precondition(shape[a] == 1, "squeeze: axis \(axis) has size \(shape[a])")
        var s = shape; s.remove(at: a)
        return reshaped(s)
    }

    /// Removes every axis of size 1.
    public func squeezed() -> Tensor { reshaped(shape.filter { $0 != 1 }) }

    /// Inserts an axis of size 1 at `axis` (which may equal the rank).
    public func unsqueezed(axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "unsqueeze: axis \(axis) out of range for rank \(rank)")
        var s = shape; s.insert(1, at: a)
        return reshaped(s)
    }
}

/// Elementwise selection (torch.where) and one-hot encoding.

func whereKernel<S: TensorScalar>(_ c: Tensor, _ a: Tensor, _ b: Tensor, into out: Tensor, _: S.Type) {
    let pc = c.pointer(S.self), pa = a.pointer(S.self), pb = b.pointer(S.self), po = out.pointer(S.self)
    parallelRanges(out.count) { r in for i in r { po[i] = pc[i] != 0 ? pa[i] : pb[i] } }
}

extension Tensor {
    /// `a` where `condition` is nonzero, else `b`, with broadcasting (torch.where). Gradients flow to
    /// `a` where the condition holds and to `b` elsewhere; the condition gets none.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.dtype == b.dtype, "where: mixed dtypes \(a.dtype) and \(b.dtype)")
        guard let ab = Shape.broadcast(condition.shape, a.shape), let shape = Shape.broadcast(ab, b.shape) else {
            preconditionFailure("where: shapes \(condition.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let c = withoutGradients { condition.to(a.dtype).broadcast(to: shape) }
        let aFull = withoutGradients { a.broadcast(to: shape) }, bFull = withoutGradients { b.broadcast(to: shape) }
        let out = Tensor(uninitialized: shape, dtype: a.dtype)
        if a.dtype == .float32 {
            whereKernel(c, aFull, bFull, into: out, Float.self)
        } else {
            whereKernel(c, aFull, bFull, into: out, Double.self)
        }
        let aShape = a.shape, bShape = b.shape
        return Tensor.record(out, "where", [a, b]) { g, _ in
            let zeros = Tensor.zeros(shape, dtype: g.dtype)
            return [Tensor.where(c, g, zeros).sumToShape(aShape), Tensor.where(c, zeros, g).sumToShape(bShape)]
        }
    }

    /// Rows of `classes` zeros with a one at each label (torch.nn.functional.one_hot, as floats).
    public static func oneHot(_ labels: [Int], classes: Int, dtype: DType = .float32) -> Tensor {
        let out = Tensor.zeros([labels.count, classes], dtype: dtype)
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "oneHot: label \(label) outside 0..<\(classes)")
            out.setFlat(i * classes + label, 1)
        }
        return out
    }
}

extension Tensor {
    /// Whether every element is finite (no NaN, no ±Inf). x·0 is 0 for finite x and NaN otherwise, so
    /// one branch-free pass with SIMD accumulators answers it (the trainer checks every gradient).
    public var allFinite: Bool {
        switch dtype {
        case .float32: return Self.allFinite(pointer(Float.self), count, SIMD16<Float>.self)
        case .float64: return Self.allFinite(pointer(Double.self), count, SIMD8<Double>.self)
        }
    }

    static func allFinite<V: SIMD>(_ p: UnsafeMutablePointer<V.Scalar>, _ n: Int, _: V.Type) -> Bool
    where V.Scalar: BinaryFloatingPoint {
        var lanes = V()
        let width = V.scalarCount, whole = n / width * width
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i < whole {
            lanes += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<V.Scalar>.stride, as: V.self) * 0
            i += width
        }
        var rest: V.Scalar = 0
        while i < n { rest += p[i] * 0; i += 1 }
        for lane in 0..<width { rest += lanes[lane] }
        return rest == 0
    }
}

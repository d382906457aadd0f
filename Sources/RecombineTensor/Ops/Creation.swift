/// Tensor constructors: constant fills, ranges, identity and seeded random draws.
extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .float32: t.floats.update(repeating: Float(value), count: t.count)
        case .float64: t.doubles.update(repeating: value, count: t.count)
        }
        return t
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.storage.raw.initializeMemory(as: UInt8.self, repeating: 0, count: t.count * dtype.byteSize)
        return t
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor { full(shape, value: 1, dtype: dtype) }

    /// Zeros with the shape and dtype of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }

    /// `start, start + step, …` below `end`.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0)
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(doubles: (0..<n).map { start + Double($0) * step }, shape: [n], dtype: dtype)
    }

    /// The n×m identity (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
        let m = m ?? n
        let t = zeros([n, m], dtype: dtype)
        for i in 0..<Swift.min(n, m) { t.setFlat(i * m + i, 1) }
        return t
    }

    /// Uniform draws in [low, high).
    public static func uniform(
        _ shape: [Int], low: Double = 0, high: Double = 1,
        generator: inout RandomGenerator, dtype: DType = .float32
    ) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        let span = high - low
        switch dtype {
        case .float32:
            let p = t.floats
            for i in 0..<t.count { p[i] = Float(low + span * Double(generator.nextFloat())) }
        case .float64:
            let p = t.doubles
            for i in 0..<t.count { p[i] = low + span * generator.nextDouble() }
        }
        return t
    }

    /// Normal draws with the given mean and standard deviation.
    public static func normal(
        _ shape: [Int], mean: Double = 0, std: Double = 1,
        generator: inout RandomGenerator, dtype: DType = .float32
    ) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        for i in 0..<t.count { t.setFlat(i, mean + std * generator.nextNormal()) }
        return t
    }

    /// A tensor from Double values converted to `dtype`.
    public convenience init(doubles values: [Double], shape: [Int], dtype: DType) {
        precondition(Shape.count(shape) == values.count, "\(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .float32: for i in 0..<values.count { floats[i] = Float(values[i]) }
        case .float64: for i in 0..<values.count { doubles[i] = values[i] }
        }
    }

    /// Writes one element (for construction and tests; not recorded).
    public func setFlat(_ index: Int, _ value: Double) {
        precondition(index >= 0 && index < count)
        switch dtype {
        case .float32: floats[index] = Float(value)
        case .float64: doubles[index] = value
        }
    }

    /// This tensor converted to `dtype` (differentiable; returns self when the dtype already matches).
    public func to(_ target: DType) -> Tensor {
        if target == dtype { return self }
        let out = Tensor(uninitialized: shape, dtype: target)
        switch (dtype, target) {
        case (.float32, .float64):
            let input = floats, output = out.doubles
            for i in 0..<count { output[i] = Double(input[i]) }
        case (.float64, .float32):
            let input = doubles, output = out.floats
            for i in 0..<count { output[i] = Float(input[i]) }
        default: break
        }
        let source = dtype
        return Tensor.record(out, "to(\(target))", [self]) { g, _ in [g.to(source)] }
    }
}

import Foundation

/// An N-dimensional, contiguous, row-major array of `Float` or `Double` that can take part in
/// reverse-mode automatic differentiation.
///
/// Tensors have reference semantics like PyTorch's: ops return new tensors and never modify their
/// inputs; parameters are updated in place only by optimizers, outside the recorded graph.
///
/// ```swift
/// let w = Tensor.randn([3, 2], generator: RandomGenerator(seed: 1)).requiringGrad()
/// let loss = (x.matmul(w) - y).squared().mean()
/// loss.backward()            // w.grad now holds d loss / d w
/// ```
public final class Tensor: CustomStringConvertible, @unchecked Sendable {
    public let shape: [Int]
    public let dtype: DType
    /// Number of elements.
    public let count: Int
    public let storage: TensorStorage
    /// Whether gradients flow to (leaf) or through (interior) this tensor.
    public internal(set) var requiresGrad: Bool = false
    /// The accumulated gradient of a leaf after `backward()`.
    public var grad: Tensor?
    /// How this tensor was computed, when it was computed from tensors that require gradients.
    public internal(set) var gradFn: GradFn?

    /// A tensor with uninitialised contents.
    public init(uninitialized shape: [Int], dtype: DType = .float32) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        self.dtype = dtype
        self.count = Shape.count(shape)
        self.storage = TensorStorage(byteCount: count * dtype.byteSize)
    }

    /// A tensor that shares `storage` (a view with another shape of the same elements).
    init(sharing storage: TensorStorage, shape: [Int], dtype: DType) {
        self.shape = shape
        self.dtype = dtype
        self.count = Shape.count(shape)
        precondition(count * dtype.byteSize <= storage.byteCount)
        self.storage = storage
    }

    /// A float32 tensor holding `values` in row-major order.
    public convenience init(_ values: [Float], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(Shape.count(shape) == values.count, "\(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: .float32)
        values.withUnsafeBufferPointer { pointer(Float.self).update(from: $0.baseAddress!, count: values.count) }
    }

    /// A float64 tensor holding `values` in row-major order.
    public convenience init(_ values: [Double], shape: [Int]? = nil) {
        let shape = shape ?? [values.count]
        precondition(Shape.count(shape) == values.count, "\(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: .float64)
        values.withUnsafeBufferPointer { pointer(Double.self).update(from: $0.baseAddress!, count: values.count) }
    }

    /// A scalar (rank-0) tensor.
    public convenience init(scalar: Double, dtype: DType = .float32) {
        self.init(uninitialized: [], dtype: dtype)
        switch dtype {
        case .float32: pointer(Float.self).pointee = Float(scalar)
        case .float64: pointer(Double.self).pointee = scalar
        }
    }

    public var rank: Int { shape.count }

    /// Typed pointer to the elements; `S` must match `dtype`.
    @inline(__always)
    public func pointer<S: TensorScalar>(_: S.Type) -> UnsafeMutablePointer<S> {
        precondition(S.dtype == dtype, "tensor is \(dtype), accessed as \(S.dtype)")
        return storage.raw.assumingMemoryBound(to: S.self)
    }

    /// Pointer to float32 elements.
    @inline(__always) public var floats: UnsafeMutablePointer<Float> { pointer(Float.self) }
    /// Pointer to float64 elements.
    @inline(__always) public var doubles: UnsafeMutablePointer<Double> { pointer(Double.self) }

    /// The elements as `[Float]` (converted from float64 if needed).
    public func toFloatArray() -> [Float] {
        switch dtype {
        case .float32: return Array(UnsafeBufferPointer(start: floats, count: count))
        case .float64: return UnsafeBufferPointer(start: doubles, count: count).map { Float($0) }
        }
    }

    /// The elements as `[Double]`.
    public func toDoubleArray() -> [Double] {
        switch dtype {
        case .float32: return UnsafeBufferPointer(start: floats, count: count).map { Double($0) }
        case .float64: return Array(UnsafeBufferPointer(start: doubles, count: count))
        }
    }

    /// The single element of a one-element tensor.
    public var item: Double {
        precondition(count == 1, "item() needs one element, tensor has shape \(shape)")
        return dtype == .float32 ? Double(floats.pointee) : doubles.pointee
    }

    /// Element at a flat row-major index, as Double (for tests and reporting, not hot loops).
    public subscript(flat index: Int) -> Double {
        precondition(index >= 0 && index < count)
        return dtype == .float32 ? Double(floats[index]) : doubles[index]
    }

    /// Marks a leaf tensor as a trainable parameter; returns `self`.
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        precondition(gradFn == nil, "only leaf tensors can be marked as requiring gradients")
        requiresGrad = flag
        return self
    }

    /// Whether this tensor was not produced by a recorded op.
    public var isLeaf: Bool { gradFn == nil }

    /// A tensor sharing this one's elements, cut from the graph.
    public func detached() -> Tensor { Tensor(sharing: storage, shape: shape, dtype: dtype) }

    /// A copy with its own storage, cut from the graph.
    public func clone() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        out.storage.raw.copyMemory(from: storage.raw, byteCount: count * dtype.byteSize)
        return out
    }

    /// Overwrites this tensor's elements with `other`'s (same shape and dtype). Not recorded.
    public func assign(_ other: Tensor) {
        precondition(
            other.shape == shape && other.dtype == dtype,
            "assign: \(other.shape) \(other.dtype) into \(shape) \(dtype)")
        storage.raw.copyMemory(from: other.storage.raw, byteCount: count * dtype.byteSize)
    }

    public var description: String {
        let values =
            count <= 16
            ? toDoubleArray().map { String(format: "%.4g", $0) }.joined(separator: ", ")
            : "\(count) elements"
        return "Tensor(\(shape), \(dtype)\(requiresGrad ? ", requiresGrad" : ""): [\(values)])"
    }
}

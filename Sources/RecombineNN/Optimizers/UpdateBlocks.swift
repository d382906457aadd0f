import RecombineTensor

/// The SIMD vector an optimizer update works on for each dtype: eight float32 or four float64 lanes
/// (256 bits: two SSE registers on the baseline x86-64 build, one where AVX is enabled). Updates read and write their buffers a vector at a time, with the same
/// per-element arithmetic, in the same order, as a scalar loop, so the numbers do not change.
protocol UpdateScalar: TensorScalar {
    associatedtype Block: SIMD where Block.Scalar == Self
}
extension Float: UpdateScalar { typealias Block = SIMD8<Float> }
extension Double: UpdateScalar { typealias Block = SIMD4<Double> }

/// The blocks of a range of elements as (offset, count) pairs: `S.Block.scalarCount` elements each,
/// the last one possibly shorter. Updates loop over them inside `elementwise`'s ranges.
struct UpdateBlocks<S: UpdateScalar>: Sequence, IteratorProtocol {
    var position: Int
    let end: Int
    init(_ range: Range<Int>, _: S.Type) { position = range.lowerBound; end = range.upperBound }

    @inline(__always)
    mutating func next() -> (offset: Int, count: Int)? {
        guard position < end else { return nil }
        let count = Swift.min(S.Block.scalarCount, end - position)
        defer { position += count }
        return (position, count)
    }
}

extension UnsafeMutablePointer where Pointee: UpdateScalar {
    /// The `count` (≤ one block) elements from `offset` as a vector, missing lanes zero.
    @inline(__always)
    func block(_ offset: Int, _ count: Int) -> Pointee.Block {
        if count == Pointee.Block.scalarCount {
            return UnsafeRawPointer(self + offset).loadUnaligned(as: Pointee.Block.self)
        }
        var v = Pointee.Block()
        for k in 0..<count { v[k] = self[offset + k] }
        return v
    }

    /// Writes the first `count` (≤ one block) lanes of `v` from `offset`.
    @inline(__always)
    func setBlock(_ offset: Int, _ count: Int, _ v: Pointee.Block) {
        if count == Pointee.Block.scalarCount {
            UnsafeMutableRawPointer(self + offset).storeBytes(of: v, as: Pointee.Block.self)
        } else {
            for k in 0..<count { self[offset + k] = v[k] }
        }
    }
}

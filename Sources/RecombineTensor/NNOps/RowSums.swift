import CKernels

/// Sums along one contiguous row in vector lanes (channel_reductions.c): the per-image, per-channel sums of
/// batch normalisation's statistics and backward reductions. Each is computed in the tensor's scalar type and
/// returned widened to Double, for the caller to add up over images.

/// Σ p[l] for l < n.
@inline(__always)
func rowSum<S: TensorScalar>(_ p: UnsafePointer<S>, _ n: Int) -> Double {
    if S.self == Float.self {
        return Double(recombine_row_sum_f32(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n))
    }
    return recombine_row_sum_f64(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n)
}

/// Σ (p[l] − mu)² for l < n, mu rounded to S.
@inline(__always)
func rowSquaredDeviations<S: TensorScalar>(_ p: UnsafePointer<S>, _ n: Int, around mu: Double) -> Double {
    if S.self == Float.self {
        return Double(
            recombine_row_squared_deviations_f32(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n, Float(mu)))
    }
    return recombine_row_squared_deviations_f64(UnsafeRawPointer(p).assumingMemoryBound(to: Double.self), n, mu)
}

/// Σ g[l]·(x[l] − mu) for l < n, mu rounded to S.
@inline(__always)
func rowGradientDeviations<S: TensorScalar>(
    _ g: UnsafePointer<S>, _ x: UnsafePointer<S>, _ n: Int, around mu: Double
) -> Double {
    if S.self == Float.self {
        return Double(
            recombine_row_gradient_deviations_f32(
                UnsafeRawPointer(g).assumingMemoryBound(to: Float.self),
                UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), n, Float(mu)))
    }
    return recombine_row_gradient_deviations_f64(
        UnsafeRawPointer(g).assumingMemoryBound(to: Double.self),
        UnsafeRawPointer(x).assumingMemoryBound(to: Double.self),
        n, mu)
}

import CBLASLAPACKE
import RealModule

/// The element type of a tensor. Training runs in `float32`; `float64` serves gradient checks and the
/// small, ill-conditioned matrices of kernel losses (eigendecompositions, Cholesky factors).
public enum DType: String, Sendable, CaseIterable {
    case float32
    case float64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return MemoryLayout<Float>.stride
        case .float64: return MemoryLayout<Double>.stride
        }
    }
}

/// A floating-point element type the engine computes with: `Float` or `Double`.
///
/// Kernels are written once, generically over `TensorScalar`, and specialised for both types inside
/// this module; the public API of `Tensor` is not generic.
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Codable, Sendable
where Self.SIMD16Storage: Sendable {
    static var dtype: DType { get }
    /// Row-major C = alpha * op(A) * op(B) + beta * C through BLAS.
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Row-major C = alpha * op(A) * op(A)ᵀ + beta * C through BLAS SYRK (op(A) = Aᵀ when `trans`), with
    /// half GEMM's flops: only C's upper triangle (j ≥ i) is written.
    static func syrkUpper(
        trans: Bool, n: Int, k: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// Row-major C = alpha * A * B (`left`) or alpha * B * A + beta * C through BLAS SYMM, A symmetric with
    /// only its upper triangle read; B and C are m × n.
    static func symmUpper(
        left: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

@inline(__always) func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if GEMMTrace.isRecording {
            GEMMTrace.append(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc)
        }
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    public static func syrkUpper(
        trans: Bool, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, cblasTranspose(trans), Int32(n), Int32(k), alpha, a, Int32(lda), beta, c,
            Int32(ldc))
    }

    @inline(__always)
    public static func symmUpper(
        left: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_ssymm(
            CblasRowMajor, left ? CblasLeft : CblasRight, CblasUpper, Int32(m), Int32(n), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if GEMMTrace.isRecording {
            GEMMTrace.append(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc)
        }
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inline(__always)
    public static func syrkUpper(
        trans: Bool, n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, cblasTranspose(trans), Int32(n), Int32(k), alpha, a, Int32(lda), beta, c,
            Int32(ldc))
    }

    @inline(__always)
    public static func symmUpper(
        left: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsymm(
            CblasRowMajor, left ? CblasLeft : CblasRight, CblasUpper, Int32(m), Int32(n), alpha, a, Int32(lda), b,
            Int32(ldb), beta, c, Int32(ldc))
    }
}

import Foundation

/// The GEMM calls the engine makes while recording, with their shapes and leading dimensions, so a
/// benchmark can time a training step's matrix products alone: the floor the BLAS sets under that step.
public enum GEMMTrace {
    /// One row-major C = alpha * op(A) * op(B) + beta * C.
    public struct Call: Hashable, Sendable, Codable {
        public var dtype: String
        public var transA: Bool, transB: Bool
        public var m: Int, n: Int, k: Int
        public var lda: Int, ldb: Int, ldc: Int
        public var alpha: Double, beta: Double
        /// Addresses of A, B and C when the call was made: calls that share a matrix (a weight, an
        /// activation) share an address, so a replay can keep the step's reuse of memory and caches.
        public var addressA: Int, addressB: Int, addressC: Int

        /// Floating-point operations (a multiply-add counts 2).
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// Read on every GEMM; changed only by `record`, never while a step runs.
    nonisolated(unsafe) static var isRecording = false
    nonisolated(unsafe) private static var calls: [Call] = []
    private static let lock = NSLock()

    static func append<T: TensorScalar>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T, a: UnsafePointer<T>, lda: Int,
        b: UnsafePointer<T>, ldb: Int, beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        let call = Call(
            dtype: T.dtype.rawValue, transA: transA, transB: transB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc,
            alpha: Double(alpha), beta: Double(beta), addressA: Int(bitPattern: a), addressB: Int(bitPattern: b),
            addressC: Int(bitPattern: c))
        lock.lock()
        calls.append(call)
        lock.unlock()
    }

    /// Runs `body` and returns the GEMM calls it made, in the order they started (calls from several
    /// threads interleave). Not reentrant.
    public static func record(_ body: () throws -> Void) rethrows -> [Call] {
        lock.lock()
        calls = []
        lock.unlock()
        isRecording = true
        defer { isRecording = false }
        try body()
        lock.lock()
        defer { lock.unlock() }
        return calls
    }
}

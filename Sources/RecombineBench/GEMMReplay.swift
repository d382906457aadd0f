import Foundation
import RecombineTensor

/// A training step's GEMM calls (recorded by `GEMMTrace`) replayed alone, one after another, on buffers
/// of their shapes and leading dimensions: what the step's matrix products cost this BLAS. Calls that
/// shared an address in the step share a buffer here (the largest extent any of them needs), so weights
/// and activations are reused from the caches as in the step.
final class GEMMReplay {
    let calls: [GEMMTrace.Call]
    private var buffers: [Int: UnsafeMutableRawPointer] = [:]

    init(_ calls: [GEMMTrace.Call]) {
        self.calls = calls
        var bytes: [Int: Int] = [:]
        for call in calls {
            for (address, extent) in Self.operands(call) { bytes[address] = max(bytes[address] ?? 0, extent) }
        }
        var g = SystemRandomNumberGenerator()
        for (address, count) in bytes {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(8, count), alignment: 64)
            for i in 0..<(count / 4) {
                p.storeBytes(of: Float.random(in: -1...1, using: &g), toByteOffset: i * 4, as: Float.self)
            }
            buffers[address] = p
        }
    }

    /// The address and byte extent of A, B and C of a call.
    static func operands(_ call: GEMMTrace.Call) -> [(Int, Int)] {
        let size = call.dtype == "float64" ? MemoryLayout<Double>.stride : MemoryLayout<Float>.stride
        let rowsA = call.transA ? call.k : call.m, rowsB = call.transB ? call.n : call.k
        return [
            (call.addressA, rowsA * call.lda * size), (call.addressB, rowsB * call.ldb * size),
            (call.addressC, call.m * call.ldc * size),
        ]
    }

    /// Floating-point operations of one replay.
    var flops: Double { calls.reduce(0) { $0 + $1.flops } }

    /// Runs every call once, in the recorded order.
    func step() {
        for call in calls {
            let buffer = (a: buffers[call.addressA]!, b: buffers[call.addressB]!, c: buffers[call.addressC]!)
            if call.dtype == "float64" {
                Double.gemm(
                    transA: call.transA, transB: call.transB, m: call.m, n: call.n, k: call.k, alpha: call.alpha,
                    a: UnsafePointer(buffer.a.assumingMemoryBound(to: Double.self)), lda: call.lda,
                    b: UnsafePointer(buffer.b.assumingMemoryBound(to: Double.self)), ldb: call.ldb, beta: call.beta,
                    c: buffer.c.assumingMemoryBound(to: Double.self), ldc: call.ldc)
            } else {
                Float.gemm(
                    transA: call.transA, transB: call.transB, m: call.m, n: call.n, k: call.k,
                    alpha: Float(call.alpha),
                    a: UnsafePointer(buffer.a.assumingMemoryBound(to: Float.self)), lda: call.lda,
                    b: UnsafePointer(buffer.b.assumingMemoryBound(to: Float.self)), ldb: call.ldb,
                    beta: Float(call.beta), c: buffer.c.assumingMemoryBound(to: Float.self), ldc: call.ldc)
            }
        }
    }

    /// Writes the calls as JSON for the PyTorch worker.
    func write(to url: URL) throws {
        try JSONEncoder().encode(calls).write(to: url, options: .atomic)
    }

    deinit {
        for buffer in buffers.values { buffer.deallocate() }
    }
}

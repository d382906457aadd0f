import CBLASLAPACKE
import Dispatch
import Foundation

/// The engine's single threading setting: OpenBLAS threads for GEMM and the engine's own loops
/// (elementwise, im2col, reductions) use the same count, and the engine never runs its own parallel
/// loops around a BLAS call, so the two pools are never nested.
public enum Threads {
    /// Threads the engine's own loops use.
    public private(set) nonisolated(unsafe) static var count: Int = Threads.fromEnvironment()

    /// Sets the thread count for OpenBLAS and the engine's loops.
    public static func set(_ n: Int) {
        let n = max(1, n)
        count = n
        openblas_set_num_threads(Int32(n))
    }

    /// `OPENBLAS_NUM_THREADS` if set, otherwise the number of cores.
    public static func fromEnvironment() -> Int {
        if let v = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], let n = Int(v), n > 0 { return n }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// The BLAS core OpenBLAS picked for this CPU (e.g. "Haswell"), for provenance.
    public static var blasCore: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }
}

/// Runs `body` over `0..<n` split into contiguous ranges, in parallel when `n` is at least `grain`
/// per thread. Chunk boundaries depend only on `n` and the thread count, so results are reproducible.
@inline(__always)
public func parallelRanges(_ n: Int, grain: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    let threads = Threads.count
    if threads <= 1 || n < 2 * grain {
        if n > 0 { body(0..<n) }
        return
    }
    let chunks = min(threads, (n + grain - 1) / grain)
    let size = (n + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = c * size
        let hi = min(n, lo + size)
        if lo < hi { body(lo..<hi) }
    }
}

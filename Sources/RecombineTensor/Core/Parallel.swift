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
        shortenBLASSpinning()
        openblas_set_num_threads(Int32(n))
    }

    /// How long idle OpenBLAS threads spin, as log₂ cycles (OpenBLAS's OPENBLAS_THREAD_TIMEOUT; its
    /// default 28 keeps them spinning for ~0.1 s after every GEMM, stealing the cores from the
    /// engine's elementwise loops). Measured with `recombine-bench engine`: 4 (the minimum) makes
    /// training steps 5–10% faster at 2 threads. An explicit OPENBLAS_THREAD_TIMEOUT is respected.
    public static let blasThreadTimeout = 4
    nonisolated(unsafe) static var spinningConfigured = false

    static func shortenBLASSpinning() {
        guard !spinningConfigured else { return }
        spinningConfigured = true
        guard ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"] == nil else { return }
        setenv("OPENBLAS_THREAD_TIMEOUT", String(blasThreadTimeout), 1)
        openblas_read_env()
        blas_thread_shutdown_()
        blas_thread_init()
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

/// Marks threads that are running a parallel region, so nested `parallelRanges` calls run serially
/// instead of oversubscribing the cores.
enum ParallelRegion {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var isActive: Bool { pthread_getspecific(key) != nil }

    static func run(_ body: () -> Void) {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(key, previous)
    }
}

/// Runs `body` over `0..<n` split into contiguous ranges, in parallel when `n` is at least `grain`
/// per thread. Chunk boundaries depend only on `n` and the thread count, so results are reproducible.
/// Inside another parallel region it runs serially.
@inline(__always)
public func parallelRanges(_ n: Int, grain: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    let threads = Threads.count
    if threads <= 1 || n < 2 * grain || ParallelRegion.isActive {
        if n > 0 { body(0..<n) }
        return
    }
    let chunks = min(threads, (n + grain - 1) / grain)
    let size = (n + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
        let lo = c * size
        let hi = min(n, lo + size)
        if lo < hi { ParallelRegion.run { body(lo..<hi) } }
    }
}

/// Splits `0..<n` into one contiguous range per thread and runs `body(range, worker)` on each with
/// OpenBLAS single-threaded meanwhile: for work made of many independent BLAS calls (convolutions
/// over a batch of images), one level of parallelism over the data beats threading each small GEMM.
public func parallelWithSerialBLAS(_ n: Int, _ body: (Range<Int>, Int) -> Void) {
    let workers = min(Threads.count, n)
    if workers <= 1 || ParallelRegion.isActive {
        if n > 0 { body(0..<n, 0) }
        return
    }
    openblas_set_num_threads(1)
    defer { openblas_set_num_threads(Int32(Threads.count)) }
    let size = (n + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let lo = w * size, hi = min(n, lo + size)
        if lo < hi { ParallelRegion.run { body(lo..<hi, w) } }
    }
}

/// The number of workers `parallelWithSerialBLAS` uses for `n` items.
public func serialBLASWorkers(_ n: Int) -> Int { ParallelRegion.isActive ? 1 : max(1, min(Threads.count, n)) }

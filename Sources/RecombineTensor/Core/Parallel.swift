import CBLASLAPACKE
import Dispatch
import Foundation

/// The engine's single threading setting: OpenBLAS threads for GEMM and the engine's own loops
/// (elementwise, im2col, reductions) use the same count. Where the engine runs BLAS calls side by side
/// (`parallelWithSerialBLAS`) OpenBLAS is single-threaded meanwhile, so the two pools never nest.
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

    /// The default thread count: `OPENBLAS_NUM_THREADS` if set, else `SLURM_CPUS_PER_TASK` (what a
    /// Slurm job was given), else the CPUs this process may run on (its affinity mask, which `taskset`,
    /// cgroups' cpusets and batch systems narrow), not every core of the machine.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        for name in ["OPENBLAS_NUM_THREADS", "SLURM_CPUS_PER_TASK"] {
            if let v = environment[name], let n = Int(v.trimmingCharacters(in: .whitespaces)), n > 0 { return n }
        }
        return affinityCount() ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// CPUs in this process's affinity mask (`sched_getaffinity`, looked up at run time because Swift's
    /// Glibc module hides the GNU extension); nil where it is unavailable.
    public static func affinityCount() -> Int? {
        #if os(Linux)
            typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return nil }
            let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
            var mask = [UInt64](repeating: 0, count: 64)  // 4096 CPUs
            let status = mask.withUnsafeMutableBytes { getAffinity(0, $0.count, $0.baseAddress!) }
            let count = mask.reduce(0) { $0 + $1.nonzeroBitCount }
            return status == 0 && count > 0 ? count : nil
        #else
            return nil
        #endif
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

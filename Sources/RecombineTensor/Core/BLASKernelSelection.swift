import CBLASLAPACKE
import Foundation

/// OpenBLAS chooses its kernels from the CPU model when the library loads. On virtual machines that
/// report a CPU model it does not know (for example a generic "Intel(R) Xeon(R) Processor"), Debian's
/// OpenBLAS falls back to its oldest x86-64 kernels (Prescott, SSE3) although the CPU has AVX2 or
/// AVX-512: sgemm then runs several times slower (28 against 141 GFLOP/s for 1024×1024 products on the
/// 2-core development VM, 2 threads). The choice cannot be changed after loading, so the executables re-run
/// themselves once with `OPENBLAS_CORETYPE` naming the kernel set the CPU's features support.
///
/// On AMD family 19h (Zen 4), which runs 512-bit instructions as two 256-bit halves, OpenBLAS 0.3.21's AVX-512
/// kernels (its choice there: Cooperlake) are slower than its Haswell kernels: 98–102 against 106–110 GFLOP/s
/// for 1024³ sgemm at one thread on a 2-core EPYC VM, and the MLP training steps of `recombine-bench engine`
/// 4–7 % faster at one thread with Haswell's (Docs/benchmarks.md). There the Haswell kernels are asked for.
///
/// Nothing happens when `OPENBLAS_CORETYPE` is already set, when `RECOMBINE_KEEP_BLAS_KERNELS` is set,
/// or when OpenBLAS's own choice is already the one this type would make.
public enum BLASKernelSelection {
    /// OpenBLAS kernel families from least to most capable (x86-64 names of its dynamic-arch builds).
    static let rank: [String: Int] = [
        "prescott": 0, "core2": 0, "penryn": 0, "dunnington": 0, "nehalem": 0, "atom": 0, "barcelona": 0,
        "opteron": 0, "opteron_sse3": 0, "bobcat": 0,
        "sandybridge": 1, "bulldozer": 1, "piledriver": 1, "steamroller": 1, "excavator": 1,
        "haswell": 2, "zen": 2,
        "skylakex": 3, "cooperlake": 3, "sapphirerapids": 3,
    ]

    /// The kernel family the CPU flags (as in /proc/cpuinfo) support, with its rank, if better than SSE3;
    /// without the AVX-512 families when `avx512Kernels` is false.
    static func bestKernel(cpuFlags: Set<Substring>, avx512Kernels: Bool = true) -> (name: String, rank: Int)? {
        if avx512Kernels, ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].allSatisfy(cpuFlags.contains) {
            return ("SkylakeX", 3)
        }
        if ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return ("Haswell", 2) }
        if cpuFlags.contains("avx") { return ("Sandybridge", 1) }
        return nil
    }

    /// Whether the CPU runs 512-bit instructions in two 256-bit halves, where OpenBLAS's AVX-512 kernels lose
    /// to its Haswell kernels: AMD family 19h (25), whose AVX-512 models are Zen 4. Zen 5 (family 1Ah) runs
    /// them at full width and keeps OpenBLAS's choice.
    static func splitsAVX512(vendor: String?, family: Int?) -> Bool {
        vendor == "AuthenticAMD" && family == 25
    }

    /// The kernel family to ask for, or nil to keep OpenBLAS's choice.
    static func preferredKernel(
        current: String, cpuFlags: Set<Substring>, vendor: String? = nil, family: Int? = nil
    ) -> String? {
        guard let currentRank = rank[current.lowercased()] else { return nil }
        let avx512Kernels = !splitsAVX512(vendor: vendor, family: family)
        if !avx512Kernels, currentRank == 3, ["avx2", "fma"].allSatisfy(cpuFlags.contains) { return "Haswell" }
        guard let best = bestKernel(cpuFlags: cpuFlags, avx512Kernels: avx512Kernels) else { return nil }
        return best.rank > currentRank ? best.name : nil
    }

    /// The flags of the first processor in /proc/cpuinfo (empty elsewhere).
    static func cpuFlags() -> Set<Substring> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }

    /// OpenBLAS's kernel family in this process.
    static var currentKernel: String { Threads.blasCore }

    /// Re-executes this process with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to kernels below what
    /// the CPU supports or chose AVX-512 kernels on a CPU that splits them; returns without doing anything
    /// otherwise (or if the re-execution fails).
    public static func reexecuteWithFasterKernelsIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["RECOMBINE_KEEP_BLAS_KERNELS"] == nil,
            let kernel = preferredKernel(
                current: currentKernel, cpuFlags: cpuFlags(), vendor: CPUModel.vendor, family: CPUModel.family)
        else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        // Guards against a loop should OpenBLAS ignore the request.
        setenv("RECOMBINE_KEEP_BLAS_KERNELS", "1", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the kernels we have.
        unsetenv("OPENBLAS_CORETYPE")
    }
}

import XCTest

@testable import RecombineTensor

final class BLASKernelSelectionTests: XCTestCase {
    let avx512: Set<Substring> = [
        "sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd",
    ]

    func testFallbackKernelsAreUpgradedToWhatTheCPUSupports() {
        XCTAssertEqual(BLASKernelSelection.preferredKernel(current: "Prescott", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(
            BLASKernelSelection.preferredKernel(current: "Prescott", cpuFlags: ["sse3", "avx", "avx2", "fma"]),
            "Haswell")
        XCTAssertEqual(
            BLASKernelSelection.preferredKernel(current: "Nehalem", cpuFlags: ["sse3", "avx"]), "Sandybridge")
        // AVX-512 without the BW/DQ/VL extensions the SkylakeX kernels use: Haswell's.
        XCTAssertEqual(
            BLASKernelSelection.preferredKernel(current: "Prescott", cpuFlags: ["avx", "avx2", "fma", "avx512f"]),
            "Haswell")
    }

    func testAnEqualOrBetterChoiceIsKept() {
        XCTAssertNil(BLASKernelSelection.preferredKernel(current: "SkylakeX", cpuFlags: avx512))
        XCTAssertNil(BLASKernelSelection.preferredKernel(current: "Haswell", cpuFlags: ["avx", "avx2", "fma"]))
        XCTAssertNil(BLASKernelSelection.preferredKernel(current: "Zen", cpuFlags: ["avx", "avx2", "fma"]))
        XCTAssertNil(BLASKernelSelection.preferredKernel(current: "Prescott", cpuFlags: ["sse2", "sse3"]))
        // Unknown names (other architectures, future families) are never overridden.
        XCTAssertNil(BLASKernelSelection.preferredKernel(current: "NEOVERSEN1", cpuFlags: avx512))
    }

    func testReadsThisMachinesFlagsAndKernel() {
        #if os(Linux) && arch(x86_64)
            XCTAssertTrue(BLASKernelSelection.cpuFlags().contains("sse2"), "x86-64 always has SSE2")
            // The name OpenBLAS reports is one the ranking knows, or the selection could never apply.
            let kernel = BLASKernelSelection.currentKernel
            XCTAssertNotNil(BLASKernelSelection.rank[kernel.lowercased()], "unranked OpenBLAS kernel '\(kernel)'")
        #endif
    }
}

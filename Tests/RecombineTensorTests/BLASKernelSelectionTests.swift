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

    func testAMDFamily19hTradesAVX512KernelsForHaswells() {
        let zen4 = (vendor: "AuthenticAMD", family: 25)
        for current in ["Cooperlake", "SkylakeX", "Prescott"] {
            XCTAssertEqual(
                BLASKernelSelection.preferredKernel(
                    current: current, cpuFlags: avx512, vendor: zen4.vendor, family: zen4.family),
                "Haswell", current)
        }
        for current in ["Haswell", "Zen"] {
            XCTAssertNil(
                BLASKernelSelection.preferredKernel(
                    current: current, cpuFlags: avx512, vendor: zen4.vendor, family: zen4.family), current)
        }
        // Zen 3 (same family, no AVX-512) keeps OpenBLAS's Zen kernels.
        XCTAssertNil(
            BLASKernelSelection.preferredKernel(
                current: "Zen", cpuFlags: ["avx", "avx2", "fma"], vendor: zen4.vendor, family: zen4.family))
    }

    func testOtherAVX512CPUsKeepTheAVX512Kernels() {
        XCTAssertNil(
            BLASKernelSelection.preferredKernel(
                current: "Cooperlake", cpuFlags: avx512, vendor: "GenuineIntel", family: 6))
        // Zen 5 (family 1Ah) runs 512-bit instructions at full width.
        XCTAssertNil(
            BLASKernelSelection.preferredKernel(
                current: "SkylakeX", cpuFlags: avx512, vendor: "AuthenticAMD", family: 26))
        XCTAssertEqual(
            BLASKernelSelection.preferredKernel(
                current: "Prescott", cpuFlags: avx512, vendor: "GenuineIntel", family: 6),
            "SkylakeX")
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

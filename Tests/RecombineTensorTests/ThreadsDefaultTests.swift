import Foundation
import XCTest

@testable import RecombineTensor

/// The default thread count follows what the process was given, not the machine's size.
final class ThreadsDefaultTests: XCTestCase {
    func testOpenBLASThreadsComeFirstThenSlurmCPUsPerTask() {
        XCTAssertEqual(Threads.fromEnvironment(["OPENBLAS_NUM_THREADS": "3", "SLURM_CPUS_PER_TASK": "5"]), 3)
        XCTAssertEqual(Threads.fromEnvironment(["SLURM_CPUS_PER_TASK": "5"]), 5)
        XCTAssertEqual(
            Threads.fromEnvironment(["OPENBLAS_NUM_THREADS": "0", "SLURM_CPUS_PER_TASK": "x"]), Threads.affinityCount(),
            "unusable values fall through to the affinity mask")
    }

    func testWithoutSettingsTheAffinityMaskCounts() throws {
        let count = try XCTUnwrap(Threads.affinityCount(), "sched_getaffinity is available on Linux")
        XCTAssertGreaterThanOrEqual(count, 1)
        XCTAssertLessThanOrEqual(count, ProcessInfo.processInfo.processorCount)
        XCTAssertEqual(Threads.fromEnvironment([:]), count)
    }
}

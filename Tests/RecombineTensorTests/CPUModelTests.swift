import XCTest

@testable import RecombineTensor

final class CPUModelTests: XCTestCase {
    func testCPUInfoFieldsAreMatchedByTheirWholeKey() {
        let text = "vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\nmodel name\t: AMD EPYC 9B14\n"
        XCTAssertEqual(CPUModel.field("model", in: text), "17")
        XCTAssertEqual(CPUModel.field("model name", in: text), "AMD EPYC 9B14")
        XCTAssertEqual(CPUModel.field("cpu family", in: text), "25")
        XCTAssertEqual(CPUModel.field("vendor_id", in: text), "AuthenticAMD")
        XCTAssertNil(CPUModel.field("flags", in: text))
    }

    func testReadsThisMachinesVendorAndFamily() {
        #if os(Linux) && arch(x86_64)
            XCTAssertNotNil(CPUModel.vendor, "x86-64 Linux lists vendor_id in /proc/cpuinfo")
            XCTAssertNotNil(CPUModel.family, "x86-64 Linux lists the cpu family in /proc/cpuinfo")
        #endif
    }
}

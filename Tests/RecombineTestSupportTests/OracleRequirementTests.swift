import RecombineTestSupport
import XCTest

/// A missing oracle or dataset skips a test on a developer's machine and fails it under CI=true.
final class OracleRequirementTests: XCTestCase {
    func testMissingOracleFailsUnderCI() {
        XCTAssertThrowsError(try PythonOracle.require(["recombine_no_such_module"], environment: ["CI": "true"])) {
            error in
            XCTAssertTrue(error is MissingPrerequisite, "under CI the error must fail the test, got \(type(of: error))")
        }
    }

    func testMissingOracleSkipsOutsideCI() {
        XCTAssertThrowsError(try PythonOracle.require(["recombine_no_such_module"], environment: [:])) { error in
            XCTAssertTrue(error is XCTSkip, "outside CI a missing oracle skips, got \(type(of: error))")
        }
    }

    func testAvailablePrerequisitePasses() throws {
        try requirePrerequisite(true, "anything", environment: ["CI": "true"])
    }

    func testPythonFailureCarriesItsMessage() {
        XCTAssertThrowsError(try PythonOracle.run("import sys; sys.stderr.write('boom'); sys.exit(3)")) { error in
            XCTAssertTrue("\(error)".contains("boom") && "\(error)".contains("3"), "\(error)")
        }
    }
}

import RecombineTestSupport
import XCTest

@testable import RecombineBench

/// The method-file cases of `recombine-bench engine`: PyTorch's step must compute our losses.
final class MethodStepCaseTests: XCTestCase {
    func testPyTorchStepsComputeOurLossesBeforeAndAfterOneStep() throws {
        try PythonOracle.require(["torch"])
        let torch = try XCTUnwrap(TorchWorker(threads: 1))
        for methodCase in MethodStepCase.all {
            let prepared = try methodCase.prepare(configurations: Repository.configurations.path)
            defer { try? FileManager.default.removeItem(at: prepared.stateFile) }
            let theirs = try XCTUnwrap(torch.load(caseName: methodCase.name, stateFile: prepared.stateFile.path))
            XCTAssertNoThrow(try MethodStepCase.check(methodCase.name, ours: prepared, torch: theirs))
            XCTAssertEqual(theirs.before.count, prepared.lossesBefore.count)
            // The step must move the losses, or comparing after it checks nothing.
            XCTAssertNotEqual(prepared.lossesBefore.map(\.value), prepared.lossesAfter, methodCase.name)
        }
    }

    func testCheckRejectsALossThatDiffersByMoreThanTheTolerance() throws {
        let prepared = try XCTUnwrap(MethodStepCase.named("ddc_step")).prepare(
            configurations: Repository.configurations.path)
        defer { try? FileManager.default.removeItem(at: prepared.stateFile) }
        let before = prepared.lossesBefore.map(\.value)
        XCTAssertNoThrow(
            try MethodStepCase.check("ddc_step", ours: prepared, torch: (before, prepared.lossesAfter)))
        var off = before
        off[1] += 2e-4 * max(1, abs(off[1]))
        XCTAssertThrowsError(try MethodStepCase.check("ddc_step", ours: prepared, torch: (off, prepared.lossesAfter)))
        XCTAssertThrowsError(
            try MethodStepCase.check(
                "ddc_step", ours: prepared, torch: (before, Array(prepared.lossesAfter.dropLast()))))
    }
}

import XCTest

@testable import RecombineTraining

/// The live progress line: never wider than the terminal, unique loss labels, no "-0.0000".
final class ProgressLineTests: XCTestCase {
    func testLinesAreCutToTheTerminalWidth() {
        let long = String(repeating: "contrastive_loss 1.234  ", count: 10)
        XCTAssertEqual(ProgressLine.fitted(long, width: 80).count, 79)
        XCTAssertTrue(ProgressLine.fitted(long, width: 80).hasSuffix("…"))
        XCTAssertEqual(ProgressLine.fitted("short", width: 80), "short")
        XCTAssertEqual(ProgressLine.fitted(long, width: 1).count, 1)
    }

    func testWidthComesFromCOLUMNSFirst() {
        XCTAssertEqual(TerminalWidth.current(environment: ["COLUMNS": "100"]), 100)
        XCTAssertGreaterThan(TerminalWidth.current(environment: ["COLUMNS": "x"]), 0)
    }

    func testRepeatedLossNamesArePrefixedByTheirPattern() {
        XCTAssertEqual(
            ProgressLine.uniqueLabels(
                names: ["contrastive_loss", "contrastive_loss", "entropy_loss"],
                patterns: ["instance contrastive", "cluster contrastive", "entropy"]),
            ["instance contrastive contrastive_loss", "cluster contrastive contrastive_loss", "entropy_loss"])
    }

    func testValuesHaveFourSignificantDigitsAndNoNegativeZero() {
        XCTAssertEqual(ProgressLine.value(-0.00001), "-1e-05")
        XCTAssertEqual(ProgressLine.value(-0.0), "0")
        XCTAssertEqual(ProgressLine.value(0.015234), "0.01523")
        XCTAssertEqual(ProgressLine.value(1234.5), "1234")
    }
}

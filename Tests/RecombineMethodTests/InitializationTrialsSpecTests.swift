import XCTest

@testable import RecombineMethod

/// The loss `initialization_trials` judges a trial by.
final class InitializationTrialsSpecTests: XCTestCase {
    static func trials(judgedOn patterns: [String]?) -> PhaseSpec.InitializationTrials {
        PhaseSpec.InitializationTrials(
            count: 2, epochs: 1, judgedOnPatterns: patterns, continuesFromChosenTrial: false)
    }

    static let terms: [(pattern: String, term: String, loss: Double)] = [
        ("contrast", "instance", 4.5), ("clusters", "cluster", 2.0), ("clusters", "entropy", 0.25),
    ]

    func testWithoutJudgedPatternsATrialIsJudgedByItsTotal() {
        XCTAssertEqual(Self.trials(judgedOn: nil).selectionLoss(total: 6.75, terms: Self.terms), 6.75)
    }

    func testJudgedPatternsSumEveryTermOfTheirsAndNothingElse() {
        XCTAssertEqual(Self.trials(judgedOn: ["clusters"]).selectionLoss(total: 6.75, terms: Self.terms), 2.25)
        XCTAssertEqual(
            Self.trials(judgedOn: ["clusters", "contrast"]).selectionLoss(total: 6.75, terms: Self.terms), 6.75)
    }

    /// Judged patterns that computed no term give NaN (the trial loses) instead of an empty sum's 0, which would
    /// tie every trial and choose the first.
    func testJudgedPatternsWithoutTermsGiveNoFiniteLoss() {
        XCTAssertTrue(Self.trials(judgedOn: ["reconstruction"]).selectionLoss(total: 6.75, terms: Self.terms).isNaN)
    }
}

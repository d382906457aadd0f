import Foundation
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// `target_distribution_change_mse_lt` (DEPICT's stopping rule) on the miniature DEPICT of
/// `PaperPatternTests.depictMethod()`: 4500 samples in batches of 50, 90 iterations per epoch.
final class TargetConvergenceTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    static let clusteringOptimizer = #""lr": 0.003, "trained_mapping_names": ["encoder", "decoder", "clustering"]"#

    /// The miniature DEPICT with the clustering phase's exit criteria, learning rate and recalculation unit replaced.
    static func method(
        exitCriteria: String, learningRate: String = "0.003", unit: String = #""epoch""#, interval: Int = 1
    ) -> String {
        PaperPatternTests.depictMethod()
            .replacingOccurrences(of: #""exit_criteria": {"epochs": 6}"#, with: #""exit_criteria": \#(exitCriteria)"#)
            .replacingOccurrences(
                of: clusteringOptimizer,
                with: #""lr": \#(learningRate), "trained_mapping_names": ["encoder", "decoder", "clustering"]"#
            )
            .replacingOccurrences(
                of: #""target_distribution_recalculation_interval": 1,"#,
                with: #""target_distribution_recalculation_interval": \#(interval),"#
            )
            .replacingOccurrences(
                of: #""target_distribution_recalculation_interval_unit": "epoch","#,
                with: #""target_distribution_recalculation_interval_unit": \#(unit),"#)
    }

    func run(_ text: String) throws -> (records: [[String: Any]], log: String) {
        try runMethodTextReadingOutputs(text, directories: &directories)
    }

    static func targetChanges(_ records: [[String: Any]]) -> [(epoch: Int, iteration: Int, mse: Double)] {
        records.filter { $0["kind"] as? String == "target_change" }.map {
            (
                ($0["epoch"] as? NSNumber)?.intValue ?? -1, ($0["iteration"] as? NSNumber)?.intValue ?? -1,
                ($0["mse"] as? NSNumber)?.doubleValue ?? .nan
            )
        }
    }

    /// The last clustering-phase iteration with a loss record (reported every 10 iterations).
    static func lastClusteringIteration(_ records: [[String: Any]]) -> Int? {
        records.filter { $0["kind"] as? String == "loss" && $0["phase"] as? String == "clustering" }
            .compactMap { ($0["iteration"] as? NSNumber)?.intValue }.max()
    }

    func testMeanSquaredDifferenceOverSamplesAndClusters() {
        let a = Tensor([0.2, 0.8, 0.5, 0.5] as [Double], shape: [2, 2])
        let b = Tensor([0.3, 0.7, 0.5, 0.5] as [Double], shape: [2, 2])
        XCTAssertEqual(DivergencePattern.meanSquaredDifference(a, b), 0.005, accuracy: 1e-15)
        XCTAssertEqual(DivergencePattern.meanSquaredDifference(a, a), 0)
        let broken = Tensor([Double.nan, 0.8, 0.5, 0.5], shape: [2, 2])
        XCTAssertTrue(DivergencePattern.meanSquaredDifference(a, broken).isNaN)
    }

    /// Without the criterion every recomputation after the phase's first is recorded, at each epoch's first step.
    func testEveryTargetChangeIsRecordedAtItsEpochsFirstStep() throws {
        let (records, log) = try run(Self.method(exitCriteria: #"{"epochs": 6}"#))
        let changes = Self.targetChanges(records)
        XCTAssertEqual(changes.map(\.epoch), [2, 3, 4, 5, 6])
        XCTAssertEqual(changes.map(\.iteration), [91, 181, 271, 361, 451])
        XCTAssertTrue(changes.allSatisfy { $0.mse > 0 && $0.mse < 1 }, "\(changes)")
        XCTAssertTrue(log.contains(#"Exiting phase "clustering": max epochs reached"#), log)
    }

    /// Targets that do not move (learning rate 1e-12) end the phase at epoch 2's first step, before it trains.
    func testPhaseEndsBeforeTrainingOnATargetThatStoppedMoving() throws {
        let (records, log) = try run(
            Self.method(
                exitCriteria: #"{"epochs": 6, "target_distribution_change_mse_lt": 1e-7}"#, learningRate: "1e-12"))
        let changes = Self.targetChanges(records)
        XCTAssertEqual(changes.map(\.iteration), [91])
        XCTAssertLessThan(try XCTUnwrap(changes.first?.mse), 1e-7)
        XCTAssertEqual(Self.lastClusteringIteration(records), 90)
        XCTAssertTrue(
            log.contains(#"Exiting phase "clustering": target distribution converged (mean squared change "#)
                && log.contains("< 1e-07 before iteration 91)"), log)
    }

    /// Targets that still move by more than the threshold keep the phase going to its epoch budget.
    func testPhaseGoesOnWhileTargetsMoveMoreThanTheThreshold() throws {
        let (records, log) = try run(
            Self.method(exitCriteria: #"{"epochs": 6, "target_distribution_change_mse_lt": 1e-30}"#))
        XCTAssertEqual(Self.targetChanges(records).count, 5)
        XCTAssertEqual(Self.lastClusteringIteration(records), 540)
        XCTAssertTrue(log.contains(#"Exiting phase "clustering": max epochs reached"#), log)
    }

    /// With targets recomputed every 30 iterations the check runs at those iterations, mid-epoch.
    func testIterationUnitTargetsAreCheckedWhenRecomputed() throws {
        let (records, log) = try run(
            Self.method(
                exitCriteria: #"{"epochs": 6, "target_distribution_change_mse_lt": 1e-7}"#, learningRate: "1e-12",
                unit: #""iteration""#, interval: 30))
        XCTAssertEqual(Self.targetChanges(records).map(\.iteration), [30])
        XCTAssertEqual(Self.lastClusteringIteration(records), 20)
        XCTAssertTrue(log.contains("before iteration 30)"), log)
    }
}

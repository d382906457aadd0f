import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The benchmarks' isolated step must compute what the trainer's iteration computes.
final class IsolatedPhaseStepTests: XCTestCase {
    func load(_ file: String) throws -> MethodSpec {
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            path: Repository.configurations.appendingPathComponent(file).path)
        return try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
    }

    func testEngineStepUpdatesParametersAsTheTrainersIterationDoes() throws {
        let spec = try load("ddc.json")
        let engine = try IsolatedPhaseStep(method: spec, phaseName: "training")
        let trainer = try IsolatedPhaseStep(method: spec, phaseName: "training")
        let start = engine.parameters.map { $0.tensor.clone() }
        try engine.engineStep()
        try trainer.trainerStep()
        XCTAssertEqual(engine.parameters.map(\.name), trainer.parameters.map(\.name))
        var moved = 0.0
        for ((name, a), (b, s)) in zip(
            zip(engine.parameters.map(\.name), engine.parameters.map(\.tensor)),
            zip(trainer.parameters.map(\.tensor), start))
        {
            XCTAssertEqual(a.toDoubleArray(), b.toDoubleArray(), name)
            moved = max(moved, zip(a.toDoubleArray(), s.toDoubleArray()).map { abs($0 - $1) }.max() ?? 0)
        }
        XCTAssertGreaterThan(moved, 1e-6, "the step left every parameter where it was")
    }

    func testStateHoldsWeightsBatchViewsCentroidsAndTargets() throws {
        let step = try IsolatedPhaseStep(
            method: try load("dec_cc_hybrid.json"), phaseName: "finetuning", pretrainedLike: true)
        let losses = try step.losses()
        XCTAssertEqual(losses.count, 5)
        XCTAssertTrue(losses.allSatisfy { $0.value.isFinite }, "\(losses)")
        let names = Set(step.state().map(\.name))
        for expected in [
            "encoder.net.1.weight", "instance_level_contrastive_head.net.2.bias", "centroids", "batch",
            "view.batch_augmentation_1", "view.batch_augmentation_2", "target.2",
        ] {
            XCTAssertTrue(names.contains(expected), "\(expected) missing from \(names.sorted())")
        }
    }
}

extension IsolatedPhaseStepTests {
    func testScheduleCountsTheFullBudgetsPassesFromExitCriteriaAndIntervals() throws {
        let step = try IsolatedPhaseStep(method: try load("dec.json"), phaseName: "clustering")
        let schedule = step.schedule
        // 20000 iterations; evaluations every 140; targets at the first step and every 140 iterations.
        XCTAssertEqual(schedule.iterations, 20000)
        XCTAssertEqual(schedule.evaluations, 142)
        XCTAssertEqual(schedule.targetRecalculations, 143)
        XCTAssertEqual(schedule.centroidRecalculations, 0)
        XCTAssertNotNil(step.centroidInitializationSeconds, "the clustering phase initialises centroids")
        XCTAssertTrue(try step.targetPass())
        try step.evaluationPass()
        XCTAssertFalse(try step.centroidRecalculationPass())
    }
}

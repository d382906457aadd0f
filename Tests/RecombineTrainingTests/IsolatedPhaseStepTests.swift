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

    /// ddc.json: 200 epochs plus 20 trials of 4 epochs (on random images the dataset is one batch, one
    /// iteration per epoch), 50 evaluations plus one evaluation-loss pass per trial.
    func testScheduleCountsInitializationTrials() throws {
        let schedule = try IsolatedPhaseStep(method: try load("ddc.json"), phaseName: "training").schedule
        XCTAssertEqual(schedule.iterations, 200 + 20 * 4)
        XCTAssertEqual(schedule.evaluations, 50 + 20)
    }

    /// A phase that continues the chosen trial trains only what is left of its budget after it: ddc.json's
    /// trials continued are 20 × 4 epochs and the remaining 196 of its 200.
    func testScheduleOfAPhaseContinuingItsChosenTrialCountsOnlyTheRestOfItsBudget() throws {
        let url = Repository.configurations.appendingPathComponent("ddc.json")
        var method = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var phases = try XCTUnwrap(method["phases"] as? [[String: Any]])
        var trials = try XCTUnwrap(phases[0]["initialization_trials"] as? [String: Any])
        trials["continue_from_chosen_trial"] = true
        phases[0]["initialization_trials"] = trials
        method["phases"] = phases
        var directories: [URL] = []
        defer { for d in directories { try? FileManager.default.removeItem(at: d) } }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: method), as: UTF8.self)
        let schedule = try IsolatedPhaseStep(
            method: try loadMethodText(text, directories: &directories), phaseName: "training"
        )
        .schedule
        XCTAssertEqual(schedule.iterations, 20 * 4 + 196)
        XCTAssertEqual(schedule.evaluations, 50 + 20)
    }
}

extension IsolatedPhaseStepTests {
    /// ddc_uco.json's UCO reads two backbone layers and DDC the backbone's output: one pass serves both,
    /// so BatchNorm's running statistics move once per step, as with DDC alone (a second pass moved them
    /// twice) and the DDC terms are the same numbers.
    func testPatternsReadingLayersShareTheStepsOnePassOfTheBackbone() throws {
        let url = Repository.configurations.appendingPathComponent("ddc_uco.json")
        // The same file with the UCO pattern disabled (and the mismatch, which needs it, removed).
        var method = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var phases = try XCTUnwrap(method["phases"] as? [[String: Any]])
        var patterns = try XCTUnwrap(phases[0]["design_patterns"] as? [[String: Any]])
        XCTAssertEqual(patterns[1]["kernel"] as? String, "tensor")
        patterns[1]["enabled"] = false
        phases[0]["design_patterns"] = patterns
        phases[0]["objective_function_mismatch"] = nil
        method["phases"] = phases
        var directories: [URL] = []
        defer { for d in directories { try? FileManager.default.removeItem(at: d) } }
        let both = try IsolatedPhaseStep(method: try load("ddc_uco.json"), phaseName: "training")
        let ddcAlone = try IsolatedPhaseStep(
            method: try loadMethodText(
                String(decoding: try JSONSerialization.data(withJSONObject: method), as: UTF8.self),
                directories: &directories),
            phaseName: "training")
        XCTAssertEqual(both.runner.patterns.count, 2)
        XCTAssertEqual(ddcAlone.runner.patterns.count, 1)
        let bothLosses = try both.losses(), aloneLosses = try ddcAlone.losses()
        XCTAssertEqual(bothLosses.count, 5)
        for (name, value) in aloneLosses {
            let shared = try XCTUnwrap(bothLosses.first { $0.name == name }, name).value
            XCTAssertEqual(shared, value, accuracy: 1e-12 * max(1, abs(value)), name)
        }
        let statistics = both.state().filter { $0.name.hasPrefix("backbone.") && $0.name.contains("running_") }
        XCTAssertEqual(statistics.count, 4, "\(statistics.map(\.name))")
        let alone = Dictionary(uniqueKeysWithValues: ddcAlone.state().map { ($0.name, $0.tensor) })
        for (name, tensor) in statistics {
            let values = tensor.toDoubleArray()
            XCTAssertTrue(values.contains { $0 != 0 && $0 != 1 }, "\(name) did not move")
            XCTAssertEqual(values, try XCTUnwrap(alone[name], name).toDoubleArray(), name)
        }
    }
}

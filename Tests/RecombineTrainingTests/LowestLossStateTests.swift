import Foundation
import RecombineMethod
import RecombineNN
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// `restore_lowest_loss_state`: a phase ends in the state of its evaluation with the lowest evaluation
/// loss, and `performance_evaluation_interval_unit: epoch` evaluates after whole epochs.
final class LowestLossStateTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// tiny_dec whose clustering phase evaluates every 5 of its `iterations` and, with `restore`, keeps
    /// the state of the lowest evaluation loss.
    static func method(iterations: Int, restore: Bool) -> String {
        TrainerTests.decMethod(learningRate: 0.01).replacingOccurrences(
            of: #""exit_criteria": {"iterations": 40}, "performance_evaluation_interval": 20,"#,
            with:
                #""exit_criteria": {"iterations": \#(iterations)}, "performance_evaluation_interval": 5, "restore_lowest_loss_state": \#(restore),"#
        ).replacingOccurrences(of: #""lr": 0.01, "momentum": 0.9"#, with: #""lr": 0.5, "momentum": 0.9"#)
    }

    func records(_ result: RunResult, kind: String) throws -> [[String: Any]] {
        try String(contentsOfFile: result.runDirectory + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == kind }
    }

    func finalTensors(_ result: RunResult) throws -> [String: [Double]] {
        let (tensors, _) = try Safetensors.read(result.runDirectory + "/final.safetensors")
        return tensors.filter { $0.key.hasPrefix("mapping/") || $0.key.contains("centroid") }
            .mapValues { $0.toDoubleArray() }
    }

    func testTheRunEndsInTheStateOfItsEvaluationWithTheLowestLoss() throws {
        XCTAssertTrue(Self.method(iterations: 40, restore: true).contains(#""restore_lowest_loss_state": true"#))
        let kept = try runMethodText(Self.method(iterations: 40, restore: true), directories: &directories)
        XCTAssertEqual(kept.status, .completed)
        let losses = try records(kept, kind: "evaluation_loss")
        XCTAssertEqual(losses.map { $0["iteration"] as? Int }, [5, 10, 15, 20, 25, 30, 35, 40])
        let values = losses.compactMap { $0["loss"] as? Double }
        XCTAssertEqual(values.count, 8)
        XCTAssertTrue(values.allSatisfy(\.isFinite), "\(values)")
        let lowest = try XCTUnwrap(values.indices.min { values[$0] < values[$1] })
        let keptIteration = 5 * (lowest + 1)
        // The test means something only when the lowest loss is not the last evaluation's.
        XCTAssertLessThan(keptIteration, 40, "evaluation losses \(values)")
        XCTAssertEqual(
            losses.map { $0["lowest"] as? Bool },
            values.indices.map { i in values[i] < (values[..<i].min() ?? .infinity) })

        // Stopping the same run at that evaluation gives the same state: the loss passes changed nothing.
        let stopped = try runMethodText(
            Self.method(iterations: keptIteration, restore: false), directories: &directories)
        XCTAssertEqual(try finalTensors(kept), try finalTensors(stopped))
        XCTAssertFalse(try finalTensors(kept).isEmpty)
        XCTAssertEqual(
            try String(contentsOfFile: kept.runDirectory + "/predictions.csv", encoding: .utf8),
            try String(contentsOfFile: stopped.runDirectory + "/predictions.csv", encoding: .utf8))
        XCTAssertEqual(kept.endOfTraining.last?.acc, stopped.endOfTraining.last?.acc)
        // The phase's last evaluation scores the restored state: the same scores as the evaluation it was
        // kept at, and the run's final scores (not those of the state at iteration 40, which it discarded).
        let clustering = kept.evaluations.filter { $0.phase == "clustering" }
        XCTAssertEqual(clustering.map(\.iteration), [5, 10, 15, 20, 25, 30, 35, 40, 40])
        let keptEvaluation = try XCTUnwrap(clustering.first { $0.iteration == keptIteration })
        let restored = try XCTUnwrap(clustering.last)
        XCTAssertEqual(
            [restored.acc, restored.nmi, restored.ari], [keptEvaluation.acc, keptEvaluation.nmi, keptEvaluation.ari])
        XCTAssertEqual(kept.final?.iteration, 40)
        XCTAssertEqual(kept.final?.acc, keptEvaluation.acc)
        let written = try records(kept, kind: "evaluation").last
        XCTAssertEqual(written?["restored_from_iteration"] as? Int, keptIteration)
        XCTAssertNil(try records(kept, kind: "evaluation").dropLast().first { $0["restored_from_iteration"] != nil })
        let log = try String(contentsOfFile: kept.runDirectory + "/log.txt", encoding: .utf8)
        XCTAssertTrue(log.contains("Restored the state of epoch"), log)
        XCTAssertTrue(log.contains("(phase iteration \(keptIteration)): the lowest evaluation loss"), log)
        XCTAssertTrue(
            log.contains(
                "Performance of the restored state (epoch 1, phase iteration \(keptIteration)) at the end of phase"),
            log)
    }

    func testAResumedRunKeepsTheStateKeptBeforeItStopped() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let file = folder.appending("method.json").path
        try Self.method(iterations: 40, restore: true).write(toFile: file, atomically: true, encoding: .utf8)
        func load(_ path: String) throws -> MethodSpec {
            let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
                path: path, baseDirectory: folder.path)
            return try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        }
        func configuration(_ output: String, stopAfter: Int? = nil, resume: Bool = false) -> RunConfiguration {
            var c = RunConfiguration()
            c.seed = 3; c.quiet = true; c.outputDirectory = output; c.stopAfterSteps = stopAfter; c.resume = resume
            c.checkpointSeconds = 0
            return c
        }
        let whole = try MethodRunner(spec: try load(file), configuration: configuration(folder.path + "/whole")).run()
        let losses = try records(whole, kind: "evaluation_loss")
        let kept = try XCTUnwrap(losses.last { $0["lowest"] as? Bool == true }?["iteration"] as? Int)
        // Stopped right after the evaluation whose state the whole run ends in (after 90 pretraining
        // steps), the resumed run must bring that state back from the checkpoint: none of its own
        // evaluations is lower.
        XCTAssertLessThan(kept, 40, "\(losses)")
        let parts = folder.path + "/parts"
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(file), configuration: configuration(parts, stopAfter: 90 + kept + 1)).run())
        let resumed = try MethodRunner(
            spec: try load(parts + "/method.json"), configuration: configuration(parts, resume: true)
        ).run()
        XCTAssertEqual(resumed.status, .completed)
        func lossRecords(_ directory: String) throws -> [String] {
            try String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
                .map(String.init).filter { $0.contains(#""kind":"evaluation_loss""#) }
                .map {
                    $0.replacingOccurrences(
                        of: #""elapsed_seconds":[0-9.e-]+,?"#, with: "", options: .regularExpression)
                }
        }
        XCTAssertEqual(try lossRecords(parts).count, 8)
        XCTAssertEqual(try lossRecords(parts), try lossRecords(whole.runDirectory))
        XCTAssertEqual(try finalTensors(resumed), try finalTensors(whole))
        XCTAssertEqual(resumed.endOfTraining.last?.acc, whole.endOfTraining.last?.acc)
    }

    func testALossPassLeavesTheTrainingAsItWas() throws {
        let with = try runMethodText(Self.method(iterations: 40, restore: true), directories: &directories)
        let without = try runMethodText(Self.method(iterations: 40, restore: false), directories: &directories)
        // `with` adds one evaluation at the end, of the state it restores.
        XCTAssertEqual(with.evaluations.count, without.evaluations.count + 1)
        for (a, b) in zip(with.evaluations, without.evaluations) {
            XCTAssertEqual(a.iteration, b.iteration); XCTAssertEqual(a.acc, b.acc); XCTAssertEqual(a.nmi, b.nmi)
        }
        XCTAssertTrue(try records(without, kind: "evaluation_loss").isEmpty)
    }

    func testEpochIntervalEvaluatesAfterTheLastBatchOfEveryNthEpoch() throws {
        // three_gaussians: 4500 samples in batches of 100, so 45 iterations an epoch.
        let text = TrainerTests.decMethod().replacingOccurrences(
            of: #""exit_criteria": {"iterations": 40}, "performance_evaluation_interval": 20,"#,
            with:
                #""exit_criteria": {"epochs": 4}, "performance_evaluation_interval": 2, "performance_evaluation_interval_unit": "epoch","#
        )
        XCTAssertTrue(text.contains("performance_evaluation_interval_unit"))
        let result = try runMethodText(text, directories: &directories)
        let clustering = result.evaluations.filter { $0.phase == "clustering" }
        XCTAssertEqual(clustering.map(\.epoch), [2, 4])
        XCTAssertEqual(clustering.map(\.iteration), [90, 180])
    }

    func testKMeansAfterThePhaseClustersTheRestoredState() throws {
        // Reconstruction only, evaluated every 20 iterations by k-means on the features, k-means again after
        // the phase: that last one must see the restored state, not the last.
        let text = """
            {"name": "ae_kmeans_restored", "seed": 3,
             "mappings": \(TrainerTests.tinyAutoencoderMappings),
             "phases": [
               {"name": "pretraining", "order": 1, "exit_criteria": {"iterations": 60}, "performance_evaluation_interval": 20,
                "restore_lowest_loss_state": true,
                "design_patterns": [{"pattern": "training_feature_extractor_through_reconstruction_of_samples", "encoder_name": "encoder", "decoder_name": "decoder"}],
                "optimizers": [{"type": "Adam", "lr": 0.01, "trained_mapping_names": ["encoder", "decoder"]}]}],
             "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "pretraining"},
             "datasets": [{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1, "batch_size": 100, "num_clusters": 3, "shuffle": true}]}
            """
        let result = try runMethodText(text, directories: &directories)
        XCTAssertEqual(result.status, .completed)
        let log = try String(contentsOfFile: result.runDirectory + "/log.txt", encoding: .utf8)
        let restored = try XCTUnwrap(log.range(of: "Restored the state of epoch"), log)
        let afterPhase = try XCTUnwrap(log.range(of: "Performance after phase \"pretraining\""), log)
        XCTAssertLessThan(restored.lowerBound, afterPhase.lowerBound)
    }

    func testRestoringWithoutEvaluationsIsRefusedAtItsPointer() throws {
        let text = TrainerTests.decMethod().replacingOccurrences(
            of: #""exit_criteria": {"epochs": 2},"#,
            with: #""exit_criteria": {"epochs": 2}, "restore_lowest_loss_state": true,"#)
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            text: text, file: "m.json")
        XCTAssertNil(outcome.spec)
        let issue = try XCTUnwrap(outcome.issues.first)
        XCTAssertEqual(issue.pointer.description, "/phases/0/restore_lowest_loss_state")
        XCTAssertTrue(issue.message.contains("no 'performance_evaluation_interval'"), issue.message)
    }
}

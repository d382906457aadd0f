import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineRunFiles
import RecombineTensor
import XCTest

@testable import RecombineTraining

/// Stopping a run with a checkpoint and resuming it ends exactly like an uninterrupted run.
final class CheckpointTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// DEC with a dropout layer in the encoder (its random stream must be restored), trainable
    /// centroids (optimizer state over a centroid tensor), a target recomputed every 10 steps, epoch
    /// and iteration schedules, and evaluations.
    static let method = TrainerTests.decMethod().replacingOccurrences(
        of: """
            {"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"}, {"type": "Linear", "in_features": 16, "out_features": 2}]},
               {"name": "decoder"
            """,
        with: """
            {"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"}, {"type": "Dropout", "p": 0.1}, {"type": "Linear", "in_features": 16, "out_features": 2}]},
               {"name": "decoder"
            """
    )
    .replacingOccurrences(
        of: #""exit_criteria": {"epochs": 2},"#,
        with:
            #""exit_criteria": {"epochs": 2}, "optimizer_learning_rate_schedulers": [{"type": "StepLR", "optimizer_name": "ae", "step_size": 1, "gamma": 0.5}],"#
    )
    .replacingOccurrences(of: #"{"type": "Adam", "lr": 0.01,"#, with: #"{"name": "ae", "type": "Adam", "lr": 0.01,"#)

    func load(_ path: String, base: String? = nil) throws -> MethodSpec {
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            path: path, baseDirectory: base)
        guard let spec = outcome.spec else {
            throw TrainingError(outcome.issues.map(\.description).joined(separator: "\n"))
        }
        return spec
    }

    func freshDirectory() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        directories.append(d)
        return d
    }

    func configuration(_ output: String, stopAfter: Int? = nil, resume: Bool = false) -> RunConfiguration {
        var c = RunConfiguration()
        c.seed = 5; c.quiet = true; c.outputDirectory = output; c.stopAfterSteps = stopAfter; c.resume = resume
        c.checkpointSeconds = 0
        return c
    }

    /// Writes `decMethod()` as `d/method.json` with the opening of its dataset entry replaced by `entry`;
    /// returns the file's path.
    func writeMethod(in d: URL, datasetEntry entry: String) throws -> String {
        let method = TrainerTests.decMethod().replacingOccurrences(
            of: #"{"dataset": "GaussianMixture", "preset": "three_gaussians", "seed": 1,"#, with: entry)
        XCTAssertNotEqual(method, TrainerTests.decMethod(), "the dataset entry was not replaced")
        let methodFile = d.appendingPathComponent("method.json").path
        try method.write(toFile: methodFile, atomically: true, encoding: .utf8)
        return methodFile
    }

    /// Runs `methodFile` into `run` and stops it with a checkpoint after `steps` training steps.
    func startAndStop(_ methodFile: String, in run: String, after steps: Int) throws {
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(methodFile), configuration: configuration(run, stopAfter: steps)).run()
        ) { XCTAssertTrue($0 is RunStopped, "\($0)") }
    }

    /// Resumes the run in `run`, its method.json's relative paths taken from `base`.
    func resume(_ run: String, base: URL) throws -> RunResult {
        try MethodRunner(
            spec: try load(run + "/method.json", base: base.path), configuration: configuration(run, resume: true)
        ).run()
    }

    /// The `data_files_sha256` of the run in `run`.
    func dataFileHashes(_ run: String) throws -> [String: String] {
        let stored = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: run + "/result.json")))
        return try XCTUnwrap((stored as? [String: Any])?["data_files_sha256"] as? [String: String])
    }

    /// A data file edited between a stop and `--resume` used to be trained on silently, while result.json kept
    /// the first file's SHA-256; the resumed run now stops naming the file, and resumes once it is restored.
    func testResumingRefusesADataFileChangedSinceTheRunStarted() throws {
        let d = try freshDirectory()
        let data = SyntheticDatasets.threeGaussians(seed: 1)
        var csv = "x,y,label\n"
        for i in 0..<data.count { csv += "\(data.features[2 * i]),\(data.features[2 * i + 1]),\(data.labels![i])\n" }
        let csvFile = d.appendingPathComponent("points.csv").path
        try csv.write(toFile: csvFile, atomically: true, encoding: .utf8)
        let methodFile = try writeMethod(
            in: d, datasetEntry: #"{"dataset": "CSV", "path": "points.csv", "label_column": "label","#)
        let run = d.appendingPathComponent("run").path
        try startAndStop(methodFile, in: run, after: 3)
        try csv.replacingOccurrences(of: "\n0.", with: "\n1.").write(toFile: csvFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try resume(run, base: d)) { error in
            XCTAssertTrue(
                "\(error)".contains("points.csv changed since this run started") && "\(error)".contains("SHA-256"),
                "\(error)")
        }
        try csv.write(toFile: csvFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try resume(run, base: d).status, .completed)
    }

    /// Every 15th point of `threeGaussians(seed:)` (300 points, 3 batches of 100) as CSV text, with or
    /// without its label column.
    static func gaussianCSV(seed: UInt64, labelColumn: Bool = true) -> (csv: String, labels: String) {
        let data = SyntheticDatasets.threeGaussians(seed: seed)
        var csv = labelColumn ? "x,y,label\n" : "x,y\n", labels = ""
        for i in stride(from: 0, to: data.count, by: 15) {
            csv +=
                "\(data.features[2 * i]),\(data.features[2 * i + 1])" + (labelColumn ? ",\(data.labels![i])\n" : "\n")
            labels += "\(data.labels![i])\n"
        }
        return (csv, labels)
    }

    /// Two dataset entries reading files of the same folder and file name (`first/data/points.csv`,
    /// `second/data/points.csv`) with different points: result.json keyed both by `data/points.csv`, kept only
    /// the first, and a resume inside the second entry was refused as if its file had changed. The second is now
    /// `second: data/points.csv`; resuming inside either entry goes on, and a real change is still refused.
    func testResumingADatasetWhoseFileSharesAnEarlierEntrysFolderAndFileName() throws {
        let d = try freshDirectory()
        for (folder, seed) in [("first", UInt64(1)), ("second", UInt64(2))] {
            let folderURL = d.appendingPathComponent("\(folder)/data")
            try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
            try Self.gaussianCSV(seed: seed).csv.write(
                to: folderURL.appendingPathComponent("points.csv"), atomically: true, encoding: .utf8)
        }
        let rest = #""batch_size": 100, "num_clusters": 3, "shuffle": true}"#
        let methodFile = try writeMethod(
            in: d,
            datasetEntry:
                #"{"name": "first", "dataset": "CSV", "path": "first/data/points.csv", "label_column": "label", "#
                + rest + ", "
                + #"{"name": "second", "dataset": "CSV", "path": "second/data/points.csv", "label_column": "label","#)
        // 46 steps per entry (6 pretraining, 40 clustering): 20 stops inside the first, 60 inside the second.
        for (index, steps) in [20, 60].enumerated() {
            let run = d.appendingPathComponent("run-\(index)").path
            try startAndStop(methodFile, in: run, after: steps)
            XCTAssertEqual(try resume(run, base: d).status, .completed, "stopped after \(steps) steps")
            let hashes = try dataFileHashes(run)
            XCTAssertEqual(hashes.keys.sorted(), ["data/points.csv", "second: data/points.csv"])
            XCTAssertEqual(hashes["data/points.csv"], try SHA256.hex(ofFile: d.path + "/first/data/points.csv"))
            XCTAssertEqual(
                hashes["second: data/points.csv"], try SHA256.hex(ofFile: d.path + "/second/data/points.csv"))
        }
        let run = d.appendingPathComponent("run-changed").path
        try startAndStop(methodFile, in: run, after: 60)
        try Self.gaussianCSV(seed: 3).csv.write(
            toFile: d.path + "/second/data/points.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try resume(run, base: d)) { error in
            XCTAssertTrue("\(error)".contains("second/data/points.csv changed since this run started"), "\(error)")
        }
    }

    /// A CSV dataset's separate labels file (`labels_path`) decides every score, yet result.json did not name it
    /// and a resume did not notice it changed; it is now hashed and checked like the points.
    func testResumingRefusesAChangedLabelsFile() throws {
        let d = try freshDirectory()
        let (csv, labels) = Self.gaussianCSV(seed: 1, labelColumn: false)
        try csv.write(toFile: d.path + "/points.csv", atomically: true, encoding: .utf8)
        try labels.write(toFile: d.path + "/labels.txt", atomically: true, encoding: .utf8)
        let methodFile = try writeMethod(
            in: d, datasetEntry: #"{"dataset": "CSV", "path": "points.csv", "labels_path": "labels.txt","#)
        let run = d.appendingPathComponent("run").path
        try startAndStop(methodFile, in: run, after: 3)
        XCTAssertEqual(
            try dataFileHashes(run).keys.sorted(),
            ["\(d.lastPathComponent)/labels.txt", "\(d.lastPathComponent)/points.csv"])
        let swapped = labels.replacingOccurrences(of: "0\n", with: "9\n").replacingOccurrences(of: "1\n", with: "0\n")
            .replacingOccurrences(of: "9\n", with: "1\n")
        XCTAssertNotEqual(swapped, labels)
        try swapped.write(toFile: d.path + "/labels.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try resume(run, base: d)) { error in
            XCTAssertTrue("\(error)".contains("labels.txt changed since this run started"), "\(error)")
        }
    }

    /// An edit to the run folder's method.json between a stop and `--resume` (here a learning rate) used to be
    /// trained on silently; the resume now stops naming the file, and goes on once the edit is undone.
    func testResumingRefusesAnEditedMethodJSON() throws {
        let d = try freshDirectory()
        let methodFile = d.appendingPathComponent("method.json").path
        try TrainerTests.decMethod().write(toFile: methodFile, atomically: true, encoding: .utf8)
        let run = d.appendingPathComponent("run").path
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(methodFile), configuration: configuration(run, stopAfter: 3)).run()
        ) { XCTAssertTrue($0 is RunStopped, "\($0)") }
        let written = try String(contentsOfFile: run + "/method.json", encoding: .utf8)
        let edited = written.replacingOccurrences(of: "0.01", with: "0.02")
        XCTAssertNotEqual(edited, written, "no learning rate of 0.01 to edit")
        try edited.write(toFile: run + "/method.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(
            try MethodRunner(
                spec: try load(run + "/method.json", base: d.path), configuration: configuration(run, resume: true)
            ).run()
        ) { error in
            XCTAssertTrue("\(error)".contains("method.json was edited after the run started"), "\(error)")
        }
        try written.write(toFile: run + "/method.json", atomically: true, encoding: .utf8)
        let resumed = try MethodRunner(
            spec: try load(run + "/method.json", base: d.path), configuration: configuration(run, resume: true)
        ).run()
        XCTAssertEqual(resumed.status, .completed)
    }

    /// Writes `method` to a fresh directory and trains it uninterrupted into `whole/` there.
    func runUninterrupted(_ method: String) throws -> (spec: MethodSpec, directory: URL, whole: RunResult) {
        let d = try freshDirectory()
        let file = d.appendingPathComponent("method.json").path
        try method.write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try load(file)
        let whole = try MethodRunner(spec: spec, configuration: configuration(d.path + "/whole")).run()
        XCTAssertEqual(whole.status, .completed)
        return (spec, d, whole)
    }

    /// Fails unless two run directories hold the same predictions.csv and final.safetensors tensors;
    /// returns the second's tensors.
    @discardableResult
    func assertSamePredictionsAndFinalState(_ run: String, _ reference: String) throws -> [String: Tensor] {
        XCTAssertEqual(
            try String(contentsOfFile: run + "/predictions.csv", encoding: .utf8),
            try String(contentsOfFile: reference + "/predictions.csv", encoding: .utf8))
        let weights = try Safetensors.read(run + "/final.safetensors").tensors
        let expected = try Safetensors.read(reference + "/final.safetensors").tensors
        XCTAssertFalse(expected.isEmpty)
        for (name, t) in expected { XCTAssertEqual(weights[name]?.toFloatArray(), t.toFloatArray(), name) }
        return expected
    }

    /// metrics.jsonl without the elapsed times (which differ between runs).
    func metrics(_ directory: String) throws -> [String] {
        try String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            String($0).replacingOccurrences(
                of: #""elapsed_seconds":[0-9.e-]+,?"#, with: "", options: .regularExpression)
        }
    }

    /// Runs `spec` into `parts`, stopping (with a checkpoint, result status "stopped") after each count of
    /// steps in turn and resuming, then resumes it to the end.
    func runInParts(_ spec: MethodSpec, base: String, into parts: String, stoppingAfter stops: [Int]) throws
        -> RunResult
    {
        for (i, stop) in stops.enumerated() {
            let runSpec = i == 0 ? spec : try load(parts + "/method.json", base: base)
            XCTAssertThrowsError(
                try MethodRunner(spec: runSpec, configuration: configuration(parts, stopAfter: stop, resume: i > 0))
                    .run()
            ) { error in
                XCTAssertTrue(error is RunStopped, "\(error)")
            }
            let result =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: parts + "/result.json")))
                as! [String: Any]
            XCTAssertEqual(result["status"] as? String, "stopped")
        }
        return try MethodRunner(
            spec: try load(parts + "/method.json", base: base), configuration: configuration(parts, resume: true)
        ).run()
    }

    /// A resume that fails before training (its data file gone) keeps nothing in the checkpoint, so the
    /// finished run's provenance lists only the processes whose work it kept, as its log does.
    func testAResumeThatFailedBeforeTrainingIsNoSegmentOfTheRun() throws {
        let d = try freshDirectory()
        var csv = "x,y,label\n"
        for i in 0..<60 { csv += "\(Double(i % 3) * 5),\(Double(i) * 0.01),\(i % 3)\n" }
        let points = d.appendingPathComponent("points.csv"), away = d.appendingPathComponent("away.csv")
        try csv.write(to: points, atomically: true, encoding: .utf8)
        let file = d.appendingPathComponent("method.json").path
        let method = DamagedTrainingInputTests.csvMethod(points.path, batch: 20)
        try method.write(toFile: file, atomically: true, encoding: .utf8)
        let run = d.path + "/run"
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(file), configuration: configuration(run, stopAfter: 4)).run())
        try FileManager.default.moveItem(at: points, to: away)
        XCTAssertThrowsError(
            try MethodRunner(
                spec: try load(run + "/method.json", base: d.path), configuration: configuration(run, resume: true)
            )
            .run()
        ) { error in XCTAssertTrue("\(error)".contains("points.csv"), "\(error)") }
        XCTAssertEqual(RunResult.status(inDirectory: run), .failed)
        try FileManager.default.moveItem(at: away, to: points)
        let resumed = try MethodRunner(
            spec: try load(run + "/method.json", base: d.path), configuration: configuration(run, resume: true)
        ).run()
        XCTAssertEqual(resumed.status, .completed)
        XCTAssertEqual(resumed.provenance.resumed, 1)
        let segments = try XCTUnwrap(resumed.provenance.segments)
        XCTAssertEqual(segments.count, 2)
        XCTAssertEqual(segments.first?.endSeconds, segments.last?.startSeconds)
        XCTAssertLessThan(try XCTUnwrap(segments.first?.startSeconds), try XCTUnwrap(segments.first?.endSeconds))
        XCTAssertEqual(segments.last?.endSeconds, resumed.wallSeconds)
    }

    func testStoppedAndResumedRunEndsLikeAnUninterruptedOne() throws {
        XCTAssertTrue(
            Self.method.contains("Dropout") && Self.method.contains("StepLR"),
            "the method text was not modified as intended")
        let d = try freshDirectory()
        let file = d.appendingPathComponent("method.json").path
        try Self.method.write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try load(file)
        let whole = try MethodRunner(spec: spec, configuration: configuration(d.path + "/whole")).run()
        XCTAssertEqual(whole.status, .completed)

        let parts = d.path + "/parts"
        // 90 pretraining steps (2 epochs of 45 batches), then 40 clustering steps: stop in the first
        // epoch, in the second (after the epoch schedule stepped), and inside the clustering phase
        // between two target recalculations.
        let resumed = try runInParts(spec, base: d.path, into: parts, stoppingAfter: [20, 50, 37])
        XCTAssertEqual(resumed.status, .completed)
        XCTAssertEqual(resumed.evaluations.count, whole.evaluations.count)
        for (a, b) in zip(resumed.evaluations, whole.evaluations) {
            XCTAssertEqual(a.phase, b.phase); XCTAssertEqual(a.iteration, b.iteration)
            XCTAssertEqual(a.acc, b.acc); XCTAssertEqual(a.nmi, b.nmi); XCTAssertEqual(a.ari, b.ari)
        }
        XCTAssertEqual(try metrics(parts), try metrics(d.path + "/whole"))
        XCTAssertEqual(
            try String(contentsOfFile: parts + "/predictions.csv", encoding: .utf8),
            try String(contentsOfFile: d.path + "/whole/predictions.csv", encoding: .utf8))
        // Four processes, each a segment: its binary, and the span of the run's time whose work it kept.
        XCTAssertNil(whole.provenance.segments)
        XCTAssertEqual(resumed.provenance.resumed, 3)
        let segments = try XCTUnwrap(resumed.provenance.segments)
        XCTAssertEqual(segments.count, 4)
        XCTAssertEqual(segments.map(\.gitRevision), Array(repeating: SourceRevision.current, count: 4))
        XCTAssertNil(segments[0].resumedAt)
        XCTAssertEqual(
            segments.dropFirst().compactMap(\.resumedAt?.phase), ["pretraining", "pretraining", "clustering"])
        XCTAssertEqual(segments[0].startSeconds, 0)
        for (earlier, later) in zip(segments, segments.dropFirst()) {
            XCTAssertEqual(earlier.endSeconds, later.startSeconds)
        }
        XCTAssertEqual(segments.last?.endSeconds, resumed.wallSeconds)
        let stored = try JSONDecoder().decode(
            [String: RunProvenance].self,
            from: JSONSerialization.data(withJSONObject: [
                "p":
                    (JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: parts + "/result.json")))
                    as! [String: Any])["provenance"]!
            ]))
        XCTAssertEqual(stored["p"]?.segments?.count, 4, "result.json holds the segments")
        // Elapsed times continue across the three resumptions instead of starting again at zero.
        let elapsed = try String(contentsOfFile: parts + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["elapsed_seconds"] as? Double
            )
        }
        XCTAssertEqual(elapsed, elapsed.sorted(), "elapsed_seconds went back after a resume")
        let weights = try Safetensors.read(parts + "/weights/tiny_dec_encoder.safetensors").tensors
        let reference = try Safetensors.read(d.path + "/whole/weights/tiny_dec_encoder.safetensors").tensors
        for (name, t) in reference { XCTAssertEqual(weights[name]?.toFloatArray(), t.toFloatArray(), name) }
    }

    /// A DDC-style phase: a convolution, BatchNorm (running statistics), DDC with UCO's tensor kernel, Adam
    /// with per-tensor clipping, an evaluation with its evaluation loss every epoch, and the lowest-loss state
    /// kept for the phase's end (`restore_lowest_loss_state`). The learning rate is high enough that the first
    /// epoch's state stays the lowest, so the state kept before the first stop must survive both resumptions.
    /// Stopped one step after an epoch boundary (where the long ddc runs' checkpoints fall) and inside an epoch,
    /// it must end as the uninterrupted run.
    func testStoppedAndResumedDDCPhaseWithItsLowestLossStateEndsLikeAnUninterruptedOne() throws {
        let method = PaperPatternTests.ddcUCOMethod(mismatch: "").replacingOccurrences(
            of: #""exit_criteria": {"iterations": 60}, "performance_evaluation_interval": 30,"#,
            with:
                #""exit_criteria": {"epochs": 6}, "performance_evaluation_interval": 1, "performance_evaluation_interval_unit": "epoch", "restore_lowest_loss_state": true,"#
        ).replacingOccurrences(
            of: #"{"type": "Adam", "lr": 0.003,"#,
            with: #"{"type": "Adam", "lr": 0.3, "gradient_clipping": {"max_norm": 0.5, "scope": "per_tensor"},"#)
        XCTAssertTrue(
            method.contains("restore_lowest_loss_state") && method.contains("gradient_clipping"),
            "the method text was not modified as intended")
        let (spec, d, whole) = try runUninterrupted(method)
        XCTAssertEqual(whole.evaluations.count, 7, "an evaluation at the end of each epoch, then the restored state's")
        let log = try String(contentsOfFile: d.path + "/whole/log.txt", encoding: .utf8)
        XCTAssertTrue(
            log.contains("Restored the state of epoch 1 (phase iteration 5)"),
            "the case needs the first epoch's state to stay the lowest: \(log)")
        // Parameters, BatchNorm statistics and all: the restored state scores exactly as it did at epoch 1.
        let first = whole.evaluations[0], restored = try XCTUnwrap(whole.evaluations.last)
        XCTAssertEqual([restored.acc, restored.nmi, restored.ari], [first.acc, first.nmi, first.ari])
        XCTAssertNotNil(restored.acc)

        // 300 samples in batches of 60: five steps per epoch, so step 6 is the first of epoch 2, 12 the second of 3.
        let parts = d.path + "/parts"
        let resumed = try runInParts(spec, base: d.path, into: parts, stoppingAfter: [6, 6])
        XCTAssertEqual(resumed.status, .completed)
        XCTAssertEqual(try metrics(parts), try metrics(d.path + "/whole"))
        let reference = try assertSamePredictionsAndFinalState(parts, d.path + "/whole")
        XCTAssertTrue(reference.keys.contains { $0.contains("running_mean") }, "BatchNorm statistics are compared")
    }

    /// A phase with `initialization_trials` (three trials of one 90-step epoch), stopped inside its second
    /// trial and again inside its third (trial steps count as training steps), goes on with the trial it
    /// stopped in from that trial's start and ends as the uninterrupted run: each trial recorded once, the
    /// same trial chosen, the same metrics, predictions and final parameters.
    func testRunStoppedDuringInitializationTrialsEndsLikeAnUninterruptedOne() throws {
        try assertTrialsStoppedTwiceEndLikeAnUninterruptedRun(
            InitializationTrialsTests.method(trials: #"{"count": 3, "epochs": 1}"#), stops: [100, 100],
            phase: #""pretraining" (#1)"#)
    }

    /// The same with centroids: DEC's clustering phase without pretraining (45 steps an epoch) tries three
    /// starts, each with centroids of its own, and is stopped inside its second trial and again inside its
    /// third; the resumed trials initialise the same centroids again and the run ends as the uninterrupted one.
    func testRunStoppedDuringInitializationTrialsWithCentroidsEndsLikeAnUninterruptedOne() throws {
        try assertTrialsStoppedTwiceEndLikeAnUninterruptedRun(
            InitializationTrialsTests.decMethod(trials: #"{"count": 3, "epochs": 1}"#), stops: [55, 55],
            phase: #""clustering" (#2)"#)
    }

    /// The same where the phase continues the chosen trial (`continue_from_chosen_trial`): the end of the best
    /// trial so far travels in the checkpoints written between trials, so the run stopped inside its second and
    /// third trials continues the same trial's end as the uninterrupted run.
    func testRunStoppedDuringTrialsItContinuesEndsLikeAnUninterruptedOne() throws {
        try assertTrialsStoppedTwiceEndLikeAnUninterruptedRun(
            InitializationTrialsTests.decMethod(
                trials: #"{"count": 3, "epochs": 1, "continue_from_chosen_trial": true}"#),
            stops: [55, 55], phase: #""clustering" (#2)"#)
    }

    /// Runs `method` (three initialization trials) whole and in parts stopped after `stops` steps, and fails
    /// unless the parts resumed `phase` at trials 2 and 3 and end as the whole run did.
    func assertTrialsStoppedTwiceEndLikeAnUninterruptedRun(_ method: String, stops: [Int], phase: String) throws {
        let (spec, d, _) = try runUninterrupted(method)
        let parts = d.path + "/parts"
        let resumed = try runInParts(spec, base: d.path, into: parts, stoppingAfter: stops)
        XCTAssertEqual(resumed.status, .completed)
        let records = try metrics(parts)
        XCTAssertEqual(records.filter { $0.contains(#""kind":"initialization_trial""#) }.count, 3, "\(records)")
        XCTAssertEqual(records, try metrics(d.path + "/whole"))
        let log = try String(contentsOfFile: parts + "/log.txt", encoding: .utf8)
        for trial in [2, 3] {
            XCTAssertTrue(log.contains("Resumed phase \(phase) at initialization trial \(trial) of 3"), log)
        }
        let reference = try assertSamePredictionsAndFinalState(parts, d.path + "/whole")
        XCTAssertFalse(reference.isEmpty)
    }

    /// The stop message names the trial it stopped in.
    func testAStopInsideAnInitializationTrialNamesTheTrial() throws {
        let d = try freshDirectory()
        let file = d.appendingPathComponent("method.json").path
        try InitializationTrialsTests.method(trials: #"{"count": 2, "epochs": 1}"#).write(
            toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(file), configuration: configuration(d.path + "/run", stopAfter: 95)).run()
        ) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "Stopped after 95 training steps (--stop-after) at iteration 5 of initialization trial 2 of 2 in phase 'pretraining'; checkpoint written"
                ), "\(error)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: CheckpointArchive.path(in: d.path + "/run")))
    }

    func testResumeWithoutCheckpointStartsOver() throws {
        let d = try freshDirectory()
        let file = d.appendingPathComponent("method.json").path
        try Self.method.write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try load(file)
        let whole = try MethodRunner(spec: spec, configuration: configuration(d.path + "/whole")).run()
        // A run directory whose process died before its first checkpoint: run.json and a partial log.
        let killed = d.path + "/killed"
        try FileManager.default.createDirectory(atPath: killed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: d.path + "/whole/run.json", toPath: killed + "/run.json")
        try FileManager.default.copyItem(atPath: d.path + "/whole/method.json", toPath: killed + "/method.json")
        try "{\"kind\":\"loss\",\"trunc".write(toFile: killed + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let record = try RunRecord.read(directory: killed)
        XCTAssertEqual(record.seed, 5)
        var c = record.configuration
        c.outputDirectory = killed; c.resume = true; c.quiet = true
        let again = try MethodRunner(
            spec: try load(killed + "/method.json", base: record.baseDirectory), configuration: c
        ).run()
        XCTAssertNotNil(whole.final?.acc, "the uninterrupted run must be scored")
        XCTAssertEqual(again.final?.acc, whole.final?.acc)
        XCTAssertEqual(try metrics(killed), try metrics(d.path + "/whole"))
    }
}

/// SIGINT finishes the step, writes a checkpoint and marks the run interrupted.
final class InterruptionTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() {
        RunInterruption.signalled = 0
        signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL)
        for d in directories { try? FileManager.default.removeItem(at: d) }
    }

    func testASecondSignalEndsTheProcessOnlyOnceTheRepeatWindowHasPassed() {
        let window = RunInterruption.repeatWindowNanoseconds
        XCTAssertEqual(window, 1_000_000_000)
        XCTAssertFalse(RunInterruption.endsAtOnce(nanosecondsSinceFirst: 0), "the same request delivered twice")
        XCTAssertFalse(RunInterruption.endsAtOnce(nanosecondsSinceFirst: window - 1))
        XCTAssertTrue(RunInterruption.endsAtOnce(nanosecondsSinceFirst: window))
        XCTAssertTrue(RunInterruption.endsAtOnce(nanosecondsSinceFirst: 30 * window))
    }

    func testSignalStopsWithACheckpointThatResumes() throws {
        RunInterruption.installHandlers()
        raise(SIGINT)
        XCTAssertTrue(RunInterruption.requested)
        XCTAssertThrowsError(try runMethodText(TrainerTests.decMethod(), directories: &directories)) { error in
            guard let stop = error as? RunStopped else { return XCTFail("\(error)") }
            XCTAssertTrue(stop.bySignal)
            XCTAssertTrue(stop.description.contains("recombine run --resume"), stop.description)
            XCTAssertTrue(stop.description.contains("iteration 1 of phase 'pretraining'"), stop.description)
        }
        RunInterruption.signalled = 0
        let run = directories.last!.appendingPathComponent("run").path
        let result =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/result.json")))
            as! [String: Any]
        XCTAssertEqual(result["status"] as? String, "interrupted")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/checkpoint.safetensors"))
        let record = try RunRecord.read(directory: run)
        let spec = try XCTUnwrap(
            MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
                path: run + "/method.json", baseDirectory: record.baseDirectory
            ).spec)
        var c = record.configuration
        c.outputDirectory = run; c.resume = true; c.quiet = true
        XCTAssertEqual(try MethodRunner(spec: spec, configuration: c).run().status, .completed)
    }
}

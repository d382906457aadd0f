import Foundation
import RecombineNN
import RecombineTensor

/// Where a phase's training loop continues: the step after the last completed one.
struct LoopPosition {
    var epoch: Int
    /// Index of the next batch within `epoch`.
    var batchIndex: Int
    var phaseIteration: Int
    var evaluationCounter: Int
    var sinceRecalculation: Int
    /// The batch sampler before it drew `epoch`'s order, so the same order is drawn again.
    var samplerEpochs: Int
    var samplerGenerator: [UInt64]
    /// Whether `epoch`'s start-of-epoch exit check already ran (a checkpoint's position); false where an
    /// initialization trial ended at that check by its own criteria and the phase goes on from there.
    var startOfEpochChecked = true
}

/// When checkpoints are written (every N steps, every T seconds, on a signal, at `--stop-after`).
final class CheckpointPolicy {
    let every: Int?
    let seconds: Double
    let stopAfter: Int?
    private(set) var steps = 0
    private var last = Date()

    init(configuration: RunConfiguration) {
        every = configuration.checkpointEvery; seconds = configuration.checkpointSeconds;
        stopAfter = configuration.stopAfterSteps
    }

    /// Counts one finished step; says whether to checkpoint and whether to stop afterwards.
    func afterStep() -> (write: Bool, stop: (reason: String, bySignal: Bool)?) {
        steps += 1
        var stop: (String, Bool)? = nil
        let signal = RunInterruption.signalForThisStep
        if signal != 0 {
            stop = ("Interrupted by signal \(signal)", true)
        } else if let stopAfter, steps >= stopAfter {
            stop = ("Stopped after \(steps) training steps (--stop-after)", false)
        }
        let due = (every.map { steps % $0 == 0 } ?? false) || (seconds > 0 && Date().timeIntervalSince(last) >= seconds)
        if due || stop != nil { last = Date() }
        return (due || stop != nil, stop)
    }
}

extension PhaseRunner {
    /// After each step: writes a checkpoint when one is due and stops the run when asked to.
    func checkpointIfDue(_ position: LoopPosition) throws {
        guard let policy = checkpointPolicy else { return }
        let (write, stop) = policy.afterStep()
        if write { try writeCheckpoint?(position) }
        if let stop {
            progress.end()
            throw RunStopped(
                runDirectory: runDirectory,
                reason: stop.reason + " "
                    + (stopLocation?(position.phaseIteration - 1)
                        ?? "at iteration \(position.phaseIteration - 1) of phase '\(phase.name)'"),
                bySignal: stop.bySignal)
        }
    }

    /// The phase's part of a checkpoint: loop position, counters, last metrics, optimizer and scheduler
    /// states, the patterns' states and the phase's random stream.
    func save(into archive: CheckpointArchive, position p: LoopPosition) {
        var values: [String: Any] =
            [
                "name": phase.name,
                "epoch": p.epoch, "batch_index": p.batchIndex, "phase_iteration": p.phaseIteration,
                "evaluation_counter": p.evaluationCounter, "since_recalculation": p.sinceRecalculation,
                "sampler_epochs": p.samplerEpochs, "sampler_generator": p.samplerGenerator.map { String($0) },
                "generator": CheckpointArchive.encode(generator),
                // Doubles as bit patterns: JSON text may round the last bit, and a resumed run must match exactly.
                "last_metrics": [evaluation.lastACC, evaluation.lastNMI, evaluation.lastARI, evaluation.lastRatio].map {
                    String($0.bitPattern)
                },
                "running_losses": lossReport.running.mapValues { [String($0.sum.bitPattern), String($0.count)] },
                "curve_losses": lossReport.curve.mapValues { [String($0.sum.bitPattern), String($0.count)] },
                "evaluations": evaluation.records.map(\.json),
                "scheduler_steps": schedulers.map { $0.1.stepCount },
            ]
        if let finishedTrialLosses {
            values["initialization_trials_finished"] = finishedTrialLosses.map { String($0.bitPattern) }
            if let chosenTrialEnd { chosenTrialEnd.save(into: archive, values: &values) }
        }
        archive.values["phase"] = values
        if let lastAssignments = evaluation.lastAssignments {
            archive.tensors["phase/last_assignments"] = Tensor(lastAssignments.map(Double.init))
        }
        for (i, o) in optimizers.enumerated() {
            for (name, t) in o.optimizer.stateTensors() { archive.tensors["phase/optimizer/\(i)/\(name)"] = t }
        }
        for (i, pattern) in patterns.enumerated() { pattern.save(into: archive, prefix: "phase/pattern/\(i)/") }
        saveLowestLossState(into: archive)
    }

    /// Restores what `save(into:position:)` wrote (optimizers and patterns must be built first).
    func restore(from archive: CheckpointArchive) throws -> LoopPosition {
        let v = try archive.object("phase")
        guard (v["name"] as? String) == phase.name else {
            throw TrainingError(
                "checkpoint \(archive.source) belongs to phase '\(v["name"] ?? "?")', not '\(phase.name)'")
        }
        generator = try archive.generator("generator", in: v)
        let metrics = ((v["last_metrics"] as? [String]) ?? []).compactMap(UInt64.init).map(Double.init(bitPattern:))
        guard metrics.count == 4 else { throw archive.missing("phase/last_metrics") }
        evaluation.lastACC = metrics[0]; evaluation.lastNMI = metrics[1]; evaluation.lastARI = metrics[2]
        evaluation.lastRatio = metrics[3]
        for (key, pair) in (v["running_losses"] as? [String: [String]]) ?? [:] {
            guard pair.count == 2, let bits = UInt64(pair[0]), let count = Int(pair[1]) else {
                throw archive.missing("phase/running_losses")
            }
            lossReport.running[key] = (Double(bitPattern: bits), count)
        }
        // Absent from checkpoints written before loss_curve records existed.
        for (key, pair) in (v["curve_losses"] as? [String: [String]]) ?? [:] {
            guard pair.count == 2, let bits = UInt64(pair[0]), let count = Int(pair[1]) else {
                throw archive.missing("phase/curve_losses")
            }
            lossReport.curve[key] = (Double(bitPattern: bits), count)
        }
        evaluation.records = ((v["evaluations"] as? [[String: Any]]) ?? []).compactMap(EvaluationRecord.init(json:))
        if let stored = archive.tensors["phase/last_assignments"]?.toDoubleArray() {
            let assignments = stored.compactMap { Int(exactly: $0) }
            guard assignments.count == stored.count else { throw archive.missing("phase/last_assignments") }
            evaluation.lastAssignments = assignments
        }
        let steps = (v["scheduler_steps"] as? [NSNumber])?.map(\.intValue) ?? []
        guard steps.count == schedulers.count else { throw archive.missing("phase/scheduler_steps") }
        for (i, (_, scheduler)) in schedulers.enumerated() { scheduler.restore(stepCount: steps[i]) }
        for (i, o) in optimizers.enumerated() {
            let prefix = "phase/optimizer/\(i)/"
            var state: [String: Tensor] = [:]
            for (name, t) in archive.tensors where name.hasPrefix(prefix) {
                state[String(name.dropFirst(prefix.count))] = t
            }
            o.optimizer.loadState(state)
        }
        for (i, pattern) in patterns.enumerated() { try pattern.restore(from: archive, prefix: "phase/pattern/\(i)/") }
        try loadLowestLossState(from: archive)
        let words = ((v["sampler_generator"] as? [String]) ?? []).compactMap(UInt64.init)
        guard words.count == 4 else { throw archive.missing("phase/sampler_generator") }
        return LoopPosition(
            epoch: try archive.int("epoch", in: v), batchIndex: try archive.int("batch_index", in: v),
            phaseIteration: try archive.int("phase_iteration", in: v),
            evaluationCounter: try archive.int("evaluation_counter", in: v),
            sinceRecalculation: try archive.int("since_recalculation", in: v),
            samplerEpochs: try archive.int("sampler_epochs", in: v),
            samplerGenerator: words)
    }
}

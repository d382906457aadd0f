import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// The mappings' parameters, buffers and random streams, copied.
struct MappingsSnapshot {
    let states: [String: [String: Tensor]]
    let streams: [String: [String: [UInt64]]]

    init(_ mappings: [Mapping]) {
        var states: [String: [String: Tensor]] = [:], streams: [String: [String: [UInt64]]] = [:]
        for m in mappings {
            states[m.name] = Dictionary(m.stateDict().map { ($0.name, $0.tensor.detached().clone()) }) { a, _ in a }
            streams[m.name] = Dictionary(m.namedRandomStates().map { ($0.name, $0.state) }) { a, _ in a }
        }
        self.states = states; self.streams = streams
    }

    /// Puts the copied state back (copies again, so the snapshot can be restored more than once).
    func restore(_ mappings: [Mapping]) throws {
        for m in mappings {
            guard let state = states[m.name] else { continue }
            try m.loadStateDict(state.mapValues { $0.clone() })
            m.restoreRandomStates(streams[m.name] ?? [:])
        }
    }
}

/// Where an initialization trial stopped (`continue_from_chosen_trial`): the mappings' parameters, buffers and
/// random streams, the centroids, and the trial's own phase state (optimizers, schedulers, patterns, random
/// stream, loop position), laid out as in a checkpoint so that the phase restores it as it resumes one.
struct TrialEnd {
    let trial: Int
    let loss: Double
    let archive: CheckpointArchive

    /// Captures `runner`'s end (a trial that stopped by its own exit criteria) as copies.
    init(trial: Int, loss: Double, runner: PhaseRunner) throws {
        guard let position = runner.endPosition else {
            throw TrainingError(
                "phase '\(runner.phase.name)': initialization trial \(trial) ended before its last epoch")
        }
        let archive = CheckpointArchive()
        for mapping in runner.mappings.mappings { archive.save(module: mapping, prefix: "mapping/\(mapping.name)/") }
        if let c = runner.strategy.centroids { archive.tensors["strategy/centroids"] = c }
        runner.save(into: archive, position: position)
        // The archive must not follow the mappings, centroids and optimizer buffers the next trials change.
        archive.tensors = archive.tensors.mapValues { $0.detached().clone() }
        self.init(trial: trial, loss: loss, archive: archive)
    }

    init(trial: Int, loss: Double, archive: CheckpointArchive) {
        self.trial = trial; self.loss = loss; self.archive = archive
    }

    static let prefix = "phase/chosen_trial/"

    /// Adds this end to a checkpoint written between trials (tensors under `prefix`, the rest in `values`).
    func save(into checkpoint: CheckpointArchive, values: inout [String: Any]) {
        for (name, t) in archive.tensors { checkpoint.tensors[Self.prefix + name] = t }
        values["chosen_trial"] = ["trial": trial, "loss": String(loss.bitPattern), "values": archive.values]
    }

    /// The end `save(into:values:)` added to `checkpoint`, or nil when it holds none.
    static func read(from checkpoint: CheckpointArchive, values: [String: Any]) throws -> TrialEnd? {
        guard let stored = values["chosen_trial"] else { return nil }
        guard let object = stored as? [String: Any], let trial = (object["trial"] as? NSNumber)?.intValue,
            let bits = (object["loss"] as? String).flatMap(UInt64.init), let inner = object["values"] as? [String: Any]
        else { throw checkpoint.missing("phase/chosen_trial") }
        let archive = CheckpointArchive(source: checkpoint.source)
        archive.values = inner
        for (name, t) in checkpoint.tensors where name.hasPrefix(prefix) {
            archive.tensors[String(name.dropFirst(prefix.count))] = t
        }
        return TrialEnd(trial: trial, loss: Double(bitPattern: bits), archive: archive)
    }

    /// Puts the trial's mappings and centroids back (the phase's own state follows from `archive`).
    func restore(_ mappings: MappingSet, _ strategy: ClusterAssignment) throws {
        for mapping in mappings.mappings {
            try archive.restore(module: mapping, prefix: "mapping/\(mapping.name)/")
        }
        if let c = archive.tensors["strategy/centroids"] { strategy.centroids = c.clone() }
    }
}

extension PhaseRunner {
    /// `initialization_trials`: trains the phase briefly from several initialisations of the mappings
    /// its optimizers train and leaves the mappings at the start whose evaluation loss (summed over the
    /// `judged_on_patterns`' terms only, when given) was lowest, with
    /// everything else (other mappings, buffers, random streams, the strategy's history) as it was. In a
    /// phase that initialises centroids, each start gets its own (`startCentroids`), and the chosen start's
    /// are the phase's.
    /// With `continue_from_chosen_trial` it keeps the end of the trial with the lowest loss so far and returns the
    /// chosen trial's end, from which the phase goes on (the mappings and centroids already in it); otherwise nil.
    /// `finished` holds the losses of trials a stopped run already finished (fewer than `trials.count`).
    /// A checkpoint is written after each trial; a signal or `--stop-after` inside a trial writes one with
    /// the trials finished before it, so the resumed run trains that trial again from its start.
    func selectInitialization(_ trials: PhaseSpec.InitializationTrials, finished: [Double] = []) throws -> TrialEnd? {
        let before = MappingsSnapshot(mappings.mappings)
        let history = strategy.classifierHistory
        let centroids = strategy.centroids?.detached().clone()
        // Clones: a trial's optimizer may update the centroids in place (optimizes_centroids).
        let restoreBefore: () throws -> Void = {
            try before.restore(self.mappings.mappings)
            self.strategy.classifierHistory = history
            self.strategy.centroids = centroids?.clone()
        }
        let epochs = configuration.scaled(trials.epochs)
        var losses = finished, firstFailure: Error?
        for trial in (finished.count + 1)...trials.count {
            try startTrial(trial)
            try startCentroids(trial, own: centroids)
            progress.status("\(phase.name): initialization trial \(trial) of \(trials.count)")
            var loss = Double.nan, total = Double.nan, terms: [[String: Any]] = [], failure: String?
            do {
                let (evaluation, runner) = try trainTrial(trial, of: trials)
                total = evaluation.total
                loss = trials.selectionLoss(total: evaluation.total, terms: evaluation.terms)
                terms = evaluation.termRecords
                if trials.continuesFromChosenTrial, loss.isFinite, loss < chosenTrialEnd?.loss ?? .infinity {
                    chosenTrialEnd = try TrialEnd(trial: trial, loss: loss, runner: runner)
                }
            } catch let error as TrainingError {
                firstFailure = firstFailure ?? error
                failure = error.description
            } catch let stop as RunStopped {
                try restoreBefore()
                try writeTrialsCheckpoint(losses)
                throw stop
            }
            losses.append(loss)
            log.line(
                "Initialization trial \(trial) of \(trials.count) in phase \"\(phase.name)\": "
                    + (failure.map { "stopped (\($0))" }
                        ?? String(format: "evaluation loss %.6g after %d epochs", total, epochs)
                        + (trials.judgedOnPatterns == nil ? "" : String(format: ", judged on %.6g", loss))))
            var record: [String: Any] = [
                "kind": "initialization_trial", "phase": phase.name, "dataset": dataset.spec.name, "trial": trial,
                "epochs": epochs, "evaluation_loss": total.isFinite ? total : NSNull(), "evaluation_terms": terms,
            ]
            if trials.judgedOnPatterns != nil { record["selection_loss"] = loss.isFinite ? loss : NSNull() }
            log.record(record)
            try restoreBefore()
            if trial < trials.count { try writeTrialsCheckpoint(losses) }
        }
        guard let best = losses.indices.filter({ losses[$0].isFinite }).min(by: { losses[$0] < losses[$1] }) else {
            throw firstFailure
                ?? TrainingError(
                    "phase '\(phase.name)': no initialization trial gave a finite evaluation loss (the log names each trial's fault)"
                )
        }
        let judged = trials.judgedOnPatterns.map { " of \($0.joined(separator: ", "))" } ?? ""
        let lowest = "(the lowest evaluation loss\(judged), " + String(format: "%.6g)", losses[best])
        if trials.continuesFromChosenTrial {
            defer { chosenTrialEnd = nil }
            guard let end = chosenTrialEnd, end.trial == best + 1 else {
                throw TrainingError(
                    "phase '\(phase.name)': the end of initialization trial \(best + 1) was not kept (checkpoint written by a build without continue_from_chosen_trial?)"
                )
            }
            try end.restore(mappings, strategy)
            log.line(
                "Phase \"\(phase.name)\" continues from the end of initialization trial \(best + 1) of \(trials.count) \(lowest)"
            )
            return end
        }
        try startTrial(best + 1)
        try startCentroids(best + 1, own: centroids)
        log.line(
            "Phase \"\(phase.name)\" trains from initialization trial \(best + 1) of \(trials.count) \(lowest)")
        return nil
    }

    /// Puts trial `trial`'s start into the mappings the phase trains: the run's own initialisation for the
    /// first (the state the mappings are in), a fresh one from `trialSeed(trial)` for the others.
    func startTrial(_ trial: Int) throws {
        guard trial > 1 else { return }
        let trainedNames = Set(phase.optimizers.flatMap(\.trainedMappingNames))
        var g = RandomGenerator(seed: trialSeed(trial))
        let fresh = try MappingSet(specs: method.mappings, generator: &g)
        for m in mappings.mappings where trainedNames.contains(m.name) {
            guard let start = fresh[m.name] else { continue }
            try m.loadStateDict(Dictionary(start.stateDict().map { ($0.name, $0.tensor) }) { a, _ in a })
        }
    }

    /// The seed of trial `trial`'s fresh initialisation: from the phase's pointer and the dataset's seed,
    /// so it draws nothing from the run's streams.
    func trialSeed(_ trial: Int) -> UInt64 {
        PatternContext.seed(for: "\(phase.pointer)/initialization_trials/\(trial)", datasetSeed: dataset.seed)
    }

    /// In a phase that uses centroids, puts trial `trial`'s into the strategy: the run's own (`own`, made at the
    /// phase's start) for the first trial; for the others, the centroid initialisation run again on the trial's
    /// start (evaluation mode, as at the phase's start) with a generator from `trialSeed`'s pointer, so that it
    /// draws nothing from the run's streams and gives the same centroids whenever it is repeated.
    func startCentroids(_ trial: Int, own: Tensor?) throws {
        guard usesCentroids else { return }
        guard trial > 1 else {
            strategy.centroids = own?.clone()
            return
        }
        var g = RandomGenerator(
            seed: PatternContext.seed(
                for: "\(phase.pointer)/initialization_trials/\(trial)/centroids", datasetSeed: dataset.seed))
        progress.status("\(phase.name): initialising centroids of initialization trial \(trial)")
        mappings.train(false)
        defer { mappings.train(true) }
        let how = try strategy.initializeCentroids(
            dataset.data, pipeline: dataset.main, baseDirectory: method.baseDirectory, generator: &g)
        log.line("Initialized feature-space centroids of initialization trial \(trial) (\(how))")
    }

    /// One trial: this phase's patterns and optimizers, fresh, for `epochs` epochs (scaled as the phase's
    /// budget) with a silent log, then the evaluation loss. Its steps count for `--stop-after` and stop on
    /// signals; the run's checkpoints are written between trials, not inside one.
    func trainTrial(_ trial: Int, of trials: PhaseSpec.InitializationTrials) throws -> (EvaluationLoss, PhaseRunner) {
        var quiet = configuration
        quiet.quiet = true
        let runner = PhaseRunner(
            method: method, phase: phase.trialVariant(epochs: trials.epochs), dataset: dataset, mappings: mappings,
            strategy: strategy, configuration: quiet,
            log: try RunLog(timestamps: false, quiet: true, logPath: nil, metricsPath: nil),
            runDirectory: runDirectory, generator: generator)
        runner.checkpointPolicy = checkpointPolicy
        runner.stopLocation = { [phase] iteration in
            "at iteration \(iteration) of initialization trial \(trial) of \(trials.count) in phase '\(phase.name)'"
        }
        try runner.buildOptimizers()
        try runner.buildPatterns()
        try runner.train(resume: nil)
        let scaled = configuration.scaled(trials.epochs)
        let iterations = scaled * (dataset.data.count / Swift.max(1, dataset.spec.batchSize))
        return (try runner.meanEvaluationLoss(epoch: scaled, phaseIteration: iterations), runner)
    }

    /// A checkpoint at the phase's start (the mappings as they entered it) that keeps the finished trials.
    func writeTrialsCheckpoint(_ losses: [Double]) throws {
        guard let writeCheckpoint else { return }
        finishedTrialLosses = losses
        defer { finishedTrialLosses = nil }
        let sampler = BatchSampler(
            count: dataset.data.count, batchSize: dataset.spec.batchSize, shuffle: dataset.spec.shuffle,
            seed: dataset.seed
        ).checkpointState
        try writeCheckpoint(
            LoopPosition(
                epoch: 1, batchIndex: 0, phaseIteration: 1, evaluationCounter: 0, sinceRecalculation: 0,
                samplerEpochs: sampler.epoch, samplerGenerator: sampler.generator))
    }

    /// The finished trials' losses when `archive` was written while this phase ran its trials.
    func finishedTrials(in archive: CheckpointArchive) throws -> [Double]? {
        let values = try archive.object("phase")
        guard let words = values["initialization_trials_finished"] as? [String] else { return nil }
        let losses = words.compactMap(UInt64.init).map(Double.init(bitPattern:))
        guard losses.count == words.count, let trials = phase.initializationTrials, losses.count < trials.count
        else { throw archive.missing("phase/initialization_trials_finished") }
        return losses
    }

    /// Continues a phase stopped during its initialization trials (the mappings, the strategy and the
    /// method-level state are restored already: they are the phase's start).
    func resumeInitializationTrials(_ finished: [Double], from archive: CheckpointArchive) throws -> TrialEnd? {
        let values = try archive.object("phase")
        guard (values["name"] as? String) == phase.name, let trials = phase.initializationTrials else {
            throw TrainingError(
                "checkpoint \(archive.source) belongs to phase '\(values["name"] ?? "?")', not '\(phase.name)'")
        }
        generator = try archive.generator("generator", in: values)
        log.line(
            "Resumed phase \"\(phase.name)\" (#\(MethodRunner.order(phase.order))) at initialization trial \(finished.count + 1) of \(trials.count)"
        )
        chosenTrialEnd = try TrialEnd.read(from: archive, values: values)
        return try selectInitialization(trials, finished: finished)
    }
}

import Foundation
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

extension PhaseRunner {
    /// `initialization_trials`: trains the phase briefly from several initialisations of the mappings
    /// its optimizers train and leaves the mappings at the start whose evaluation loss was lowest, with
    /// everything else (other mappings, buffers, random streams, the strategy's history) as it was.
    func selectInitialization(_ trials: PhaseSpec.InitializationTrials) throws {
        let trainedNames = Set(phase.optimizers.flatMap(\.trainedMappingNames))
        let trained = mappings.mappings.filter { trainedNames.contains($0.name) }
        let before = MappingsSnapshot(mappings.mappings)
        let history = strategy.classifierHistory
        let centroids = strategy.centroids?.detached().clone()
        let epochs = configuration.scaled(trials.epochs)
        var starts: [MappingsSnapshot] = [], losses: [Double] = [], firstFailure: Error?
        for trial in 1...trials.count {
            try before.restore(mappings.mappings)
            if trial > 1 {
                var g = RandomGenerator(seed: trialSeed(trial))
                let fresh = try MappingSet(specs: method.mappings, generator: &g)
                for m in trained {
                    guard let start = fresh[m.name] else { continue }
                    try m.loadStateDict(Dictionary(start.stateDict().map { ($0.name, $0.tensor) }) { a, _ in a })
                }
            }
            starts.append(MappingsSnapshot(trained))
            progress.status("\(phase.name): initialization trial \(trial) of \(trials.count)")
            var loss = Double.nan, failure: String?
            do {
                loss = try trainTrial(epochs: trials.epochs)
            } catch let error as TrainingError {
                firstFailure = firstFailure ?? error
                failure = error.description
            }
            losses.append(loss)
            log.line(
                "Initialization trial \(trial) of \(trials.count) in phase \"\(phase.name)\": "
                    + (failure.map { "stopped (\($0))" }
                        ?? String(format: "evaluation loss %.6g after %d epochs", loss, epochs)))
            log.record([
                "kind": "initialization_trial", "phase": phase.name, "dataset": dataset.spec.name, "trial": trial,
                "epochs": epochs, "evaluation_loss": loss.isFinite ? loss : NSNull(),
            ])
        }
        try before.restore(mappings.mappings)
        strategy.classifierHistory = history
        strategy.centroids = centroids
        guard let best = losses.indices.filter({ losses[$0].isFinite }).min(by: { losses[$0] < losses[$1] }) else {
            throw firstFailure
                ?? TrainingError("phase '\(phase.name)': no initialization trial gave a finite evaluation loss")
        }
        try starts[best].restore(trained)
        log.line(
            String(
                format: "Phase \"%@\" trains from initialization trial %d of %d (the lowest evaluation loss, %.6g)",
                phase.name, best + 1, trials.count, losses[best]))
    }

    /// The seed of trial `trial`'s fresh initialisation: from the phase's pointer and the dataset's seed,
    /// so it draws nothing from the run's streams.
    func trialSeed(_ trial: Int) -> UInt64 {
        PatternContext.seed(for: "\(phase.pointer)/initialization_trials/\(trial)", datasetSeed: dataset.seed)
    }

    /// One trial: this phase's patterns and optimizers, fresh, for `epochs` epochs (scaled as the phase's
    /// budget) with a silent log, then the evaluation loss.
    func trainTrial(epochs: Int) throws -> Double {
        var quiet = configuration
        quiet.quiet = true
        let runner = PhaseRunner(
            method: method, phase: phase.trialVariant(epochs: epochs), dataset: dataset, mappings: mappings,
            strategy: strategy, configuration: quiet,
            log: try RunLog(timestamps: false, quiet: true, logPath: nil, metricsPath: nil),
            runDirectory: runDirectory, generator: generator)
        try runner.buildOptimizers()
        try runner.buildPatterns()
        try runner.train(resume: nil)
        let scaled = configuration.scaled(epochs)
        let iterations = scaled * (dataset.data.count / Swift.max(1, dataset.spec.batchSize))
        return try runner.meanEvaluationLoss(epoch: scaled, phaseIteration: iterations)
    }
}

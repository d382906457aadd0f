import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// One phase of a method on one dataset: builds optimizers and patterns, runs
/// iterations until an exit criterion fires, evaluates and saves as configured.
final class PhaseRunner {
    let method: MethodSpec
    let phase: PhaseSpec
    let dataset: DatasetContext
    let mappings: MappingSet
    let strategy: ClusterAssignment
    let configuration: RunConfiguration
    let log: RunLog
    let runDirectory: String
    var generator: RandomGenerator

    // Per-phase state (reset at phase entry).
    lazy var evaluation = PhaseEvaluation(
        method: method, phase: phase, dataset: dataset, mappings: mappings, strategy: strategy, log: log,
        progress: progress)
    /// The phase's evaluations so far.
    var evaluations: [EvaluationRecord] { evaluation.records }
    /// Scheduled centroid recalculation, when the phase has one.
    lazy var centroidRecalculation = usesCentroids ? CentroidRecalculation(method.strategy) : nil
    var optimizers: [(spec: OptimizerSpec, optimizer: Optimizer)] = []
    var groupOrder: [String] = []
    var schedulers: [(SchedulerSpec, LearningRateScheduler)] = []
    var patterns: [DesignPattern] = []
    /// Measures the objective-function mismatch when the phase asks for it.
    var mismatchMeter: MismatchMeter?
    /// The state of the evaluation with the lowest evaluation loss so far (`restore_lowest_loss_state`).
    var lowestLossState: LowestLossState?
    /// The running means of the losses written to the log and as `loss` and `loss_curve` records.
    lazy var lossReport = LossReport(phase: phase, dataset: dataset, log: log, configuration: configuration)
    /// Each loss term's value at the last step where it was finite (for fault messages).
    var lastFiniteLosses: [String: (value: Double, iteration: Int)] = [:]
    /// Parameter names (`mapping.layer.weight`, `centroids`) for fault messages.
    lazy var parameterNames: [ObjectIdentifier: String] = {
        var names: [ObjectIdentifier: String] = [:]
        for mapping in mappings.mappings {
            for (name, t) in mapping.namedParameters() where names[ObjectIdentifier(t)] == nil {
                names[ObjectIdentifier(t)] = "\(mapping.name).\(name)"
            }
        }
        if let c = strategy.centroids { names[ObjectIdentifier(c)] = "centroids" }
        return names
    }()
    lazy var progress = ProgressLine(quiet: configuration.quiet)
    /// Writes a checkpoint of the whole run at a loop position (set by the method runner).
    var writeCheckpoint: ((LoopPosition) throws -> Void)?
    /// When to write checkpoints and when to stop early.
    var checkpointPolicy: CheckpointPolicy?
    /// Where a stop happened, for its message (default: the iteration of this phase).
    var stopLocation: ((Int) -> String)?
    /// The evaluation losses of the initialization trials finished so far, while the phase runs them
    /// (a checkpoint written then keeps them, and the resumed run goes on with the next trial).
    var finishedTrialLosses: [Double]?
    /// With `continue_from_chosen_trial`: the end of the trial with the lowest loss so far, while the trials run.
    var chosenTrialEnd: TrialEnd?
    /// Where a trial's training stopped by its own exit criteria at the start of an epoch.
    var endPosition: LoopPosition?
    /// Records a parameter or centroid file the phase loaded: the path as the method file gives it and where it
    /// was read (set by the method runner, for `result.json`'s `loaded_files_sha256`).
    var noteLoadedFile: ((_ pathAsGiven: String, _ resolvedPath: String) throws -> Void)?

    init(
        method: MethodSpec, phase: PhaseSpec, dataset: DatasetContext, mappings: MappingSet,
        strategy: ClusterAssignment,
        configuration: RunConfiguration, log: RunLog, runDirectory: String, generator: RandomGenerator
    ) {
        self.method = method; self.phase = phase; self.dataset = dataset; self.mappings = mappings;
        self.strategy = strategy
        self.configuration = configuration; self.log = log; self.runDirectory = runDirectory; self.generator = generator
    }

    var usesCentroids: Bool { method.strategy.useCentroidsDuringPhases.contains(phase.name) }

    /// Runs the phase from its start, or from a checkpoint's loop position when `archive` is given
    /// (parameters, centroids and the method-level state are then already restored).
    func run(resumingFrom archive: CheckpointArchive? = nil) throws {
        if let archive, let finished = try finishedTrials(in: archive) {
            try trainAfterTrials(try resumeInitializationTrials(finished, from: archive))
            return
        }
        if let archive {
            try buildOptimizers()
            try buildPatterns()
            let position = try restore(from: archive)
            log.line(
                "Resumed phase \"\(phase.name)\" (#\(MethodRunner.order(phase.order))) at iteration \(position.phaseIteration)"
            )
            try train(resume: position)
            return
        }
        log.line("Entered phase \"\(phase.name)\" (#\(MethodRunner.order(phase.order)))")
        try loadParameters()
        if usesCentroids && strategy.centroids == nil {
            progress.status("\(phase.name): initialising centroids on \(dataset.data.count) samples")
            mappings.train(false)
            let how = try strategy.initializeCentroids(
                dataset.data, pipeline: dataset.main, baseDirectory: method.baseDirectory, generator: &generator)
            mappings.train(true)
            if let file = strategy.loadedCentroidFile { try noteLoadedFile?(file.pathAsGiven, file.resolvedPath) }
            log.line("Initialized feature-space centroids (\(how))")
        }
        let continuation = try phase.initializationTrials.flatMap { try selectInitialization($0) }
        try trainAfterTrials(continuation)
    }

    /// Builds the phase and trains it from its start, or, after trials that continue the chosen one, from
    /// where that trial stopped (`continuation`, its end).
    func trainAfterTrials(_ continuation: TrialEnd?) throws {
        try buildOptimizers()
        try buildPatterns()
        guard let continuation else { return try train(resume: nil) }
        var position = try restore(from: continuation.archive)
        // The trial counted no evaluations; the phase's are due at the same iterations as without trials.
        position.evaluationCounter = position.phaseIteration - 1
        position.startOfEpochChecked = false
        try train(resume: position)
    }

    // MARK: Setup

    func loadParameters() throws {
        for load in phase.loadParameters {
            let path =
                load.path.hasPrefix("/")
                ? load.path : (method.baseDirectory as NSString).appendingPathComponent(load.path)
            guard let mapping = mappings[load.mappingName] else { continue }
            do { try mapping.loadStateDict(try Safetensors.read(path).tensors) } catch {
                throw TrainingError(
                    "phase '\(phase.name)': cannot load parameters of '\(load.mappingName)' from \(path): \(error)")
            }
            try noteLoadedFile?(load.path, path)
            log.line("Loaded parameters of mapping \"\(load.mappingName)\" from \(path)")
        }
    }

    func buildOptimizers() throws {
        for spec in phase.optimizers {
            var parameters: [Tensor] = []
            var seen = Set<ObjectIdentifier>()
            for name in spec.trainedMappingNames {
                guard let mapping = mappings[name] else {
                    throw TrainingError("\(spec.pointer): unknown mapping '\(name)'")
                }
                for p in mapping.parameters where seen.insert(ObjectIdentifier(p)).inserted { parameters.append(p) }
            }
            if spec.optimizesCentroids {
                guard let c = strategy.centroids else {
                    throw TrainingError(
                        "\(spec.pointer): optimizes_centroids, but phase '\(phase.name)' has no centroids (list it in use_centroids_during_phases)"
                    )
                }
                if !c.requiresGrad { c.requiringGrad() }
                parameters.append(c)
            }
            optimizers.append((spec, try OptimizerFactory.make(spec, parameters: parameters)))
            if !groupOrder.contains(spec.groupName) { groupOrder.append(spec.groupName) }
        }
        for s in phase.schedulers {
            for (spec, optimizer) in optimizers where spec.name == s.optimizerName {
                schedulers.append(
                    (s, LearningRateScheduler(optimizer: optimizer, schedule: try OptimizerFactory.schedule(s))))
            }
        }
    }

    /// Passes over the whole dataset in evaluation mode.
    var sweep: DatasetSweep { DatasetSweep(dataset: dataset, mappings: mappings, strategy: strategy) }

    func buildPatterns() throws {
        mismatchMeter = try makeMismatchMeter()
        let context = PatternContext(
            mappings: mappings, strategy: strategy, sweep: sweep, log: log, scaled: configuration.scaled,
            generator: generator, datasetSeed: dataset.seed)
        for spec in phase.patterns where spec.enabled {
            patterns.append(try PatternCatalogue.make(spec, context: context))
        }
        // Patterns split their random streams from the phase's generator, which goes on from there.
        generator = context.generator
    }

    // MARK: Training loop

    func train(resume: LoopPosition?) throws {
        synchronizeReplicas()
        let criteria = phase.exitCriteria
        let iterations = criteria.iterations.map(configuration.scaled)
        let epochs = criteria.epochs.map(configuration.scaled)
        var sampler = BatchSampler(
            count: dataset.data.count, batchSize: dataset.spec.batchSize, shuffle: dataset.spec.shuffle,
            seed: dataset.seed)
        let viewNames = Array(Set(patterns.flatMap(\.augmentationNames))).sorted()
        for name in viewNames where dataset.augmentations[name] == nil {
            throw TrainingError(
                "phase '\(phase.name)': batch augmentation '\(name)' is not defined by dataset '\(dataset.spec.name)'")
        }
        if resume.map({ !$0.startOfEpochChecked }) ?? true {
            log.line(
                "Batch augmentations computed per iteration: \(viewNames.isEmpty ? "none" : viewNames.map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        var phaseIteration = resume?.phaseIteration ?? 1, evaluationCounter = resume?.evaluationCounter ?? 0
        var sinceRecalculation = resume?.sinceRecalculation ?? 0
        if let resume { sampler.restore(epoch: resume.samplerEpochs, generator: resume.samplerGenerator) }
        var exitReason: String? = nil
        mappings.train(true)
        progress.begin(phase: phase.name, total: iterations ?? epochs.map { $0 * sampler.batchesPerEpoch })
        defer { progress.end() }
        epochLoop: for epoch in (resume?.epoch ?? 1)... {
            // A resumed epoch already passed its start-of-epoch check before the checkpoint.
            let resumedEpoch = resume.map { $0.epoch == epoch } ?? false
            if let reason = exitReason
                ?? (resumedEpoch && resume!.startOfEpochChecked
                    ? nil
                    : exitCheck(epoch: epoch, phaseIteration: phaseIteration, epochs: epochs, iterations: iterations))
            {
                if exitReason == nil {
                    let sampled = sampler.checkpointState
                    endPosition = LoopPosition(
                        epoch: epoch, batchIndex: 0, phaseIteration: phaseIteration,
                        evaluationCounter: evaluationCounter, sinceRecalculation: sinceRecalculation,
                        samplerEpochs: sampled.epoch, samplerGenerator: sampled.generator)
                }
                exitReason = reason
                break epochLoop
            }
            let samplerBefore = sampler.checkpointState
            let batches = sampler.nextEpoch()
            for (batchIndex, indices) in batches.enumerated() {
                if resumedEpoch, batchIndex < resume!.batchIndex { continue }
                if let iterations, phaseIteration > iterations { break }
                strategy.phaseIteration = phaseIteration
                if let recalculation = centroidRecalculation {
                    sinceRecalculation += 1
                    if recalculation.isDue(sinceRecalculation) {
                        try recalculateCentroids(recalculation, phaseIteration: phaseIteration)
                    }
                }
                if let threshold = criteria.targetChangeLessThan,
                    let reason = try targetsConverged(threshold, epoch: epoch, phaseIteration: phaseIteration)
                {
                    exitReason = reason
                    break
                }
                try iterate(
                    indices: indices, views: viewNames, epoch: epoch, batchIndex: batchIndex,
                    phaseIteration: phaseIteration)
                if let interval = phase.performanceEvaluationInterval {
                    evaluationCounter += 1
                    let due =
                        phase.performanceEvaluationInEpochs
                        ? batchIndex == batches.count - 1 && epoch % interval == 0
                        : evaluationCounter % interval == 0
                    if due {
                        try evaluate(epoch: epoch, epochIteration: batchIndex + 1, phaseIteration: phaseIteration)
                        if let reason = exitCheck(
                            epoch: epoch, phaseIteration: phaseIteration, epochs: nil, iterations: nil)
                        {
                            exitReason = reason
                            break
                        }
                    }
                }
                try periodicSave(phaseIteration: phaseIteration, force: false)
                phaseIteration += 1
                try checkpointIfDue(
                    LoopPosition(
                        epoch: epoch, batchIndex: batchIndex + 1, phaseIteration: phaseIteration,
                        evaluationCounter: evaluationCounter, sinceRecalculation: sinceRecalculation,
                        samplerEpochs: samplerBefore.epoch, samplerGenerator: samplerBefore.generator))
            }
            for (s, scheduler) in schedulers where s.intervalUnit == "epoch" { scheduler.step() }
        }
        if let restored = try restoreLowestLossState() {
            // The phase's last evaluation is of the state it ends in, so that the run's final scores are
            // those of its weights and predictions, not of the state just discarded.
            try evaluation.evaluate(
                epoch: evaluations.last?.epoch ?? restored.epoch, epochIteration: 0, phaseIteration: phaseIteration - 1,
                restoredFrom: (restored.epoch, restored.phaseIteration))
        }
        if method.strategy.kind == .classicalClusteringAfterPhase,
            method.strategy.classicalClusteringAfterPhase == phase.name
        {
            try evaluate(epoch: 0, epochIteration: 0, phaseIteration: phaseIteration)
        }
        try periodicSave(phaseIteration: phaseIteration, force: true)
        log.line("Exiting phase \"\(phase.name)\": \(exitReason ?? "finished")")
        if let last = evaluations.last, last.acc != nil {
            log.line(
                String(
                    format: "Final performance on dataset \"%@\": ACC %.3f, NMI %.3f, ARI %.3f", dataset.spec.name,
                    last.acc!, last.nmi!, last.ari!))
        }
    }

    /// The exit criteria in the reference's order; the NMI threshold works (B6 in Docs/reference-differences.md).
    func exitCheck(epoch: Int, phaseIteration: Int, epochs: Int?, iterations: Int?) -> String? {
        let c = phase.exitCriteria
        let (lastACC, lastNMI, lastARI, lastRatio) = (
            evaluation.lastACC, evaluation.lastNMI, evaluation.lastARI, evaluation.lastRatio
        )
        if let epochs, epoch > epochs { return "max epochs reached" }
        if let iterations, phaseIteration > iterations { return "max iterations reached" }
        if let v = c.accGreaterThan, lastACC > v { return "max ACC performance threshold passed" }
        if let v = c.nmiGreaterThan, lastNMI > v { return "max NMI performance threshold passed" }
        if let v = c.ariGreaterThan, lastARI > v { return "max ARI performance threshold passed" }
        if let v = c.reassignmentRatioLessThan, lastRatio < v {
            return "min cluster reassignment ratio threshold passed"
        }
        if let t = c.accLessThanAfterIterations, configuration.scaled(t.iterations) <= phaseIteration, t.value > lastACC
        {
            return "min ACC performance threshold after specified number of iterations in phase passed"
        }
        if let t = c.nmiLessThanAfterIterations, configuration.scaled(t.iterations) <= phaseIteration, t.value > lastNMI
        {
            return "min NMI performance threshold after specified number of iterations in phase passed"
        }
        if let t = c.ariLessThanAfterIterations, configuration.scaled(t.iterations) <= phaseIteration, t.value > lastARI
        {
            return "min ARI performance threshold after specified number of iterations in phase passed"
        }
        return nil
    }

    /// `target_distribution_change_mse_lt`: recomputes the targets due at this step first, and ends the
    /// phase when one was just recomputed and every recomputing pattern's latest change is below `threshold`.
    func targetsConverged(_ threshold: Double, epoch: Int, phaseIteration: Int) throws -> String? {
        let recomputing = patterns.compactMap { $0 as? TargetRecomputing }.filter(\.recomputesTargets)
        for pattern in recomputing { try pattern.refreshTarget(epoch: epoch, phaseIteration: phaseIteration) }
        let changes = recomputing.map(\.lastTargetChange)
        guard !changes.isEmpty, changes.contains(where: { $0?.phaseIteration == phaseIteration }) else { return nil }
        let differences = changes.map { $0?.meanSquaredDifference ?? .infinity }
        // A NaN difference never counts as converged.
        guard differences.allSatisfy({ $0 < threshold }), let largest = differences.max() else { return nil }
        return String(
            format: "target distribution converged (mean squared change %.3g < %.3g before iteration %d)", largest,
            threshold, phaseIteration)
    }

    func recalculateCentroids(_ recalculation: CentroidRecalculation, phaseIteration: Int) throws {
        let trainable = strategy.centroids?.requiresGrad ?? false
        mappings.train(false)
        if recalculation.way == .classicalClustering {
            progress.status("\(phase.name): recalculating centroids by k-means")
        }
        if let summary = try recalculation.recalculate(
            strategy, dataset: dataset, sweep: sweep, generator: &generator)
        {
            log.line("Recalculated feature-space centroids at iteration \(phaseIteration) (\(summary))")
        }
        mappings.train(true)
        if trainable { try rebindCentroidOptimizers() }
    }

    func rebindCentroidOptimizers() throws {
        guard let c = strategy.centroids else { return }
        c.requiringGrad()
        for i in optimizers.indices where optimizers[i].spec.optimizesCentroids {
            var parameters = optimizers[i].optimizer.parameters
            parameters.removeLast()
            parameters.append(c)
            optimizers[i].optimizer = try OptimizerFactory.make(optimizers[i].spec, parameters: parameters)
        }
    }

    /// Optimizers active at this iteration.
    func activeOptimizers(_ phaseIteration: Int) -> [(spec: OptimizerSpec, optimizer: Optimizer)] {
        let cycle = phase.optimizerCycle
        let length = cycle.reduce(0) { $0 + $1.iterations }
        guard length > 0 else { return optimizers }
        var c = (phaseIteration - 1) % length
        for step in cycle {
            if c < step.iterations {
                return optimizers.filter { $0.spec.name.map(step.activeOptimizerNames.contains) ?? false }
            }
            c -= step.iterations
        }
        return optimizers
    }

    /// Every enabled pattern's losses on one batch, in pattern order; the patterns share the batch's
    /// forward passes (`cache`, by default the training step's `makeForwardCache()`).
    func lossesOfEveryPattern(on input: StepInput, cache: ForwardCache? = nil) throws -> [(
        pattern: DesignPattern, loss: PatternLoss
    )] {
        ForwardCache.active = cache ?? makeForwardCache()
        defer { ForwardCache.active = nil }
        var losses: [(pattern: DesignPattern, loss: PatternLoss)] = []
        for pattern in patterns {
            for loss in try pattern.losses(input) { losses.append((pattern, loss)) }
        }
        return losses
    }

    func iterate(indices: [Int], views: [String], epoch: Int, batchIndex: Int, phaseIteration: Int) throws {
        let data = dataset.data
        let batch = dataset.main.batch(data, indices, seed: dataset.seed, epoch: epoch, batchIndex: batchIndex)
        let input = StepInput(
            batch: batch, views: dataset.views(views, indices: indices, epoch: epoch, batchIndex: batchIndex),
            indices: indices, phaseIteration: phaseIteration, epoch: epoch)
        var totals: [String: Tensor] = [:]
        var shown: [(String, Double)] = []
        var shownPatterns: [String] = []
        var terms: [MismatchMeter.Term] = []
        for (pattern, loss) in try lossesOfEveryPattern(on: input) {
            let value = loss.value.item
            let key = "\(pattern.spec.pointer)/\(loss.name)"
            guard value.isFinite else {
                let last =
                    lastFiniteLosses[key].map {
                        String(format: "; its last finite value was %.6g at iteration %d", $0.value, $0.iteration)
                    } ?? "; it was never finite in this phase"
                throw TrainingError(
                    "method '\(method.name)', phase '\(phase.name)', iteration \(phaseIteration): the \(loss.name) of design pattern '\(pattern.spec.id)' (\(pattern.spec.pointer)) became \(value.isNaN ? "NaN" : value > 0 ? "+Inf" : "-Inf")\(last); training stopped"
                )
            }
            lastFiniteLosses[key] = (value, phaseIteration)
            totals[loss.group] = totals[loss.group].map { $0 + loss.value } ?? loss.value
            shown.append((loss.name, value))
            shownPatterns.append(PatternKind.shortLabel(of: pattern.spec.id))
            terms.append(.init(pattern: pattern.spec.id, name: loss.name, value: loss.value))
            lossReport.add(
                pattern: pattern, loss: loss, value: value, epoch: epoch, epochIteration: batchIndex + 1,
                phaseIteration: phaseIteration, learningRates: { self.learningRates })
        }
        measureMismatch(terms, epoch: epoch, phaseIteration: phaseIteration)
        // Every group's gradients are computed before any group steps (B35 in Docs/reference-differences.md).
        let active = activeOptimizers(phaseIteration)
        let groups = groupOrder.filter { g in active.contains { $0.spec.groupName == g } }
        var steps: [(optimizer: Optimizer, gradients: Gradients)] = []
        for (index, group) in groups.enumerated() {
            guard let total = totals[group], total.requiresGrad else { continue }
            let members = active.filter { $0.spec.groupName == group }.map(\.optimizer)
            let gradients = total.gradients(
                withRespectTo: members.flatMap(\.parameters), retainGraph: index < groups.count - 1)
            for p in members.flatMap(\.parameters) {
                guard let g = gradients[p], !g.allFinite else { continue }
                let losses = shown.map { String(format: "%@ %.6g", $0.0, $0.1) }.joined(separator: ", ")
                throw TrainingError(
                    "method '\(method.name)', phase '\(phase.name)', iteration \(phaseIteration): the gradient of '\(parameterNames[ObjectIdentifier(p)] ?? "a parameter")' from optimizer group '\(group)' became non-finite (NaN or Inf) while every loss was finite (\(losses)); training stopped"
                )
            }
            steps += members.map { ($0, gradients) }
        }
        synchronizeGradients(&steps)
        for step in steps { step.optimizer.step(step.gradients) }
        // Parameters no active optimizer owns (e.g. a critic outside its cycle) would otherwise keep
        // accumulating gradients from other groups' backward passes.
        for o in active { o.optimizer.zeroGrad() }
        for mapping in mappings.mappings { mapping.zeroGrad() }
        for (s, scheduler) in schedulers where s.intervalUnit == "iteration" { scheduler.step() }
        progress.update(iteration: phaseIteration, losses: shown, patterns: shownPatterns)
    }

    /// The current learning rate of each optimizer, by name (or position when unnamed).
    var learningRates: [String: Double] {
        Dictionary(
            optimizers.enumerated().map {
                ($0.element.spec.name ?? "optimizer_\($0.offset)", $0.element.optimizer.learningRate)
            }
        ) { a, _ in a }
    }

    // MARK: Evaluation and saving

    func evaluate(epoch: Int, epochIteration: Int, phaseIteration: Int) throws {
        try evaluation.evaluate(epoch: epoch, epochIteration: epochIteration, phaseIteration: phaseIteration)
        try measureMismatchAtEvaluation(epoch: epoch, phaseIteration: phaseIteration)
        try keepStateIfLowestLoss(epoch: epoch, phaseIteration: phaseIteration)
    }

    func savePath(_ target: String, name: String, phaseIteration: Int, keep: Bool) -> String {
        let base = (runDirectory as NSString).appendingPathComponent(target)
        guard target.hasSuffix("/") || !target.hasSuffix(".safetensors") else { return base }
        let file = "\(method.name)_\(name)" + (keep ? "_\(phase.name)_iter\(phaseIteration)" : "") + ".safetensors"
        return (base as NSString).appendingPathComponent(file)
    }

    func periodicSave(phaseIteration: Int, force: Bool) throws {
        for save in phase.saveParameters {
            guard force || phaseIteration % save.savingInterval == 0, let name = save.mappingName,
                let mapping = mappings[name]
            else { continue }
            try Safetensors.write(
                mapping.stateDict(),
                metadata: ["method": method.name, "phase": phase.name, "iteration": String(phaseIteration)],
                to: savePath(
                    save.pathToFileOrDirectory, name: name, phaseIteration: phaseIteration,
                    keep: save.keepOldFiles && !force))
        }
        if let save = phase.saveCentroids, let c = strategy.centroids,
            force || phaseIteration % save.savingInterval == 0
        {
            try Safetensors.write(
                [("centroids", c.detached())], metadata: ["method": method.name, "phase": phase.name],
                to: savePath(
                    save.pathToFileOrDirectory, name: "centroids", phaseIteration: phaseIteration,
                    keep: save.keepOldFiles && !force))
        }
    }
}

import Foundation
import RecombineData
import RecombineMethod
import RecombineTensor

/// The whole-dataset passes of a phase, each run once by the trainer's own code, and how many of
/// each the phase's full schedule makes.
extension IsolatedPhaseStep {
    /// Counts over the phase's full schedule (no `--iterations-scale`), from its exit criteria and
    /// intervals, initialisation trials included. Performance thresholds and target convergence, which may end
    /// a phase earlier, are not counted.
    public struct Schedule {
        /// Training iterations: `iterations`, or `epochs` × batches per epoch, plus the initialisation trials'
        /// epochs; nil without a budget.
        public let iterations: Int?
        public let evaluations: Int
        public let targetRecalculations: Int
        public let centroidRecalculations: Int
    }

    public var schedule: Schedule {
        let criteria = runner.phase.exitCriteria
        let perEpoch = runner.dataset.data.count / Swift.max(1, runner.dataset.spec.batchSize)
        let budget = criteria.iterations ?? criteria.epochs.map { $0 * perEpoch }
        let n = budget ?? 0
        let epochs = criteria.epochs ?? (n + perEpoch - 1) / Swift.max(1, perEpoch)
        var evaluations =
            runner.phase.performanceEvaluationInterval.map {
                runner.phase.performanceEvaluationInEpochs ? epochs / $0 : n / $0
            }
            ?? 0
        // Initialisation trials train their epochs first and end in an evaluation-loss pass each (counted as
        // an evaluation, which computes that loss and the assignments); a phase that continues the chosen
        // trial trains only what is left of its budget after it.
        let trials = runner.phase.initializationTrials
        let iterations = budget.map { budget in
            guard let trials else { return budget }
            let trial = trials.epochs * perEpoch
            return trials.count * trial + (trials.continuesFromChosenTrial ? Swift.max(0, budget - trial) : budget)
        }
        evaluations += trials?.count ?? 0
        if runner.method.strategy.kind == .classicalClusteringAfterPhase,
            runner.method.strategy.classicalClusteringAfterPhase == runner.phase.name
        {
            evaluations += 1
        }
        var targets = 0
        for case let pattern as DivergencePattern in runner.patterns {
            let interval = pattern.options.targetDistributionRecalculationInterval
            if pattern.intervalInEpochs {
                targets += (epochs + interval - 1) / interval
            } else {
                targets += 1 + n / interval
            }
        }
        let recalculations = runner.centroidRecalculation.map { n / $0.interval } ?? 0
        return Schedule(
            iterations: iterations, evaluations: evaluations, targetRecalculations: targets,
            centroidRecalculations: recalculations)
    }

    /// Whether the phase's patterns compute any loss (an evaluation-only phase computes none).
    public var trains: Bool { !runner.patterns.isEmpty }

    /// One evaluation as the trainer makes it (assignments of every sample, metrics, records).
    public func evaluationPass() throws {
        try runner.evaluate(epoch: 1, epochIteration: 1, phaseIteration: 1)
    }

    /// The target distributions of the phase's target-divergence patterns recomputed once each (the
    /// whole-dataset pass of DEC and DEPICT, and one batch's loss); false when it has none.
    public func targetPass() throws -> Bool {
        let patterns = runner.patterns.compactMap { $0 as? DivergencePattern }
        for pattern in patterns {
            pattern.target = nil
            _ = try pattern.losses(input)
        }
        return !patterns.isEmpty
    }

    /// One centroid recalculation as the trainer makes it (k-means with the recalculation's restarts,
    /// or soft-assignment means); false when the phase recalculates none.
    public func centroidRecalculationPass() throws -> Bool {
        guard schedule.centroidRecalculations > 0, let recalculation = runner.centroidRecalculation else {
            return false
        }
        try runner.recalculateCentroids(recalculation, phaseIteration: 1)
        return true
    }

    /// What the trainer writes when a dataset is finished (`final.safetensors` with every sample's
    /// assignments, features and nearest images, `predictions.csv`, the cluster summary), into
    /// `directory`; false when the strategy cannot assign yet (no centroids), as the trainer then skips it.
    public func endOfDatasetPass(directory: String) throws -> Bool {
        guard
            let assignments = try FinalState.write(
                directory: directory, method: runner.method, dataset: runner.dataset, mappings: runner.mappings,
                strategy: runner.strategy)
        else { return false }
        try PredictionsFile.write(directory: directory, predictions: assignments.predictions, data: runner.dataset.data)
        _ = ClusterSummary(
            dataset: runner.dataset.spec.name, assignments: assignments, numClusters: runner.dataset.spec.numClusters,
            seed: runner.dataset.seed)
        return true
    }
}

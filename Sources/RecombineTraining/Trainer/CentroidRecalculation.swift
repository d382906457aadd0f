import RecombineData
import RecombineMethod
import RecombineTensor

/// The scheduled recalculation of a phase's feature-space centroids: every
/// `centroid_recalculation_interval` iterations, by k-means on every sample's features (with the
/// recalculation's own restarts, whatever initialised the centroids) or as the soft-assignment-weighted
/// means of the features, μ_k = Σ_i q_ik z_i / Σ_i q_ik over the whole dataset.
struct CentroidRecalculation {
    let way: StrategySpec.CentroidRecalculation
    let interval: Int
    let restarts: Int

    /// Nil when the strategy recalculates on no schedule (fixed centroids, gradient steps, or no interval).
    init?(_ strategy: StrategySpec) {
        guard let interval = strategy.centroidRecalculationInterval,
            strategy.centroidRecalculationStrategy == .classicalClustering
                || strategy.centroidRecalculationStrategy == .softAssignmentMeans
        else { return nil }
        way = strategy.centroidRecalculationStrategy
        self.interval = interval
        restarts = strategy.recalculationNumRestarts
    }

    /// Whether the `count`-th iteration since the phase began recalculates.
    func isDue(_ count: Int) -> Bool { count % interval == 0 }

    /// Sets `strategy`'s centroids anew (callers set evaluation mode); returns what k-means did, for the log.
    func recalculate(
        _ strategy: ClusterAssignment, dataset: DatasetContext, sweep: DatasetSweep, generator: inout RandomGenerator
    ) throws -> String? {
        switch way {
        case .classicalClustering:
            return try strategy.centroidsByKMeans(
                dataset.data, pipeline: dataset.main, restarts: restarts, generator: &generator)
        case .softAssignmentMeans:
            let q = try sweep.softAssignments()
            let z = strategy.allFeatures(dataset.data, pipeline: dataset.main)
            strategy.centroids = withoutGradients {
                q.matmul(z, transposeSelf: true) / q.sum(axis: 0).reshaped([q.shape[1], 1]).clamped(min: 1e-12)
            }
            return nil
        case .fixedCentroids, .recalculationByDesignPattern:
            return nil
        }
    }
}

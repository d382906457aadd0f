import RecombineMethod
import RecombineTensor

/// Passes over a whole dataset in dataset order, in evaluation mode and without gradients: the
/// full-dataset computations of patterns (targets, initialisations) and of the trainer (evaluations,
/// centroid recalculation), shared out over the processes of the strategy's group (`ShardedSweep`).
struct DatasetSweep {
    let dataset: DatasetContext
    let mappings: MappingSet
    let strategy: ClusterAssignment

    /// `body` applied to every sample, in chunks.
    func apply(_ body: (Tensor) throws -> Tensor) throws -> Tensor {
        mappings.train(false)
        defer { mappings.train(true) }
        return try withoutGradients {
            try ShardedSweep(group: strategy.group).sweep(
                dataset.main, dataset.data, seed: dataset.seed, rowByRow: ShardedSweep.evaluatesRowByRow(mappings),
                body)
        }
    }

    /// Soft assignments of every sample (of the named classifier, or as the strategy combines them).
    func softAssignments(classifierName: String? = nil) throws -> Tensor {
        mappings.train(false)
        defer { mappings.train(true) }
        // k-means after a phase clusters each chunk of features as a whole.
        let rowByRow =
            ShardedSweep.evaluatesRowByRow(mappings)
            && (classifierName != nil || strategy.spec.kind != .classicalClusteringAfterPhase)
        return try ShardedSweep(group: strategy.group).sweep(
            dataset.main, dataset.data, seed: dataset.seed, rowByRow: rowByRow
        ) {
            try strategy.assignments($0, logits: false, classifierName: classifierName)
        }
    }
}

import RecombineData
import RecombineMethod
import RecombineTensor

/// Whole-dataset passes (evaluations, DEC/DEPICT target distributions, the features k-means
/// initialises and recalculates centroids from, the final predictions) in data-parallel training:
/// each process computes its contiguous share of the dataset's rows (`RowPartition` over the samples,
/// each sample transformed as in the whole pass) and the shares are gathered in dataset order, so every
/// process ends with the rows one process would have computed alone. A single process, and a pass whose
/// rows depend on each other, computes every row itself, as before.
struct ShardedSweep {
    let group: DataParallelGroup

    /// `body` applied without gradients to every sample of `data` after `pipeline`, joined in dataset
    /// order (`TransformPipeline.sweep`), outside any step's forward cache; `rowByRow` says that a row of
    /// `body`'s output depends on its own input row only. Every process must call it for the same pass.
    func sweep(
        _ pipeline: TransformPipeline, _ data: Dataset, seed: UInt64, rowByRow: Bool,
        _ body: (Tensor) throws -> Tensor
    ) rethrows -> Tensor {
        try ForwardCache.suspended { try sweepShared(pipeline, data, seed: seed, rowByRow: rowByRow, body) }
    }

    private func sweepShared(
        _ pipeline: TransformPipeline, _ data: Dataset, seed: UInt64, rowByRow: Bool,
        _ body: (Tensor) throws -> Tensor
    ) rethrows -> Tensor {
        let partition = RowPartition(rows: data.count, parts: group.size)
        guard group.size > 1 else { return try pipeline.sweep(data, seed: seed, body) }
        guard rowByRow, partition.coversEveryPart else {
            DataParallelStatistics.recordSweep(sharded: false)
            return try pipeline.sweep(data, seed: seed, body)
        }
        DataParallelStatistics.recordSweep(sharded: true)
        let local = try pipeline.sweep(data, seed: seed, rows: partition.range(of: group.rank), body)
        return RowGather.concatenate(local, partition: partition, group: group)
    }

    /// Whether every mapping's output rows depend only on its own input rows in evaluation mode
    /// (BatchNorm then normalises with its running statistics, dropout is off): no layer or pre-/
    /// post-processing function works along the batch axis.
    static func evaluatesRowByRow(_ mappings: MappingSet) -> Bool {
        mappings.mappings.allSatisfy(keepsRowsApart)
    }

    /// Whether none of a mapping's layers and functions works along axis 0 (a `dim` or `start_dim` of 0,
    /// or a negative one that may reach the batch axis of a matrix): softmax or normalisation over the
    /// batch, a flatten that merges it.
    static func keepsRowsApart(_ mapping: Mapping) -> Bool {
        let arguments =
            mapping.spec.layers.map(\.arguments) + mapping.spec.preProcessing.map(\.arguments)
            + mapping.spec.postProcessing.map(\.arguments)
        return arguments.allSatisfy { object in
            ["dim", "start_dim"].allSatisfy { key in object[key]?.integer.map { $0 >= 1 || $0 == -1 } ?? true }
        }
    }
}

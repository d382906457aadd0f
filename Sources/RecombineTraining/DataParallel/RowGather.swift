import RecombineTensor

/// The differentiable all-gather of data-parallel training (SimCLR's GatherLayer): every process's rows
/// concatenated in rank order, on every process.
///
/// Every process then computes the same global-batch loss from the gathered tensor and runs backward
/// on it. The gradient it holds for the gathered tensor is only its own part of the total (the paths
/// through other processes' rows end on those processes), so the backward sums it over the processes
/// and keeps this process's rows. Parameter gradients, summed over the processes and divided by their
/// number (`PhaseRunner.synchronizeGradients`), are then those of the single-process step.
enum RowGather {
    /// `local` (this process's rows of a batch partitioned by `partition`) gathered into the whole batch.
    static func gather(_ local: Tensor, partition: RowPartition, group: DataParallelGroup) -> Tensor {
        let rowShape = Array(local.shape.dropFirst())
        let rowBytes = rowShape.reduce(1, *) * local.dtype.byteSize
        let output = concatenate(local, partition: partition, group: group)
        let own = partition.range(of: group.rank)
        return Tensor.differentiable(output, name: "data_parallel_gather", inputs: [local]) { g, _ in
            let total = Tensor(uninitialized: g.shape, dtype: g.dtype)
            let bytes = g.count * g.dtype.byteSize
            total.storage.raw.copyMemory(from: g.storage.raw, byteCount: bytes)
            switch g.dtype {
            case .float32: group.allreduceSum(UnsafeMutableBufferPointer(start: total.floats, count: total.count))
            case .float64: group.allreduceSum(UnsafeMutableBufferPointer(start: total.doubles, count: total.count))
            }
            let mine = Tensor(uninitialized: [own.count] + rowShape, dtype: g.dtype)
            mine.storage.raw.copyMemory(
                from: total.storage.raw + own.lowerBound * rowBytes, byteCount: own.count * rowBytes)
            return [mine]
        }
    }

    /// The same concatenation without a backward (for passes without gradients): every process's rows
    /// in rank order, on every process. Every process's rows have `local`'s row shape and dtype.
    static func concatenate(_ local: Tensor, partition: RowPartition, group: DataParallelGroup) -> Tensor {
        let rowShape = Array(local.shape.dropFirst())
        let rowBytes = rowShape.reduce(1, *) * local.dtype.byteSize
        let output = Tensor(uninitialized: [partition.rows] + rowShape, dtype: local.dtype)
        group.allgather(
            UnsafeRawBufferPointer(start: local.storage.raw, count: local.count * local.dtype.byteSize),
            counts: partition.counts.map { $0 * rowBytes },
            into: UnsafeMutableRawBufferPointer(start: output.storage.raw, count: output.count * output.dtype.byteSize))
        return output
    }
}

import RecombineMethod
import RecombineTensor

extension PhaseRunner {
    /// The forward cache of one training step. In data-parallel training it spreads each mapping's rows
    /// over the processes (`RowPartition`) and gathers the outputs (`RowGather`), so everything after a
    /// mapping — losses over the whole batch, soft assignments, kernels — sees the global batch, as a
    /// single process would. While a mapping computes its share, BatchNorm takes the whole batch's
    /// statistics and dropout the whole batch's mask (`BatchRowShare`).
    func makeForwardCache() -> ForwardCache {
        let cache = ForwardCache()
        let group = configuration.dataParallel
        guard group.size > 1 else { return cache }
        cache.distributedForward = { mapping, input, body in
            let partition = RowPartition(rows: input.shape.first ?? 0, parts: group.size)
            guard input.rank >= 1, partition.coversEveryPart, Self.computesRowByRow(mapping) else {
                DataParallelStatistics.recordForward(shared: false)
                return nil
            }
            let own = partition.range(of: group.rank)
            let outer = BatchRowShare.current
            BatchRowShare.current = BatchRowShare(rows: partition.rows, own: own) { group.allreduceSum($0) }
            let local = body(input[rows: own])
            BatchRowShare.current = outer
            guard local.rank >= 1, local.shape[0] == own.count else {
                DataParallelStatistics.recordForward(shared: false)
                return body(input)
            }
            DataParallelStatistics.recordForward(shared: true)
            return RowGather.gather(local, partition: partition, group: group)
        }
        return cache
    }

    /// Whether a mapping's output rows can be computed apart, so that processes can compute shares of
    /// a batch: no layer or pre-/post-processing function works along the batch axis. (BatchNorm and
    /// dropout qualify through `BatchRowShare`.) Other mappings run on the whole batch on every
    /// process, which gives the same gradients at the cost of repeated work.
    static func computesRowByRow(_ mapping: Mapping) -> Bool { ShardedSweep.keepsRowsApart(mapping) }
}

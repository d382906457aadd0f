import RecombineMethod
import RecombineTensor

extension PhaseRunner {
    /// The forward cache of one training step, keeping the layer outputs every pattern reads. In
    /// data-parallel training it spreads each mapping's rows over the processes (`rowSharingForward`),
    /// so everything after a mapping — losses over the whole batch, soft assignments, kernels — sees the
    /// global batch, as a single process would.
    func makeForwardCache() -> ForwardCache {
        let cache = ForwardCache()
        for pattern in patterns {
            for (mapping, layers) in pattern.capturedLayers { cache.capture(layers, of: mapping) }
        }
        let group = configuration.dataParallel
        guard group.size > 1 else { return cache }
        cache.distributedForward = Self.rowSharingForward(group)
        return cache
    }

    /// A mapping's own computation on this process's rows (`RowPartition`) with each of its outputs —
    /// the mapping's output and any captured layer outputs — gathered (`RowGather`). While a mapping
    /// computes its share, BatchNorm takes the whole batch's statistics and dropout the whole batch's
    /// mask (`BatchRowShare`). Mappings that work along the batch axis, batches with fewer rows than
    /// processes and outputs without one row per input row are computed whole (nil). Every pass is
    /// counted in `DataParallelStatistics`.
    static func rowSharingForward(_ group: DataParallelGroup) -> ForwardCache.DistributedForward {
        { mapping, input, body in
            let partition = RowPartition(rows: input.shape.first ?? 0, parts: group.size)
            guard input.rank >= 1, partition.coversEveryPart, computesRowByRow(mapping) else {
                DataParallelStatistics.recordForward(shared: false)
                return nil
            }
            let own = partition.range(of: group.rank)
            let outer = BatchRowShare.current
            BatchRowShare.current = BatchRowShare(rows: partition.rows, own: own) { group.allreduceSum($0) }
            let local = body(input[rows: own])
            BatchRowShare.current = outer
            guard local.allSatisfy({ $0.rank >= 1 && $0.shape[0] == own.count }) else {
                DataParallelStatistics.recordForward(shared: false)
                return body(input)
            }
            DataParallelStatistics.recordForward(shared: true)
            return local.map { RowGather.gather($0, partition: partition, group: group) }
        }
    }

    /// Whether a mapping's output rows can be computed apart, so that processes can compute shares of
    /// a batch: no layer or pre-/post-processing function works along the batch axis. (BatchNorm and
    /// dropout qualify through `BatchRowShare`.) Other mappings run on the whole batch on every
    /// process, which gives the same gradients at the cost of repeated work.
    static func computesRowByRow(_ mapping: Mapping) -> Bool { ShardedSweep.keepsRowsApart(mapping) }
}

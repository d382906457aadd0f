import RecombineTensor

extension PhaseRunner {
    /// At the start of a phase in data-parallel training: rank 0's parameters, buffers and centroids
    /// copied to every process (DDP's broadcast of the state at construction), so all replicas start
    /// from the same state even if initialisation or a whole-dataset pass differed in the last bits.
    func synchronizeReplicas() {
        let group = configuration.dataParallel
        guard group.size > 1 else { return }
        var tensors = mappings.mappings.flatMap { $0.stateDict().map(\.tensor) }
        if let c = strategy.centroids { tensors.append(c) }
        var seen = Set<ObjectIdentifier>()
        for t in tensors where seen.insert(ObjectIdentifier(t)).inserted {
            group.broadcast(
                UnsafeMutableRawBufferPointer(start: t.storage.raw, count: t.count * t.dtype.byteSize), root: 0)
        }
    }
}

import Foundation
import RecombineTensor

extension PhaseRunner {
    /// At the start of a phase in data-parallel training: rank 0's parameters, buffers and centroids
    /// copied to every process (DDP's broadcast of the state at construction), so all replicas start
    /// from the same state. Whole-dataset passes before it (k-means initialisation) run on every process
    /// alike; should the replicas have drifted apart anyway (different BLAS kernels on different
    /// machines), the log says so before rank 0's state replaces theirs.
    func synchronizeReplicas() {
        let group = configuration.dataParallel
        guard group.size > 1 else { return }
        var tensors = mappings.mappings.flatMap { $0.stateDict().map(\.tensor) }
        if let c = strategy.centroids { tensors.append(c) }
        var seen = Set<ObjectIdentifier>()
        tensors = tensors.filter { seen.insert(ObjectIdentifier($0)).inserted }
        let checksum = Self.checksum(tensors)
        var range = [checksum, -checksum]
        range.withUnsafeMutableBufferPointer { group.allreduceMax($0) }
        if range[0] != -range[1] {
            log.line(
                "Warning: the processes' parameters differed at the start of phase \"\(phase.name)\" (checksums \(-range[1]) to \(range[0])); all continue from rank 0's"
            )
        }
        for t in tensors {
            group.broadcast(
                UnsafeMutableRawBufferPointer(start: t.storage.raw, count: t.count * t.dtype.byteSize), root: 0)
        }
    }

    /// A position-weighted sum of every element: equal on replicas that hold the same numbers.
    static func checksum(_ tensors: [Tensor]) -> Double {
        var total = 0.0
        for t in tensors {
            let values = t.toDoubleArray()
            for (i, v) in values.enumerated() { total += v * Double(1 + i % 7) }
        }
        return total
    }
}

import Foundation

extension MethodRunner {
    /// The processes of this run (1 unless an MPI launcher started it).
    public var worldSize: Int { configuration.dataParallel.size }

    /// Whether this process writes the run directory (every process but rank 0 writes a scratch folder).
    public var writesRunDirectory: Bool { configuration.dataParallel.isPrimary }

    /// Removes the scratch folder of a process other than rank 0 (nothing on rank 0).
    public func removeReplicaDirectory() {
        guard !writesRunDirectory else { return }
        try? FileManager.default.removeItem(atPath: result.runDirectory)
    }

    func logDataParallelStart() {
        let group = configuration.dataParallel
        guard group.size > 1 else { return }
        let library = group.libraryVersion.map { " (\($0.split(separator: "\n").first ?? ""))" } ?? ""
        log.line(
            "Data-parallel training over \(group.size) processes\(library): each takes its share of every batch, gradients are summed each step"
        )
    }

    func logDataParallelEnd() {
        guard configuration.dataParallel.size > 1 else { return }
        log.line(
            "Mapping passes in training steps: \(DataParallelStatistics.sharedForwards) on each process's rows, \(DataParallelStatistics.wholeForwards) on the whole batch by every process"
        )
        log.line(
            "Whole-dataset passes: \(DataParallelStatistics.shardedSweeps) shared out over the processes, \(DataParallelStatistics.wholeSweeps) computed whole by every process"
        )
        guard DataParallelStatistics.allreduces > 0 else { return }
        log.line(
            String(
                format: "Gradient allreduces: %d of %d values, %.2f ms each on average (rank 0)",
                DataParallelStatistics.allreduces, DataParallelStatistics.values,
                1000 * DataParallelStatistics.seconds / Double(DataParallelStatistics.allreduces)))
    }
}

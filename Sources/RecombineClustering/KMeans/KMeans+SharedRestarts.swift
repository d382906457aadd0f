extension KMeans {
    /// The best restart of all processes (`ranksBefore`), given this process's best (nil when it ran
    /// none), on every process: each process's best inertia and restart are summed into one table that
    /// every process reads alike, and the winning process broadcasts its result.
    static func bestOfEveryProcess(
        _ local: Result?, group: any KMeansProcessGroup, n: Int, k: Int, d: Int
    ) throws -> Result {
        // Slot r: process r's best inertia and restart (restart −1: it ran none); zeros elsewhere, so the
        // sum leaves every process's numbers exactly as they are.
        var table = [Double](repeating: 0, count: 2 * group.size)
        table[2 * group.rank] = local?.inertia ?? 0
        table[2 * group.rank + 1] = Double(local?.bestRun ?? -1)
        table.withUnsafeMutableBufferPointer { group.allreduceSum($0) }
        var winner: (process: Int, summary: Result)? = nil
        for process in 0..<group.size where table[2 * process + 1] >= 0 {
            let summary = Result(
                labels: [], centers: [], inertia: table[2 * process], iterations: 0, converged: false,
                bestRun: Int(table[2 * process + 1]))
            if winner.map({ ranksBefore(summary, $0.summary) }) ?? true { winner = (process, summary) }
        }
        guard let winner else { throw ClusteringError("k-means: no process ran a restart") }
        return broadcast(local, from: winner.process, group: group, n: n, k: k, d: d)
    }

    /// Process `root`'s result on every process (`local` is read on `root` only).
    static func broadcast(_ local: Result?, from root: Int, group: any KMeansProcessGroup, n: Int, k: Int, d: Int)
        -> Result
    {
        let sending = group.rank == root
        // Inertia, iterations, convergence and the history's length; then labels, centres and history.
        var header: [Double] =
            sending
            ? [
                local?.inertia ?? 0, Double(local?.iterations ?? 0), (local?.converged ?? false) ? 1 : 0,
                Double(local?.inertiaHistory.count ?? 0), Double(local?.bestRun ?? 0),
            ] : [Double](repeating: 0, count: 5)
        header.withUnsafeMutableBytes { group.broadcast($0, root: root) }
        var labels = sending ? (local?.labels ?? []).map(Int64.init) : [Int64](repeating: 0, count: n)
        var centers = sending ? (local?.centers ?? []) : [Float](repeating: 0, count: k * d)
        var history = sending ? (local?.inertiaHistory ?? []) : [Double](repeating: 0, count: Int(header[3]))
        labels.withUnsafeMutableBytes { group.broadcast($0, root: root) }
        centers.withUnsafeMutableBytes { group.broadcast($0, root: root) }
        history.withUnsafeMutableBytes { group.broadcast($0, root: root) }
        return Result(
            labels: labels.map { Int($0) }, centers: centers, inertia: header[0], iterations: Int(header[1]),
            converged: header[2] != 0, bestRun: Int(header[4]), inertiaHistory: history)
    }
}

import CBLASLAPACKE
import CKernels
import Foundation
import RecombineTensor

/// k-means with scikit-learn's algorithm: greedy k-means++ seeding (2 + ⌊ln K⌋ candidates per
/// centre, the one lowering the potential most kept), Lloyd iterations with GEMM distances until the
/// total squared centre shift falls below `tol` × mean feature variance, empty clusters moved to the
/// points farthest from their centres, the best of `nInit` runs by inertia, labels consistent with the
/// final centres. Seeded: one seed reproduces the result at a fixed thread count, whether the restarts
/// run on one process or are shared out over `processes`.
public struct KMeans: Sendable {
    public let k: Int
    public var nInit: Int = 10
    public var maxIterations: Int = 300
    public var tolerance: Double = 1e-4
    public var seed: UInt64 = 0
    /// Assign with Hamerly's distance bounds, skipping rows that provably keep their centre (same
    /// assignments as full passes, a fraction of the distance computations); `false` recomputes every
    /// distance at every iteration.
    public var usesBounds: Bool = true
    /// Processes that share the restarts out (nil or one process: every restart runs here).
    public var processes: (any KMeansProcessGroup)? = nil

    public init(
        k: Int, nInit: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0,
        usesBounds: Bool = true, processes: (any KMeansProcessGroup)? = nil
    ) {
        precondition(k >= 1, "k-means needs k ≥ 1")
        self.k = k; self.nInit = nInit; self.maxIterations = maxIterations; self.tolerance = tolerance; self.seed = seed
        self.usesBounds = usesBounds; self.processes = processes
    }

    public struct Result: Sendable {
        public let labels: [Int]
        /// Centres [k, d], row-major.
        public let centers: [Float]
        public let inertia: Double
        public let iterations: Int
        public let converged: Bool
        /// Which restart won (0-based).
        public let bestRun: Int
        /// The winning restart's inertia at each Lloyd iteration (before its centre update), then the
        /// final inertia: the loss curve of the teaching task.
        public var inertiaHistory: [Double] = []
    }

    /// Clusters the rows of `data` [n, d].
    public func fit(_ data: Tensor) throws -> Result {
        guard data.rank == 2 else { throw ClusteringError("k-means: expected [n, d] data, got \(data.shape)") }
        let x = data.dtype == .float32 ? data : data.to(.float32)
        return try fit(x.floats, n: x.shape[0], d: x.shape[1])
    }

    public func fit(_ x: UnsafePointer<Float>, n: Int, d: Int) throws -> Result {
        guard n >= k else { throw ClusteringError("k-means: \(n) samples cannot form \(k) clusters") }
        try ClusteringError.requireFinite(UnsafeBufferPointer(start: x, count: n * d), dimension: d, in: "k-means")
        let norms = (0..<n).map { i -> Float in
            var s: Float = 0; for j in 0..<d { s += x[i * d + j] * x[i * d + j] }; return s
        }
        // tol is relative to the mean per-feature variance (sklearn's _tolerance).
        var variance = 0.0
        for j in 0..<d {
            var mean = 0.0, sq = 0.0
            for i in 0..<n { let v = Double(x[i * d + j]); mean += v; sq += v * v }
            mean /= Double(n); variance += sq / Double(n) - mean * mean
        }
        let absoluteTolerance = tolerance * variance / Double(d)
        let group = processes.flatMap { $0.size > 1 ? $0 : nil }
        let (rank, size) = (group?.rank ?? 0, group?.size ?? 1)
        var master = RandomGenerator(seed: seed)
        var best: Result? = nil
        for run in 0..<Swift.max(nInit, 1) {
            // Restart r draws from the r-th stream split off the seed's generator, whichever process runs it.
            var g = master.split()
            guard run % size == rank else { continue }
            let initial = plusPlus(x, n: n, d: d, generator: &g)
            let result =
                usesBounds
                ? lloydWithBounds(x, n: n, d: d, norms: norms, centers: initial, tolerance: absoluteTolerance, run: run)
                : lloyd(x, n: n, d: d, norms: norms, centers: initial, tolerance: absoluteTolerance, run: run)
            if best.map({ Self.ranksBefore(result, $0) }) ?? true { best = result }
        }
        guard let group else {
            guard let best else { throw ClusteringError("k-means: no restart ran") }
            return best
        }
        return try Self.bestOfEveryProcess(best, group: group, n: n, k: k, d: d)
    }

    /// Whether restart `a` beats restart `b`: the lower inertia, the earlier restart on equal inertia, and
    /// a NaN inertia after every number. A total order, so the best of several processes' bests is the
    /// best of all restarts.
    static func ranksBefore(_ a: Result, _ b: Result) -> Bool {
        if a.inertia.isNaN != b.inertia.isNaN { return b.inertia.isNaN }
        if !a.inertia.isNaN && a.inertia != b.inertia { return a.inertia < b.inertia }
        return a.bestRun < b.bestRun
    }

    /// Greedy k-means++ seeding.
    func plusPlus(_ x: UnsafePointer<Float>, n: Int, d: Int, generator g: inout RandomGenerator) -> [Float] {
        var centers = [Float](repeating: 0, count: k * d)
        let trials = 2 + Int(Foundation.log(Double(k)))
        let first = g.nextInt(below: n)
        for j in 0..<d { centers[j] = x[first * d + j] }
        var closest = [Double](repeating: .infinity, count: n)
        var potential = candidatePotentials(x, n: n, d: d, ids: [first], closest: &closest, update: true)[0]
        var cumulative = [Double](repeating: 0, count: n)
        for c in 1..<Swift.max(k, 1) {
            var running = 0.0
            for i in 0..<n { running += closest[i]; cumulative[i] = running }
            let candidates = (0..<trials).map { _ -> Int in
                let target = g.nextDouble() * potential
                var lo = 0, hi = n - 1
                while lo < hi {
                    let mid = (lo + hi) / 2; if cumulative[mid] < target { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            // The candidate lowering the potential most (the first on ties) is kept.
            var chosen = 0, lowest = Double.infinity
            for start in stride(from: 0, to: candidates.count, by: 8) {
                let group = Array(candidates[start..<Swift.min(start + 8, candidates.count)])
                let totals = candidatePotentials(x, n: n, d: d, ids: group, closest: &closest, update: false)
                for (j, total) in totals.enumerated() where total < lowest { lowest = total; chosen = start + j }
            }
            potential =
                candidatePotentials(x, n: n, d: d, ids: [candidates[chosen]], closest: &closest, update: true)[0]
            for j in 0..<d { centers[c * d + j] = x[candidates[chosen] * d + j] }
        }
        return centers
    }

    /// Σ_i min(closest[i], ‖x_i − c‖²) for each candidate row c in `ids` (at most 8); with `update` (one
    /// candidate), `closest` is lowered to those minima.
    func candidatePotentials(
        _ x: UnsafePointer<Float>, n: Int, d: Int, ids: [Int], closest: inout [Double], update: Bool
    ) -> [Double] {
        let t = ids.count
        var candidates = [Float](repeating: 0, count: t * d)
        for (j, id) in ids.enumerated() { for c in 0..<d { candidates[j * d + c] = x[id * d + c] } }
        // Few features: the candidates transposed [d, 8], padding far away, so one loop serves them all.
        let transposed = d <= Self.transposedFeatureLimit
        var candidatesT = [Float](repeating: 1e18, count: transposed ? d * 8 : 0)
        if transposed { for j in 0..<t { for c in 0..<d { candidatesT[c * 8 + j] = candidates[j * d + c] } } }
        let workers = serialBLASWorkers(n)
        var totals = [Double](repeating: 0, count: workers * t)
        closest.withUnsafeMutableBufferPointer { cl in
            totals.withUnsafeMutableBufferPointer { tot in
                candidatesT.withUnsafeBufferPointer { ct in
                    let pcl = cl.baseAddress!, pt = tot.baseAddress!,
                        pct: UnsafePointer<Float>? = transposed ? ct.baseAddress : nil
                    parallelWithSerialBLAS(n) { range, w in
                        recombine_kmeans_candidate_potentials(
                            x, range.lowerBound, range.upperBound, d, candidates, pct, t, pcl, update ? 1 : 0,
                            pt + w * t)
                    }
                }
            }
        }
        return (0..<t).map { j in (0..<workers).reduce(0.0) { $0 + totals[$1 * t + j] } }
    }

    /// One pass: labels (nearest centre), per-label sums and counts, and the inertia.
    func assign(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], centers: [Float], labels: inout [Int]) -> (
        sums: [Double], counts: [Int], inertia: Double, distances: [Float]
    ) {
        let centerNorms = (0..<k).map { c -> Float in
            var s: Float = 0; for j in 0..<d { s += centers[c * d + j] * centers[c * d + j] }; return s
        }
        let workers = serialBLASWorkers(n)
        var partialSums = [[Double]](repeating: [Double](repeating: 0, count: k * d), count: workers)
        var partialCounts = [[Int]](repeating: [Int](repeating: 0, count: k), count: workers)
        var partialInertia = [Double](repeating: 0, count: workers)
        var distances = [Float](repeating: 0, count: n)
        let chunk = 2048
        if k <= 32 {
            // Few clusters: the fused C kernel (AVX2/FMA when available) reads each row once.
            var labels64 = [Int](repeating: 0, count: n)
            labels64.withUnsafeMutableBufferPointer { lab in
                distances.withUnsafeMutableBufferPointer { dist in
                    let pl = lab.baseAddress!, pd = dist.baseAddress!
                    partialSums.withUnsafeMutableBufferPointer { ps in
                        partialCounts.withUnsafeMutableBufferPointer { pc in
                            partialInertia.withUnsafeMutableBufferPointer { pi in
                                let ps = ps.baseAddress!, pc = pc.baseAddress!, pi = pi.baseAddress!
                                parallelWithSerialBLAS(n) { range, worker in
                                    var sums = [Double](repeating: 0, count: k * d),
                                        counts = [Int](repeating: 0, count: k)
                                    let inertia = sums.withUnsafeMutableBufferPointer { s in
                                        counts.withUnsafeMutableBufferPointer { c in
                                            pl.withMemoryRebound(to: CLong.self, capacity: n) { labelsC in
                                                c.baseAddress!.withMemoryRebound(to: CLong.self, capacity: k) {
                                                    countsC in
                                                    recombine_kmeans_assign(
                                                        x, range.lowerBound, range.upperBound, d, centers, k,
                                                        centerNorms, norms, labelsC, pd, s.baseAddress!, countsC)
                                                }
                                            }
                                        }
                                    }
                                    ps[worker] = sums; pc[worker] = counts; pi[worker] = inertia
                                }
                            }
                        }
                    }
                }
            }
            labels = labels64
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for w in 0..<workers {
                for i in 0..<(k * d) { sums[i] += partialSums[w][i] };
                for c in 0..<k { counts[c] += partialCounts[w][c] }
            }
            return (sums, counts, partialInertia.reduce(0, +), distances)
        }
        labels.withUnsafeMutableBufferPointer { lab in
            distances.withUnsafeMutableBufferPointer { dist in
                let pl = lab.baseAddress!, pd = dist.baseAddress!
                partialSums.withUnsafeMutableBufferPointer { ps in
                    partialCounts.withUnsafeMutableBufferPointer { pc in
                        partialInertia.withUnsafeMutableBufferPointer { pi in
                            let ps = ps.baseAddress!, pc = pc.baseAddress!, pi = pi.baseAddress!
                            parallelWithSerialBLAS(n) { range, worker in
                                var scores = [Float](repeating: 0, count: chunk * k)
                                var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k),
                                    inertia = 0.0
                                var oneHot = [Float](repeating: 0, count: chunk * k),
                                    chunkSums = [Float](repeating: 0, count: k * d)
                                centers.withUnsafeBufferPointer { pcen in
                                    for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
                                        let rows = Swift.min(chunk, range.upperBound - start)
                                        cblas_sgemm(
                                            CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(k), Int32(d),
                                            -2, x + start * d, Int32(d),
                                            pcen.baseAddress!, Int32(d), 0, &scores, Int32(k))
                                        for r in 0..<rows {
                                            let i = start + r
                                            var best = 0, bestScore = Float.infinity
                                            for c in 0..<k {
                                                let s = scores[r * k + c] + centerNorms[c];
                                                if s < bestScore { bestScore = s; best = c }
                                            }
                                            pl[i] = best
                                            let dsq = Swift.max(bestScore + norms[i], 0)
                                            pd[i] = dsq; inertia += Double(dsq)
                                            counts[best] += 1
                                            for c in 0..<k { oneHot[r * k + c] = c == best ? 1 : 0 }
                                        }
                                        // Per-cluster sums of this chunk with one GEMM (one-hotᵀ · X), folded into float64 totals.
                                        cblas_sgemm(
                                            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(d), Int32(rows), 1,
                                            oneHot, Int32(k),
                                            x + start * d, Int32(d), 0, &chunkSums, Int32(d))
                                        for j in 0..<(k * d) { sums[j] += Double(chunkSums[j]) }
                                    }
                                }
                                ps[worker] = sums; pc[worker] = counts; pi[worker] = inertia
                            }
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        for w in 0..<workers {
            for i in 0..<(k * d) { sums[i] += partialSums[w][i] }; for c in 0..<k { counts[c] += partialCounts[w][c] }
        }
        return (sums, counts, partialInertia.reduce(0, +), distances)
    }
}

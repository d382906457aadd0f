import CBLASLAPACKE
import CKernels
import Foundation
import RecombineTensor

/// k-means with scikit-learn's algorithm: greedy k-means++ seeding (2 + ⌊ln K⌋ candidates per
/// centre, the one lowering the potential most kept), Lloyd iterations with GEMM distances until the
/// total squared centre shift falls below `tol` × mean feature variance, empty clusters moved to the
/// points farthest from their centres, the best of `nInit` runs by inertia, labels consistent with the
/// final centres. Seeded: one seed reproduces the result at a fixed thread count.
public struct KMeans: Sendable {
    public let k: Int
    public var nInit: Int = 10
    public var maxIterations: Int = 300
    public var tolerance: Double = 1e-4
    public var seed: UInt64 = 0

    public init(k: Int, nInit: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0) {
        precondition(k >= 1, "k-means needs k ≥ 1")
        self.k = k; self.nInit = nInit; self.maxIterations = maxIterations; self.tolerance = tolerance; self.seed = seed
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
        precondition(data.rank == 2, "k-means expects [n, d] data, got \(data.shape)")
        let x = data.dtype == .float32 ? data : data.to(.float32)
        return try fit(x.floats, n: x.shape[0], d: x.shape[1])
    }

    public func fit(_ x: UnsafePointer<Float>, n: Int, d: Int) throws -> Result {
        guard n >= k else { throw ClusteringError("k-means: \(n) samples cannot form \(k) clusters") }
        let norms = (0..<n).map { i -> Float in var s: Float = 0; for j in 0..<d { s += x[i * d + j] * x[i * d + j] }; return s }
        // tol is relative to the mean per-feature variance (sklearn's _tolerance).
        var variance = 0.0
        for j in 0..<d {
            var mean = 0.0, sq = 0.0
            for i in 0..<n { let v = Double(x[i * d + j]); mean += v; sq += v * v }
            mean /= Double(n); variance += sq / Double(n) - mean * mean
        }
        let absoluteTolerance = tolerance * variance / Double(d)
        var master = RandomGenerator(seed: seed)
        var best: Result? = nil
        for run in 0..<Swift.max(nInit, 1) {
            var g = master.split()
            let initial = plusPlus(x, n: n, d: d, norms: norms, generator: &g)
            let result = lloyd(x, n: n, d: d, norms: norms, centers: initial, tolerance: absoluteTolerance, run: run)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        return best!
    }

    /// Greedy k-means++ seeding.
    func plusPlus(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], generator g: inout RandomGenerator) -> [Float] {
        var centers = [Float](repeating: 0, count: k * d)
        let trials = 2 + Int(Foundation.log(Double(k)))
        let first = g.nextInt(below: n)
        for j in 0..<d { centers[j] = x[first * d + j] }
        var closest = squaredDistances(x, n: n, d: d, norms: norms, to: [first])[0]
        var potential = closest.reduce(0, +)
        for c in 1..<k {
            var cumulative = [Double](repeating: 0, count: n), running = 0.0
            for i in 0..<n { running += closest[i]; cumulative[i] = running }
            let candidates = (0..<trials).map { _ -> Int in
                let target = g.nextDouble() * potential
                var lo = 0, hi = n - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < target { lo = mid + 1 } else { hi = mid } }
                return lo
            }
            let distances = squaredDistances(x, n: n, d: d, norms: norms, to: candidates)
            var bestTrial = 0, bestPotential = Double.infinity, bestDistances: [Double] = []
            for (t, dist) in distances.enumerated() {
                var merged = dist, total = 0.0
                for i in 0..<n { merged[i] = Swift.min(merged[i], closest[i]); total += merged[i] }
                if total < bestPotential { bestPotential = total; bestTrial = t; bestDistances = merged }
            }
            potential = bestPotential; closest = bestDistances
            for j in 0..<d { centers[c * d + j] = x[candidates[bestTrial] * d + j] }
        }
        return centers
    }

    /// Squared distances from every row to each of the rows `ids`, as ‖x‖² − 2x·c + ‖c‖² with one GEMM.
    func squaredDistances(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], to ids: [Int]) -> [[Double]] {
        let t = ids.count
        var candidates = [Float](repeating: 0, count: t * d)
        for (j, id) in ids.enumerated() { for c in 0..<d { candidates[j * d + c] = x[id * d + c] } }
        var products = [Float](repeating: 0, count: n * t)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(t), Int32(d), -2, x, Int32(d), candidates, Int32(d), 0, &products, Int32(t))
        return (0..<t).map { j in
            let cn = norms[ids[j]]
            return (0..<n).map { i in Double(Swift.max(products[i * t + j] + norms[i] + cn, 0)) }
        }
    }

    /// One pass: labels (nearest centre), per-label sums and counts, and the inertia.
    func assign(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], centers: [Float], labels: inout [Int]) -> (sums: [Double], counts: [Int], inertia: Double, distances: [Float]) {
        let centerNorms = (0..<k).map { c -> Float in var s: Float = 0; for j in 0..<d { s += centers[c * d + j] * centers[c * d + j] }; return s }
        let workers = serialBLASWorkers(n)
        var partialSums = [[Double]](repeating: [Double](repeating: 0, count: k * d), count: workers)
        var partialCounts = [[Int]](repeating: [Int](repeating: 0, count: k), count: workers)
        var partialInertia = [Double](repeating: 0, count: workers)
        var distances = [Float](repeating: 0, count: n)
        let chunk = 2048
        if k <= 32 {
            // Few clusters: the fused C kernel (AVX2/FMA when available) reads each row once.
            var labels64 = [Int](repeating: 0, count: n)
            labels64.withUnsafeMutableBufferPointer { lab in distances.withUnsafeMutableBufferPointer { dist in
                let pl = lab.baseAddress!, pd = dist.baseAddress!
                partialSums.withUnsafeMutableBufferPointer { ps in partialCounts.withUnsafeMutableBufferPointer { pc in partialInertia.withUnsafeMutableBufferPointer { pi in
                    let ps = ps.baseAddress!, pc = pc.baseAddress!, pi = pi.baseAddress!
                    parallelWithSerialBLAS(n) { range, worker in
                        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
                        let inertia = sums.withUnsafeMutableBufferPointer { s in counts.withUnsafeMutableBufferPointer { c in
                            pl.withMemoryRebound(to: CLong.self, capacity: n) { labelsC in
                                c.baseAddress!.withMemoryRebound(to: CLong.self, capacity: k) { countsC in
                                    recombine_kmeans_assign(x, range.lowerBound, range.upperBound, d, centers, k, centerNorms, norms, labelsC, pd, s.baseAddress!, countsC)
                                }
                            }
                        } }
                        ps[worker] = sums; pc[worker] = counts; pi[worker] = inertia
                    }
                } } }
            } }
            labels = labels64
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for w in 0..<workers { for i in 0..<(k * d) { sums[i] += partialSums[w][i] }; for c in 0..<k { counts[c] += partialCounts[w][c] } }
            return (sums, counts, partialInertia.reduce(0, +), distances)
        }
        labels.withUnsafeMutableBufferPointer { lab in distances.withUnsafeMutableBufferPointer { dist in
            let pl = lab.baseAddress!, pd = dist.baseAddress!
            partialSums.withUnsafeMutableBufferPointer { ps in partialCounts.withUnsafeMutableBufferPointer { pc in partialInertia.withUnsafeMutableBufferPointer { pi in
                let ps = ps.baseAddress!, pc = pc.baseAddress!, pi = pi.baseAddress!
                parallelWithSerialBLAS(n) { range, worker in
                    var scores = [Float](repeating: 0, count: chunk * k)
                    var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k), inertia = 0.0
                    var oneHot = [Float](repeating: 0, count: chunk * k), chunkSums = [Float](repeating: 0, count: k * d)
                    centers.withUnsafeBufferPointer { pcen in
                        for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
                            let rows = Swift.min(chunk, range.upperBound - start)
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(k), Int32(d), -2, x + start * d, Int32(d),
                                        pcen.baseAddress!, Int32(d), 0, &scores, Int32(k))
                            for r in 0..<rows {
                                let i = start + r
                                var best = 0, bestScore = Float.infinity
                                for c in 0..<k { let s = scores[r * k + c] + centerNorms[c]; if s < bestScore { bestScore = s; best = c } }
                                pl[i] = best
                                let dsq = Swift.max(bestScore + norms[i], 0)
                                pd[i] = dsq; inertia += Double(dsq)
                                counts[best] += 1
                                for c in 0..<k { oneHot[r * k + c] = c == best ? 1 : 0 }
                            }
                            // Per-cluster sums of this chunk with one GEMM (one-hotᵀ · X), folded into float64 totals.
                            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(d), Int32(rows), 1, oneHot, Int32(k),
                                        x + start * d, Int32(d), 0, &chunkSums, Int32(d))
                            for j in 0..<(k * d) { sums[j] += Double(chunkSums[j]) }
                        }
                    }
                    ps[worker] = sums; pc[worker] = counts; pi[worker] = inertia
                }
            } } }
        } }
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        for w in 0..<workers { for i in 0..<(k * d) { sums[i] += partialSums[w][i] }; for c in 0..<k { counts[c] += partialCounts[w][c] } }
        return (sums, counts, partialInertia.reduce(0, +), distances)
    }

    func lloyd(_ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], centers initial: [Float], tolerance: Double, run: Int) -> Result {
        var centers = initial, labels = [Int](repeating: -1, count: n), previous = labels
        var iterations = 0, converged = false
        var history: [Double] = []
        for iteration in 1...Swift.max(maxIterations, 1) {
            iterations = iteration
            let (sums, counts, inertia, distances) = assign(x, n: n, d: d, norms: norms, centers: centers, labels: &labels)
            history.append(inertia)
            var newCenters = centers
            // Empty clusters take the points farthest from their centres (scikit-learn's relocation).
            let empty = (0..<k).filter { counts[$0] == 0 }
            var relocatedCounts = counts, relocatedSums = sums
            if !empty.isEmpty {
                let far = distances.indices.sorted { distances[$0] > distances[$1] }.prefix(empty.count)
                for (c, i) in zip(empty, far) {
                    let old = labels[i]
                    relocatedCounts[old] -= 1; relocatedCounts[c] += 1
                    for j in 0..<d { let v = Double(x[i * d + j]); relocatedSums[old * d + j] -= v; relocatedSums[c * d + j] += v }
                }
            }
            for c in 0..<k where relocatedCounts[c] > 0 {
                for j in 0..<d { newCenters[c * d + j] = Float(relocatedSums[c * d + j] / Double(relocatedCounts[c])) }
            }
            var shift = 0.0
            for i in 0..<(k * d) { let diff = Double(newCenters[i] - centers[i]); shift += diff * diff }
            centers = newCenters
            if labels == previous { converged = true; break }
            previous = labels
            if shift <= tolerance { converged = true; break }
        }
        // Labels and inertia consistent with the final centres.
        let final = assign(x, n: n, d: d, norms: norms, centers: centers, labels: &labels)
        return Result(labels: labels, centers: centers, inertia: final.inertia, iterations: iterations, converged: converged, bestRun: run,
                      inertiaHistory: history + [final.inertia])
    }
}

/// A problem running classical clustering.
public struct ClusteringError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

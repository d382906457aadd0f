import CKernels
import Foundation
import RecombineTensor

extension KMeans {
    /// Lloyd iterations with a full assignment pass each time.
    func lloyd(
        _ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], centers initial: [Float], tolerance: Double, run: Int
    ) -> Result {
        var centers = initial, labels = [Int](repeating: -1, count: n), previous = labels
        var iterations = 0, converged = false
        var history: [Double] = []
        for iteration in 1...Swift.max(maxIterations, 1) {
            iterations = iteration
            var (sums, counts, inertia, distances) = assign(
                x, n: n, d: d, norms: norms, centers: centers, labels: &labels)
            history.append(inertia)
            _ = relocateEmptyClusters(x, d: d, labels: labels, distances: distances, sums: &sums, counts: &counts)
            let newCenters = means(sums: sums, counts: counts, keeping: centers, d: d)
            var shift = 0.0
            for i in 0..<(k * d) { let diff = Double(newCenters[i] - centers[i]); shift += diff * diff }
            centers = newCenters
            if labels == previous { converged = true; break }
            previous = labels
            if shift <= tolerance { converged = true; break }
        }
        // Labels and inertia consistent with the final centres.
        let final = assign(x, n: n, d: d, norms: norms, centers: centers, labels: &labels)
        return Result(
            labels: labels, centers: centers, inertia: final.inertia, iterations: iterations, converged: converged,
            bestRun: run,
            inertiaHistory: history + [final.inertia])
    }

    /// Lloyd iterations whose assignment steps use Hamerly's bounds: the same labels, centres, iteration
    /// count and convergence decision as `lloyd`, with per-cluster sums updated only for rows that change
    /// label. Each iteration's inertia comes from the cluster sums (Σ‖x‖² − 2c·Σx + n‖c‖², in float64).
    func lloydWithBounds(
        _ x: UnsafePointer<Float>, n: Int, d: Int, norms: [Float], centers initial: [Float], tolerance: Double, run: Int
    ) -> Result {
        var centers = initial
        var labels = [Int](repeating: -1, count: n)
        var upper = [Double](repeating: .infinity, count: n), lower = [Double](repeating: 0, count: n)
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        var normSums = [Double](repeating: 0, count: k)
        var moved = [Double](repeating: 0, count: k)
        var iterations = 0, converged = false
        var history: [Double] = []
        let workers = serialBLASWorkers(n)
        var deltaSums = [[Double]](repeating: [Double](repeating: 0, count: k * d), count: workers)
        var deltaCounts = [[Int]](repeating: [Int](repeating: 0, count: k), count: workers)
        var deltaNorms = [[Double]](repeating: [Double](repeating: 0, count: k), count: workers)
        var changedPerWorker = [Int](repeating: 0, count: workers)
        // Few features: the full distance computations vectorise across centres, transposed and padded.
        let paddedK = k <= 16 ? 16 : Int(RECOMBINE_KMEANS_TRANSPOSED_MAX_K)
        let transposed = d <= Self.transposedFeatureLimit && k <= paddedK
        var centersT = [Float](repeating: 1e18, count: transposed ? d * paddedK : 0)
        for iteration in 1...Swift.max(maxIterations, 1) {
            iterations = iteration
            let halfGaps = halfGapsToNearestCentre(centers, d: d)
            if transposed { for c in 0..<k { for j in 0..<d { centersT[j * paddedK + c] = centers[c * d + j] } } }
            let order = moved.indices.sorted { moved[$0] > moved[$1] }
            let fastest = order[0], fastestMove = moved[order[0]], secondMove = k > 1 ? moved[order[1]] : 0
            for w in 0..<workers {
                for i in deltaSums[w].indices { deltaSums[w][i] = 0 }
                for c in 0..<k { deltaCounts[w][c] = 0; deltaNorms[w][c] = 0 }
            }
            labels.withUnsafeMutableBufferPointer { lab in
                centersT.withUnsafeBufferPointer { ct in
                    upper.withUnsafeMutableBufferPointer { up in
                        lower.withUnsafeMutableBufferPointer { low in
                            deltaSums.withUnsafeMutableBufferPointer { ds in
                                deltaCounts.withUnsafeMutableBufferPointer { dc in
                                    deltaNorms.withUnsafeMutableBufferPointer { dn in
                                        changedPerWorker.withUnsafeMutableBufferPointer { ch in
                                            let pct: UnsafePointer<Float>? = transposed ? ct.baseAddress : nil
                                            let pl = lab.baseAddress!, pu = up.baseAddress!, plo = low.baseAddress!
                                            let ds = ds.baseAddress!, dc = dc.baseAddress!, dn = dn.baseAddress!,
                                                ch = ch.baseAddress!
                                            parallelWithSerialBLAS(n) { range, w in
                                                ch[w] = pl.withMemoryRebound(to: CLong.self, capacity: n) { labelsC in
                                                    ds[w].withUnsafeMutableBufferPointer { s in
                                                        dn[w].withUnsafeMutableBufferPointer { nn in
                                                            dc[w].withUnsafeMutableBufferPointer { c in
                                                                c.baseAddress!.withMemoryRebound(
                                                                    to: CLong.self, capacity: k
                                                                ) { countsC in
                                                                    recombine_kmeans_hamerly_pass(
                                                                        x, range.lowerBound, range.upperBound, d,
                                                                        centers, k, pct, paddedK, norms, halfGaps,
                                                                        moved,
                                                                        fastest, fastestMove, secondMove, labelsC, pu,
                                                                        plo,
                                                                        s.baseAddress!, countsC, nn.baseAddress!)
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for w in 0..<workers {
                for i in 0..<(k * d) { sums[i] += deltaSums[w][i] }
                for c in 0..<k { counts[c] += deltaCounts[w][c]; normSums[c] += deltaNorms[w][c] }
            }
            let changed = changedPerWorker.reduce(0, +)
            history.append(inertiaFromSums(centers, sums: sums, counts: counts, normSums: normSums, d: d))
            var relocated = false
            if counts.contains(0) {
                // Rare: the relocation needs every row's distance to its centre, so take one full pass and
                // restart the bounds from it.
                var (fullSums, fullCounts, _, distances) = assign(
                    x, n: n, d: d, norms: norms, centers: centers, labels: &labels)
                let moves = relocateEmptyClusters(
                    x, d: d, labels: labels, distances: distances, sums: &fullSums, counts: &fullCounts)
                for move in moves { labels[move.row] = move.cluster }
                sums = fullSums; counts = fullCounts
                normSums = [Double](repeating: 0, count: k)
                for i in 0..<n { normSums[labels[i]] += Double(norms[i]) }
                for i in 0..<n { upper[i] = .infinity; lower[i] = 0 }
                relocated = !moves.isEmpty
            }
            let newCenters = means(sums: sums, counts: counts, keeping: centers, d: d)
            var shift = 0.0
            for c in 0..<k {
                var squared = 0.0
                for j in 0..<d { let diff = Double(newCenters[c * d + j] - centers[c * d + j]); squared += diff * diff }
                moved[c] = squared.squareRoot(); shift += squared
            }
            centers = newCenters
            if changed == 0 && !relocated { converged = true; break }
            if shift <= tolerance { converged = true; break }
        }
        var finalLabels = labels
        let final = assign(x, n: n, d: d, norms: norms, centers: centers, labels: &finalLabels)
        return Result(
            labels: finalLabels, centers: centers, inertia: final.inertia, iterations: iterations, converged: converged,
            bestRun: run,
            inertiaHistory: history + [final.inertia])
    }

    /// Feature counts up to which the transposed (across-centres) distance loop is used.
    static let transposedFeatureLimit = 64

    /// Half the distance from each centre to its nearest other centre (infinite for a single centre).
    func halfGapsToNearestCentre(_ centers: [Float], d: Int) -> [Double] {
        var gaps = [Double](repeating: .infinity, count: k)
        for a in 0..<k {
            for b in (a + 1)..<Swift.max(k, a + 1) {
                var squared = 0.0
                for j in 0..<d { let diff = Double(centers[a * d + j] - centers[b * d + j]); squared += diff * diff }
                let half = squared.squareRoot() / 2
                gaps[a] = Swift.min(gaps[a], half); gaps[b] = Swift.min(gaps[b], half)
            }
        }
        return gaps
    }

    /// Σ over clusters of Σ‖x‖² − 2 c·Σx + n‖c‖²: the inertia of the rows summarised by `sums`, `counts` and
    /// `normSums` around `centers`.
    func inertiaFromSums(_ centers: [Float], sums: [Double], counts: [Int], normSums: [Double], d: Int) -> Double {
        var total = 0.0
        for c in 0..<k where counts[c] > 0 {
            var dot = 0.0, norm = 0.0
            for j in 0..<d { let v = Double(centers[c * d + j]); dot += v * sums[c * d + j]; norm += v * v }
            total += normSums[c] - 2 * dot + Double(counts[c]) * norm
        }
        return Swift.max(total, 0)
    }

    /// Cluster means; a cluster without rows keeps its centre.
    func means(sums: [Double], counts: [Int], keeping centers: [Float], d: Int) -> [Float] {
        var result = centers
        for c in 0..<k where counts[c] > 0 {
            for j in 0..<d { result[c * d + j] = Float(sums[c * d + j] / Double(counts[c])) }
        }
        return result
    }

    /// Scikit-learn's relocation of empty clusters: each takes one of the rows farthest from their centres.
    /// Updates `sums` and `counts`; returns the (row, new cluster) pairs.
    func relocateEmptyClusters(
        _ x: UnsafePointer<Float>, d: Int, labels: [Int], distances: [Float], sums: inout [Double], counts: inout [Int]
    ) -> [(row: Int, cluster: Int)] {
        let empty = (0..<k).filter { counts[$0] == 0 }
        guard !empty.isEmpty else { return [] }
        let far = distances.indices.sorted { distances[$0] > distances[$1] }.prefix(empty.count)
        var moves: [(row: Int, cluster: Int)] = []
        for (c, i) in zip(empty, far) {
            let old = labels[i]
            counts[old] -= 1; counts[c] += 1
            for j in 0..<d { let v = Double(x[i * d + j]); sums[old * d + j] -= v; sums[c * d + j] += v }
            moves.append((i, c))
        }
        return moves
    }
}

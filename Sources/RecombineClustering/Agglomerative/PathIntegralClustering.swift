import Foundation
import RecombineTensor

/// Agglomerative clustering via maximum incremental path integral (AC-PIC; Zhang, Zhao and Wang,
/// Pattern Recognition 46(11), 2013) with the steps and defaults of the gacCluster toolbox that
/// DEPICT's official code runs on USPS:
/// 1. a directed graph on each sample's `neighbours` nearest others by squared distance d_ij, with
///    weights w_ij = exp(−d_ij/σ²), σ² = `sigmaScale` × the mean of those distances (over at least
///    3 neighbours), doubled until every sample's nearest-neighbour weight is at least 1e-5, plus a
///    self-loop of weight 1; rows are normalised into transition probabilities P;
/// 2. initial clusters: the groups that linking every sample to its nearest neighbour connects;
/// 3. until `clusters` remain, merge the two clusters a, b with the largest incremental path integral
///    (S_{a|a∪b} − S_a) + (S_{b|a∪b} − S_b), where S_C = 1ᵀ(I − zP_C)⁻¹1 / |C|² sums the z-discounted
///    paths that stay inside C and S_{a|a∪b} the paths from a back to a through a ∪ b.
/// Two clusters without an edge between them have increment 0 (their union's matrix is block
/// diagonal), so only adjacent pairs are evaluated; (I − zP_C)⁻¹ is applied as its Neumann series
/// Σ zᵐ P_Cᵐ, which converges because P_C's rows sum to at most 1 and z < 1. Deterministic: equal
/// distances and equal increments go to the lower index.
public struct PathIntegralClustering: Sendable {
    public let clusters: Int
    /// K of the K-nearest-neighbour graph (gacCluster's default 20).
    public var neighbours: Int
    /// a: σ² is a times the mean neighbour distance (default 1).
    public var sigmaScale: Double
    /// z of (I − zP): how strongly longer paths count (default 0.01), in (0, 1).
    public var z: Double

    public init(clusters: Int, neighbours: Int = 20, sigmaScale: Double = 1, z: Double = 0.01) {
        self.clusters = clusters
        self.neighbours = neighbours
        self.sigmaScale = sigmaScale
        self.z = z
    }

    public struct Result: Sendable {
        /// Cluster of every sample, 0..<clusters, numbered by each cluster's first sample.
        public let labels: [Int]
        /// The groups the nearest-neighbour links formed before merging.
        public let initialClusters: Int
        /// σ of the edge weights.
        public let sigma: Double
        /// Merges of two clusters without an edge between them (a graph in more pieces than
        /// `clusters`): the two smallest clusters were joined.
        public let mergesWithoutEdges: Int
    }

    /// Clusters the rows of `data` [n, d].
    public func fit(_ data: Tensor) throws -> Result {
        guard data.rank == 2 else { throw ClusteringError("AC-PIC: expected [n, d] data, got \(data.shape)") }
        let n = data.shape[0]
        guard clusters >= 1, neighbours >= 1 else {
            throw ClusteringError(
                "AC-PIC: clusters and neighbours must be at least 1, got \(clusters) and \(neighbours)")
        }
        guard z > 0, z < 1 else { throw ClusteringError("AC-PIC: z must lie in (0, 1), got \(z)") }
        guard sigmaScale > 0, sigmaScale.isFinite else {
            throw ClusteringError("AC-PIC: the σ² scale a must be positive, got \(sigmaScale)")
        }
        guard n > neighbours, n > clusters else {
            throw ClusteringError(
                "AC-PIC: \(n) samples are too few for \(neighbours) neighbours each and \(clusters) clusters")
        }
        try ClusteringError.requireFinite(data.toDoubleArray(), dimension: data.shape[1], in: "AC-PIC")
        let searched = min(n - 1, max(neighbours, 3))
        let nearest = try NearestNeighbours(data, k: searched)
        let graph = TransitionGraph(nearest, neighbours: neighbours)
        var merging = Merging(graph: graph, z: z, initial: Self.nearestNeighbourGroups(nearest))
        let initial = merging.aliveCount
        guard initial >= clusters else {
            throw ClusteringError(
                "AC-PIC: linking every sample to its nearest neighbour already forms \(initial) groups, fewer than the \(clusters) clusters asked for"
            )
        }
        let withoutEdges = merging.merge(until: clusters)
        return Result(
            labels: merging.labels(), initialClusters: initial, sigma: graph.sigma.squareRoot(),
            mergesWithoutEdges: withoutEdges)
    }

    /// The connected groups of the links sample → its nearest neighbour, as member lists ordered by
    /// their first sample.
    static func nearestNeighbourGroups(_ nearest: NearestNeighbours) -> [[Int]] {
        var parent = Array(0..<nearest.n)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for i in 0..<nearest.n {
            let a = root(i), b = root(nearest.indices[i * nearest.k])
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var groupOfRoot = [Int: Int](), groups = [[Int]]()
        for i in 0..<nearest.n {
            let r = root(i)
            if let g = groupOfRoot[r] { groups[g].append(i) } else { groupOfRoot[r] = groups.count; groups.append([i]) }
        }
        return groups
    }
}

/// The row-normalised K-nearest-neighbour graph P with self-loops, and each sample's neighbours in
/// both directions (for finding adjacent clusters).
struct TransitionGraph {
    let n: Int
    let k: Int
    let sigma: Double
    /// Out-neighbours [n, k] and their transition probabilities.
    let targets: [Int]
    let probabilities: [Double]
    /// P_ii.
    let selfProbability: [Double]
    /// Samples linked to i in either direction.
    let adjacent: [[Int]]

    init(_ nearest: NearestNeighbours, neighbours k: Int) {
        let n = nearest.n, searched = nearest.k
        self.n = n
        self.k = k
        var sigma2 = nearest.distances.reduce(0, +) / Double(n * searched)
        if sigma2 == 0 { sigma2 = 1 }  // every neighbour coincides with its sample: all weights are 1
        var farthestNearest = 0.0
        for i in 0..<n { farthestNearest = max(farthestNearest, nearest.distances[i * searched]) }
        while exp(-farthestNearest / sigma2) < 1e-5 { sigma2 *= 2 }
        sigma = sigma2
        var targets = [Int](repeating: 0, count: n * k), probabilities = [Double](repeating: 0, count: n * k)
        var selfProbability = [Double](repeating: 0, count: n)
        var adjacent = [[Int]](repeating: [], count: n)
        for i in 0..<n {
            var total = 1.0
            for c in 0..<k {
                let w = exp(-nearest.distances[i * searched + c] / sigma2)
                targets[i * k + c] = nearest.indices[i * searched + c]
                probabilities[i * k + c] = w
                total += w
            }
            selfProbability[i] = 1 / total
            for c in 0..<k {
                probabilities[i * k + c] /= total
                let j = targets[i * k + c]
                adjacent[i].append(j)
                adjacent[j].append(i)
            }
        }
        self.targets = targets
        self.probabilities = probabilities
        self.selfProbability = selfProbability
        self.adjacent = adjacent
    }
}

/// The merging state of AC-PIC: clusters, their path integrals, and a max-heap of the increments of
/// adjacent pairs (entries whose clusters changed since are skipped).
struct Merging {
    let graph: TransitionGraph
    let z: Double
    var members: [[Int]]
    var owner: [Int]
    var complexity: [Double]
    var version: [Int]
    var aliveCount: Int
    var heap = IncrementHeap()
    /// Position of each sample in the set being solved, or −1.
    var position: [Int]

    init(graph: TransitionGraph, z: Double, initial: [[Int]]) {
        self.graph = graph
        self.z = z
        members = initial
        owner = [Int](repeating: 0, count: graph.n)
        for (c, group) in initial.enumerated() { for i in group { owner[i] = c } }
        version = [Int](repeating: 0, count: initial.count)
        aliveCount = initial.count
        position = [Int](repeating: -1, count: graph.n)
        complexity = []
        for group in initial { complexity.append(pathIntegral(group)) }
        for a in initial.indices {
            for b in adjacentClusters(a) where b > a { push(a, b) }
        }
    }

    /// Merges until `target` clusters remain; returns how many merges joined clusters without an edge.
    mutating func merge(until target: Int) -> Int {
        var withoutEdges = 0
        while aliveCount > target {
            var pair: (Int, Int)?
            while let top = heap.pop() {
                if version[top.a] == top.versionA && version[top.b] == top.versionB {
                    pair = (top.a, top.b)
                    break
                }
            }
            if pair == nil {
                let smallest = members.indices.filter { !members[$0].isEmpty }
                    .sorted { (members[$0].count, $0) < (members[$1].count, $1) }
                pair = (min(smallest[0], smallest[1]), max(smallest[0], smallest[1]))
                withoutEdges += 1
            }
            let (a, b) = pair!
            for i in members[b] { owner[i] = a }
            members[a] += members[b]
            members[b] = []
            version[a] += 1
            version[b] += 1
            aliveCount -= 1
            complexity[a] = pathIntegral(members[a])
            if aliveCount > target { for c in adjacentClusters(a) { push(min(a, c), max(a, c)) } }
        }
        return withoutEdges
    }

    /// Labels 0..<alive, numbered by each cluster's first sample.
    func labels() -> [Int] {
        var labels = [Int](repeating: -1, count: graph.n), next = 0
        for i in 0..<graph.n where labels[i] < 0 {
            for j in members[owner[i]] { labels[j] = next }
            next += 1
        }
        return labels
    }

    func adjacentClusters(_ a: Int) -> [Int] {
        var found = Set<Int>()
        for i in members[a] { for j in graph.adjacent[i] where owner[j] != a { found.insert(owner[j]) } }
        return found.sorted()
    }

    mutating func push(_ a: Int, _ b: Int) {
        heap.push(.init(increment: increment(a, b), a: a, b: b, versionA: version[a], versionB: version[b]))
    }

    /// S_C = 1ᵀ(I − zP_C)⁻¹1 / |C|².
    mutating func pathIntegral(_ set: [Int]) -> Double {
        let x = solve(set, [Double](repeating: 1, count: set.count), columns: 1)
        return x.reduce(0, +) / Double(set.count * set.count)
    }

    /// (S_{a|a∪b} − S_a) + (S_{b|a∪b} − S_b).
    mutating func increment(_ a: Int, _ b: Int) -> Double {
        let union = members[a] + members[b], na = members[a].count, nb = members[b].count
        var indicators = [Double](repeating: 0, count: 2 * union.count)
        for p in 0..<na { indicators[2 * p] = 1 }
        for p in na..<union.count { indicators[2 * p + 1] = 1 }
        let x = solve(union, indicators, columns: 2)
        var fromA = 0.0, fromB = 0.0
        for p in 0..<na { fromA += x[2 * p] }
        for p in na..<union.count { fromB += x[2 * p + 1] }
        return (fromA / Double(na * na) - complexity[a]) + (fromB / Double(nb * nb) - complexity[b])
    }

    /// (I − zP_S)⁻¹ B for `columns` interleaved right-hand sides over the samples of S, by the Neumann
    /// series B + zP_S B + (zP_S)²B + … until a term is below 1e-16 of the sum.
    mutating func solve(_ set: [Int], _ b: [Double], columns m: Int) -> [Double] {
        for (p, i) in set.enumerated() { position[i] = p }
        defer { for i in set { position[i] = -1 } }
        var sum = b, term = b, next = [Double](repeating: 0, count: b.count)
        let k = graph.k
        while true {
            var largestTerm = 0.0
            for (p, i) in set.enumerated() {
                for c in 0..<m { next[p * m + c] = graph.selfProbability[i] * term[p * m + c] }
                for e in i * k..<(i + 1) * k {
                    let q = position[graph.targets[e]]
                    if q < 0 { continue }
                    let w = graph.probabilities[e]
                    for c in 0..<m { next[p * m + c] += w * term[q * m + c] }
                }
                for c in 0..<m {
                    next[p * m + c] *= z
                    largestTerm = max(largestTerm, next[p * m + c])
                }
            }
            swap(&term, &next)
            var largestSum = 0.0
            for e in sum.indices { sum[e] += term[e]; largestSum = max(largestSum, sum[e]) }
            if largestTerm <= 1e-16 * largestSum { return sum }
        }
    }
}

/// A binary max-heap of merge candidates: larger increment first, then lower cluster indices.
struct IncrementHeap {
    struct Entry {
        let increment: Double
        let a: Int
        let b: Int
        let versionA: Int
        let versionB: Int

        func precedes(_ other: Entry) -> Bool {
            if increment != other.increment { return increment > other.increment }
            return (a, b) < (other.a, other.b)
        }
    }

    private var entries: [Entry] = []

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let first = entries.first else { return nil }
        let last = entries.removeLast()
        if entries.isEmpty { return first }
        entries[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < entries.count && entries[left].precedes(entries[best]) { best = left }
            if right < entries.count && entries[right].precedes(entries[best]) { best = right }
            if best == parent { break }
            entries.swapAt(parent, best)
            parent = best
        }
        return first
    }
}

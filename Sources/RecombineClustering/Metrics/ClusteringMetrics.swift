import Foundation

/// How NMI and AMI normalise mutual information (scikit-learn's `average_method`).
public enum AverageMethod: String, Sendable, CaseIterable {
    case arithmetic, geometric, min, max

    func apply(_ u: Double, _ v: Double) -> Double {
        switch self {
        case .arithmetic: return (u + v) / 2
        case .geometric: return (u * v).squareRoot()
        case .min: return Swift.min(u, v)
        case .max: return Swift.max(u, v)
        }
    }
}

/// Every metric of one evaluation.
public struct MetricReport: Sendable, Equatable, Codable {
    public let acc: Double, nmi: Double, ari: Double, ami: Double, purity: Double
    /// The NMI/AMI normalisation used (stated in outputs because papers differ).
    public let averageMethod: String
    public let samples: Int
}

/// Contingency table of two labelings: rows = distinct true labels, columns = distinct predictions.
public struct Contingency {
    public let counts: [Int]  // row-major rows × cols
    public let rows: Int, cols: Int, total: Int
    public let rowSums: [Int], colSums: [Int]

    public init(truth: [Int], prediction: [Int]) {
        precondition(
            truth.count == prediction.count, "labelings differ in length: \(truth.count) vs \(prediction.count)")
        let t = Dictionary(uniqueKeysWithValues: Set(truth).sorted().enumerated().map { ($1, $0) })
        let p = Dictionary(uniqueKeysWithValues: Set(prediction).sorted().enumerated().map { ($1, $0) })
        let nr = t.count, nc = p.count
        var c = [Int](repeating: 0, count: nr * nc), rs = [Int](repeating: 0, count: nr),
            cs = [Int](repeating: 0, count: nc)
        for (a, b) in zip(truth, prediction) {
            let r = t[a]!, k = p[b]!
            c[r * nc + k] += 1; rs[r] += 1; cs[k] += 1
        }
        rows = nr; cols = nc; total = truth.count
        counts = c; rowSums = rs; colSums = cs
    }
}

/// Clustering metrics defined exactly as scikit-learn 1.x and scipy compute them.
public enum ClusteringMetrics {
    /// Best one-to-one matching accuracy (Hungarian algorithm on the contingency table; any numbers of
    /// clusters and classes: unmatched samples count as errors).
    public static func accuracy(truth: [Int], prediction: [Int]) -> Double {
        guard !truth.isEmpty else { return 1 }
        let c = Contingency(truth: truth, prediction: prediction)
        let pairs = Hungarian.minimumCostAssignment(c.counts.map { -Double($0) }, rows: c.rows, cols: c.cols)
        return Double(pairs.reduce(0) { $0 + c.counts[$1.row * c.cols + $1.col] }) / Double(c.total)
    }

    /// The matching found by `accuracy`: for each predicted cluster, its true label (nil if unmatched).
    public static func matching(truth: [Int], prediction: [Int]) -> [Int: Int] {
        let c = Contingency(truth: truth, prediction: prediction)
        let trueLabels = Set(truth).sorted(), predicted = Set(prediction).sorted()
        var map: [Int: Int] = [:]
        for pair in Hungarian.minimumCostAssignment(c.counts.map { -Double($0) }, rows: c.rows, cols: c.cols) {
            map[predicted[pair.col]] = trueLabels[pair.row]
        }
        return map
    }

    /// numpy's pairwise summation (8-way unrolled blocks of up to 128, halves above), so sums round
    /// exactly as scikit-learn's do.
    static func pairwiseSum(_ x: ArraySlice<Double>) -> Double {
        let n = x.count, base = x.startIndex
        if n < 8 { return x.reduce(-0.0, +) }
        if n <= 128 {
            var r = (0..<8).map { x[base + $0] }
            var i = 8
            while i < n - n % 8 { for j in 0..<8 { r[j] += x[base + i + j] }; i += 8 }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += x[base + i]; i += 1 }
            return res
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(x[base..<(base + half)]) + pairwiseSum(x[(base + half)...])
    }

    static func entropy(_ counts: [Int], total: Int) -> Double {
        guard total > 0 else { return 1 }
        let n = Double(total), logN = Foundation.log(n)
        return -pairwiseSum(
            ArraySlice(counts.filter { $0 > 0 }.map { (Double($0) / n) * (Foundation.log(Double($0)) - logN) }))
    }

    static func mutualInformation(_ c: Contingency) -> Double {
        if c.rows == 1 || c.cols == 1 { return 0 }
        let n = Double(c.total), logN = Foundation.log(n)
        var terms: [Double] = []
        for r in 0..<c.rows {
            for k in 0..<c.cols where c.counts[r * c.cols + k] > 0 {
                let nij = Double(c.counts[r * c.cols + k]), pij = nij / n
                let logOuter = -Foundation.log(Double(c.rowSums[r] * c.colSums[k])) + logN + logN
                let term = pij * (Foundation.log(nij) - logN) + pij * logOuter
                terms.append(Swift.abs(term) < Double.ulpOfOne ? 0 : term)
            }
        }
        return Swift.max(pairwiseSum(ArraySlice(terms)), 0)
    }

    /// Normalised mutual information (natural log).
    public static func nmi(truth: [Int], prediction: [Int], average: AverageMethod = .arithmetic) -> Double {
        let c = Contingency(truth: truth, prediction: prediction)
        if (c.rows == 1 && c.cols == 1) || (c.rows == 0 && c.cols == 0) { return 1 }
        let mi = mutualInformation(c)
        if mi == 0 { return 0 }
        let normalizer = average.apply(entropy(c.rowSums, total: c.total), entropy(c.colSums, total: c.total))
        return mi / Swift.max(normalizer, Double.ulpOfOne)
    }

    /// Adjusted Rand index (pair-counting form of scikit-learn's `adjusted_rand_score`).
    public static func ari(truth: [Int], prediction: [Int]) -> Double {
        let c = Contingency(truth: truth, prediction: prediction)
        let n = Double(c.total)
        let sumSquares = c.counts.reduce(0.0) { $0 + Double($1) * Double($1) }
        var cDotNk = 0.0, ctDotNc = 0.0
        for r in 0..<c.rows {
            for k in 0..<c.cols {
                let v = Double(c.counts[r * c.cols + k])
                cDotNk += v * Double(c.colSums[k]); ctDotNc += v * Double(c.rowSums[r])
            }
        }
        let tp = sumSquares - n, fp = cDotNk - sumSquares, fn = ctDotNc - sumSquares
        let tn = n * n - fp - fn - sumSquares
        if fn == 0 && fp == 0 { return 1 }
        return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }

    /// Expected mutual information under the permutation model (scikit-learn's `expected_mutual_information`).
    static func expectedMutualInformation(_ c: Contingency) -> Double {
        let n = c.total, nd = Double(n)
        let a = c.rowSums, b = c.colSums
        let maxCount = Swift.max(a.max() ?? 0, b.max() ?? 0)
        func lg(_ x: Double) -> Double { Foundation.lgamma(x) }
        let glnN = lg(nd + 1)
        var emi = 0.0
        for i in a.indices {
            for j in b.indices {
                let ai = Double(a[i]), bj = Double(b[j])
                let start = Swift.max(1, a[i] - n + b[j]), end = Swift.min(a[i], b[j])
                guard start <= end, maxCount > 0 else { continue }
                let gln = lg(ai + 1) + lg(bj + 1) + lg(nd - ai + 1) + lg(nd - bj + 1) - glnN
                for nij in start...end {
                    let x = Double(nij)
                    let term2 = Foundation.log(nd) + Foundation.log(x) - Foundation.log(ai) - Foundation.log(bj)
                    let g = gln - lg(x + 1) - lg(ai - x + 1) - lg(bj - x + 1) - lg(nd - ai - bj + x + 1)
                    emi += (x / nd) * term2 * Foundation.exp(g)
                }
            }
        }
        return emi
    }

    /// Adjusted mutual information (scikit-learn's `adjusted_mutual_info_score`).
    public static func ami(truth: [Int], prediction: [Int], average: AverageMethod = .arithmetic) -> Double {
        let c = Contingency(truth: truth, prediction: prediction)
        if (c.rows == 1 && c.cols == 1) || (c.rows == 0 && c.cols == 0) { return 1 }
        if c.rows == 1 || c.cols == 1 { return 0 }
        let mi = mutualInformation(c), emi = expectedMutualInformation(c)
        let normalizer = average.apply(entropy(c.rowSums, total: c.total), entropy(c.colSums, total: c.total))
        var denominator = normalizer - emi
        denominator =
            denominator < 0 ? Swift.min(denominator, -Double.ulpOfOne) : Swift.max(denominator, Double.ulpOfOne)
        var numerator = mi - emi
        numerator = numerator < 0 ? Swift.min(numerator, -Double.ulpOfOne) : Swift.max(numerator, Double.ulpOfOne)
        return numerator / denominator
    }

    /// Σ over predicted clusters of their largest true-class count, over N.
    public static func purity(truth: [Int], prediction: [Int]) -> Double {
        let c = Contingency(truth: truth, prediction: prediction)
        guard c.total > 0 else { return 1 }
        return Double(
            (0..<c.cols).reduce(0) { total, k in total + (0..<c.rows).map { c.counts[$0 * c.cols + k] }.max()! })
            / Double(c.total)
    }

    /// Fraction of samples whose hard cluster changed between two evaluations
    /// (1 − unchanged/N, on raw cluster indices).
    public static func reassignmentRatio(previous: [Int], current: [Int]) -> Double {
        precondition(previous.count == current.count, "assignments differ in length")
        guard !current.isEmpty else { return 0 }
        return Double(zip(previous, current).filter { $0 != $1 }.count) / Double(current.count)
    }

    /// ACC, NMI, ARI, AMI and purity together.
    public static func evaluate(truth: [Int], prediction: [Int], average: AverageMethod = .arithmetic) -> MetricReport {
        MetricReport(
            acc: accuracy(truth: truth, prediction: prediction),
            nmi: nmi(truth: truth, prediction: prediction, average: average),
            ari: ari(truth: truth, prediction: prediction),
            ami: ami(truth: truth, prediction: prediction, average: average),
            purity: purity(truth: truth, prediction: prediction), averageMethod: average.rawValue, samples: truth.count)
    }
}

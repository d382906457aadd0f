import Foundation
import RecombineClustering
import RecombineTensor
import RecombineTestSupport
import XCTest

final class MetricsTests: XCTestCase {
    func testHandComputedCases() {
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: [0, 0, 1, 1], prediction: [1, 1, 0, 0]), 1)
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: [0, 0, 0, 1, 1, 2], prediction: [5, 5, 7, 7, 7, 7]), 4.0 / 6)
        XCTAssertEqual(ClusteringMetrics.nmi(truth: [0, 0, 0], prediction: [3, 3, 3]), 1)
        XCTAssertEqual(ClusteringMetrics.nmi(truth: [0, 1, 2], prediction: [0, 0, 0]), 0)
        XCTAssertEqual(ClusteringMetrics.ari(truth: [0, 1, 2], prediction: [5, 6, 7]), 1)
        XCTAssertEqual(ClusteringMetrics.ari(truth: [0, 0, 1, 1], prediction: [0, 1, 0, 1]), -0.5, accuracy: 1e-12)
        XCTAssertEqual(ClusteringMetrics.purity(truth: [0, 0, 1, 1, 1], prediction: [0, 0, 0, 0, 0]), 0.6)
        XCTAssertEqual(ClusteringMetrics.reassignmentRatio(previous: [0, 1, 2, 2], current: [0, 2, 2, 2]), 0.25)
        // Expected assignment: python3 Scripts/oracles/metrics.py (scipy's linear_sum_assignment)
        let cost: [Double] = [4, 1, 3, 2, 0, 5, 3, 2, 2]
        let pairs = Hungarian.minimumCostAssignment(cost, rows: 3, cols: 3)
        XCTAssertEqual(pairs.map(\.row), [0, 1, 2])
        XCTAssertEqual(pairs.map(\.col), [1, 0, 2])
        XCTAssertEqual(pairs.reduce(0) { $0 + cost[$1.row * 3 + $1.col] }, 5.0)
    }

    /// ≥ 100 random labelings, including degenerate ones, against scikit-learn and scipy to 1e-10.
    func testAgreesWithScikitLearn() throws {
        try PythonOracle.require(["sklearn", "scipy"])
        var g = RandomGenerator(seed: 11)
        var cases: [(truth: [Int], prediction: [Int])] = []
        for i in 0..<120 {
            let n = [1, 2, 5, 30, 200, 1000][i % 6] + g.nextInt(below: 5)
            let kt = 1 + g.nextInt(below: 8), kp = 1 + g.nextInt(below: 12)
            var truth = (0..<n).map { _ in g.nextInt(below: kt) }
            var prediction = (0..<n).map { _ in g.nextInt(below: kp) }
            switch i % 10 {
            case 0: prediction = Array(repeating: 3, count: n)  // one cluster
            case 1: prediction = Array(0..<n)  // all singletons
            case 2: truth = Array(repeating: 0, count: n); prediction = Array(repeating: 9, count: n)
            case 3: prediction = truth.map { $0 * 2 + 1 }  // perfect, relabelled
            case 4: prediction = truth.map { $0 == 0 ? 0 : 20 }  // gaps in the labels (empty clusters)
            default: break
            }
            cases.append((truth, prediction))
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("labelings-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: cases.map { ["t": $0.truth, "p": $0.prediction] }).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, numpy as np
            from sklearn import metrics
            from scipy.optimize import linear_sum_assignment
            out = []
            for c in json.load(open(sys.argv[1])):
                t, p = np.array(c['t']), np.array(c['p'])
                cm = metrics.cluster.contingency_matrix(t, p)
                r, k = linear_sum_assignment(-cm)
                row = [cm[r, k].sum() / len(t), metrics.adjusted_rand_score(t, p)]
                for m in ['arithmetic', 'geometric', 'min', 'max']:
                    row += [metrics.normalized_mutual_info_score(t, p, average_method=m), metrics.adjusted_mutual_info_score(t, p, average_method=m)]
                out.append([float(x) for x in row])
            print(json.dumps(out))
            """
        let output = try PythonOracle.run(script, arguments: [input.path])
        guard let expected = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[Double]] else {
            return XCTFail("the scikit-learn script failed")
        }
        for (c, e) in zip(cases, expected) {
            var ours = [
                ClusteringMetrics.accuracy(truth: c.truth, prediction: c.prediction),
                ClusteringMetrics.ari(truth: c.truth, prediction: c.prediction),
            ]
            for m in AverageMethod.allCases {
                ours += [
                    ClusteringMetrics.nmi(truth: c.truth, prediction: c.prediction, average: m),
                    ClusteringMetrics.ami(truth: c.truth, prediction: c.prediction, average: m),
                ]
            }
            // AMI is (MI − EMI)/(mean(H) − EMI): when both differences are at rounding level (e.g. min-AMI of
            // all-singleton clusterings, where MI = min H ≈ EMI), scikit-learn's value is 0/0 noise from
            // scipy's gammaln rounding; those entries are compared only for being finite.
            let noisy = Self.amiIsIllConditioned(c.truth, c.prediction)
            for (index, (name, (a, b))) in zip(
                ["ACC", "ARI", "NMI-a", "AMI-a", "NMI-g", "AMI-g", "NMI-min", "AMI-min", "NMI-max", "AMI-max"],
                zip(ours, e)
            ).enumerated() {
                if name.hasPrefix("AMI"), noisy[(index - 3) / 2] { XCTAssertTrue(a.isFinite); continue }
                XCTAssertEqual(
                    a, b, accuracy: 1e-10,
                    "\(name) for n=\(c.truth.count), truth \(Set(c.truth).count) classes, prediction \(Set(c.prediction).count) clusters"
                )
            }
        }
    }
}

extension MetricsTests {
    /// Per average method: whether normalizer − EMI is at rounding level.
    static func amiIsIllConditioned(_ truth: [Int], _ prediction: [Int]) -> [Bool] {
        let t = Dictionary(grouping: truth, by: { $0 }).values.map(\.count),
            p = Dictionary(grouping: prediction, by: { $0 }).values.map(\.count)
        let n = Double(truth.count)
        func h(_ c: [Int]) -> Double { -c.reduce(0.0) { $0 + Double($1) / n * Foundation.log(Double($1) / n) } }
        let mi = ClusteringMetrics.nmi(truth: truth, prediction: prediction, average: .min) * Swift.min(h(t), h(p))
        return AverageMethod.allCases.map { m in
            let normalizer: Double
            switch m {
            case .arithmetic: normalizer = (h(t) + h(p)) / 2;
            case .geometric: normalizer = (h(t) * h(p)).squareRoot();
            case .min: normalizer = Swift.min(h(t), h(p));
            case .max: normalizer = Swift.max(h(t), h(p))
            }
            return Swift.abs(normalizer - mi) < 1e-9 && t.count > 1 && p.count > 1 && p.count == truth.count
        }
    }
}

/// Standard output of a command, or nil when it fails.

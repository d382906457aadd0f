import Foundation
import RecombineClustering
import RecombineData
import RecombineTensor
import RecombineTestSupport
import XCTest

final class PathIntegralClusteringTests: XCTestCase {
    /// gacCluster as DEPICT's functions.py writes it, in NumPy: dense distances, dense (I − zP), every
    /// pair of clusters in the affinity table (adjacent or not, updated after each merge like the
    /// authors' table), inverses by LAPACK. Prints the labels.
    static let denseOracle = """
        import json, sys, numpy as np
        from scipy.spatial.distance import cdist
        d = json.load(open(sys.argv[1])); x = np.array(d['x'], dtype=np.float64).reshape(d['n'], -1)
        K, a, z, groups = d['neighbours'], d['a'], d['z'], d['clusters']
        D = cdist(x, x) ** 2; N = len(x)
        order = np.argsort(D, axis=1, kind='stable'); sortedD = np.take_along_axis(D, order, axis=1)
        sig2 = np.mean(sortedD[:, 1:max(K + 1, 4)]) * a
        while np.any(np.exp(-sortedD[:, 1] / sig2) < 1e-5): sig2 *= 2
        W = np.zeros((N, N)); W[np.repeat(np.arange(N), K), order[:, 1:K + 1].ravel()] = np.exp(-sortedD[:, 1:K + 1] / sig2).ravel()
        W += np.eye(N); P = W / W.sum(axis=1, keepdims=True); A = np.eye(N) - z * P
        labels = np.zeros(N, int); counter = 1
        for i in range(N):
            idx = order[i, :2]; assigned = np.unique(labels[idx][labels[idx] > 0])
            if len(assigned) == 0: labels[idx] = counter; counter += 1
            elif len(assigned) == 1: labels[idx] = assigned[0]
            else:
                labels[idx] = assigned[0]
                for j in assigned[1:]: labels[labels == j] = assigned[0]
        clusters = [np.where(labels == u)[0] for u in np.unique(labels)]
        def comp(c): return np.linalg.inv(A[np.ix_(c, c)]).dot(np.ones(len(c))).sum() / len(c) ** 2
        def cond(ci, cj):
            idx = np.append(ci, cj); Y = np.zeros((len(idx), 2)); Y[:len(ci), 0] = 1; Y[len(ci):, 1] = 1
            L = np.linalg.inv(A[np.ix_(idx, idx)]).dot(Y)
            return L[:len(ci), 0].sum() / len(ci) ** 2 + L[len(ci):, 1].sum() / len(cj) ** 2
        alive = dict(enumerate(clusters)); C = {i: comp(c) for i, c in alive.items()}
        table = {(i, j): C[i] + C[j] - cond(alive[i], alive[j]) for j in alive for i in alive if i < j}
        while len(alive) > groups:
            i, j = min(table, key=lambda key: (table[key], key))
            alive[i] = np.append(alive[i], alive.pop(j)); C[i] = comp(alive[i])
            table = {key: v for key, v in table.items() if i not in key and j not in key}
            for k in alive:
                if k != i: table[(min(i, k), max(i, k))] = C[i] + C[k] - cond(alive[min(i, k)], alive[max(i, k)])
        clusters = list(alive.values())
        out = np.zeros(N, int)
        for k, c in enumerate(clusters): out[c] = k
        print(' '.join(map(str, out)))
        """

    func oracleLabels(_ x: [Float], n: Int, clusters: Int, neighbours: Int) throws -> [Int] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("acpic-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: [
            "x": x.map(Double.init), "n": n, "neighbours": neighbours, "a": 1.0, "z": 0.01, "clusters": clusters,
        ]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try PythonOracle.run(Self.denseOracle, arguments: [file.path])
            .split(whereSeparator: \.isWhitespace).map { Int($0)! }
    }

    /// The same partition as the dense, all-pairs algorithm of the authors' code (ARI 1), on two
    /// interleaved half-moons, where k-means cuts across both, and on 400 USPS digits.
    func testPartitionEqualsTheDenseAllPairsAlgorithm() throws {
        try PythonOracle.require(["numpy", "scipy"])
        var cases: [(String, [Float], Int, Int)] = []
        var generator = RandomGenerator(seed: 5)
        var moons: [Float] = []
        for i in 0..<240 {
            let t = Double.pi * Double(i % 120) / 119
            let (x, y) = i < 120 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            moons += [Float(x + 0.05 * generator.nextNormal()), Float(y + 0.05 * generator.nextNormal())]
        }
        cases.append(("moons", moons, 240, 2))
        let images = try IDXArray.read(try Repository.requireData("usps/train-images-idx3-ubyte.gz"))
        let usps = images.bytes.prefix(400 * 256).map { (Float($0) - 127.5) / 127.5 }
        cases.append(("usps", Array(usps), 400, 10))
        for (name, x, n, clusters) in cases {
            let d = x.count / n
            let ours = try PathIntegralClustering(clusters: clusters).fit(Tensor(x, shape: [n, d]))
            XCTAssertEqual(Set(ours.labels).count, clusters, name)
            XCTAssertEqual(ours.mergesWithoutEdges, 0, name)
            let theirs = try oracleLabels(x, n: n, clusters: clusters, neighbours: 20)
            XCTAssertEqual(
                ClusteringMetrics.ari(truth: theirs, prediction: ours.labels), 1, accuracy: 1e-12, name)
        }
    }

    /// The moons are found exactly, which k-means cannot do.
    func testSeparatesInterleavedMoons() throws {
        var generator = RandomGenerator(seed: 9)
        var x: [Float] = [], truth: [Int] = []
        for i in 0..<300 {
            let t = Double.pi * Double(i % 150) / 149
            let (a, b) = i < 150 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
            x += [Float(a + 0.04 * generator.nextNormal()), Float(b + 0.04 * generator.nextNormal())]
            truth.append(i < 150 ? 0 : 1)
        }
        let data = Tensor(x, shape: [300, 2])
        let ours = try PathIntegralClustering(clusters: 2, neighbours: 10).fit(data)
        XCTAssertEqual(ClusteringMetrics.accuracy(truth: truth, prediction: ours.labels), 1)
        let kmeans = try KMeans(k: 2, nInit: 10, seed: 0).fit(data)
        XCTAssertLessThan(ClusteringMetrics.accuracy(truth: truth, prediction: kmeans.labels), 0.95)
    }

    /// Duplicated samples and a graph in more pieces than clusters still give a partition; too few
    /// samples or groups and non-finite values are errors, not crashes.
    func testDisconnectedGraphsAndBadArgumentsAreHandled() throws {
        var x: [Float] = []
        for group in 0..<4 { for i in 0..<12 { x += [Float(group * 100) + Float(i % 3), 0] } }
        let result = try PathIntegralClustering(clusters: 2, neighbours: 5).fit(Tensor(x, shape: [48, 2]))
        XCTAssertEqual(Set(result.labels).count, 2)
        XCTAssertEqual(result.mergesWithoutEdges, 2)
        for g in 0..<4 { XCTAssertEqual(Set(result.labels[(g * 12)..<(g * 12 + 12)]).count, 1, "group \(g) split") }
        XCTAssertThrowsError(
            try PathIntegralClustering(clusters: 2, neighbours: 20).fit(
                Tensor(x, shape: [48, 2]).slice(axis: 0, start: 0, end: 10)))
        XCTAssertThrowsError(try PathIntegralClustering(clusters: 30, neighbours: 5).fit(Tensor(x, shape: [48, 2])))
        XCTAssertThrowsError(try PathIntegralClustering(clusters: 2, z: 1).fit(Tensor(x, shape: [48, 2])))
        for bad in [Float.nan, .infinity] {
            var y = x
            y[31] = bad
            XCTAssertThrowsError(try PathIntegralClustering(clusters: 2, neighbours: 5).fit(Tensor(y, shape: [48, 2])))
            {
                XCTAssertTrue("\($0)".contains("sample 15"), "\($0)")
            }
        }
    }

    /// Neighbours are the k nearest other rows, nearest first, ties to the lower index.
    func testNearestNeighboursMatchBruteForce() throws {
        var generator = RandomGenerator(seed: 2)
        let n = 300, d = 5
        var x = (0..<(n * d)).map { _ in Float(generator.nextNormal()) }
        for j in 0..<d { x[7 * d + j] = x[3 * d + j] }  // a duplicate: distance 0, not its own neighbour
        let found = try NearestNeighbours(Tensor(x, shape: [n, d]), k: 6)
        for i in 0..<n {
            let expected = (0..<n).filter { $0 != i }.map { j -> (Double, Int) in
                var s = 0.0
                for c in 0..<d { let e = Double(x[i * d + c]) - Double(x[j * d + c]); s += e * e }
                return (s, j)
            }.sorted { $0 < $1 }.prefix(6)
            XCTAssertEqual(Array(found.indices[(i * 6)..<(i * 6 + 6)]), expected.map(\.1), "row \(i)")
            for (c, e) in expected.enumerated() { XCTAssertEqual(found.distances[i * 6 + c], e.0, accuracy: 1e-9) }
        }
        XCTAssertEqual(found.indices[3 * 6], 7)
        XCTAssertEqual(found.distances[3 * 6], 0, accuracy: 1e-12)
    }
}

import RecombineTensor
import RecombineTestSupport
import XCTest

final class ShapeOpsTests: XCTestCase {
    func testPermuteValuesAndGradient() {
        let x = Tensor((0..<24).map { Double($0) }, shape: [2, 3, 4])
        let y = x.permuted([2, 0, 1])
        XCTAssertEqual(y.shape, [4, 2, 3])
        // y[k, i, j] = x[i, j, k]
        XCTAssertEqual(y[flat: 1 * 6 + 1 * 3 + 2], x[flat: 1 * 12 + 2 * 4 + 1])
        assertGradients([randomDouble([2, 3, 4], seed: 1)]) {
            $0[0].permuted([1, 2, 0]).squared().sum() * 0.5 + $0[0].permuted([2, 1, 0]).sum(axis: 0).pow(3).sum()
        }
    }

    func testBlockedMatrixTransposeMatchesDefinition() {
        let x = randomDouble([70, 37], seed: 2)
        let t = x.T
        XCTAssertEqual(t.shape, [37, 70])
        for r in stride(from: 0, to: 70, by: 7) {
            for c in stride(from: 0, to: 37, by: 5) {
                XCTAssertEqual(t[flat: c * 70 + r], x[flat: r * 37 + c])
            }
        }
        assertGradients([randomDouble([5, 3], seed: 3)]) { ($0[0].T.matmul($0[0])).sum() }
    }

    func testSliceWithStepAndNegativeBounds() {
        let x = Tensor((0..<10).map { Double($0) }, shape: [10])
        XCTAssertEqual(x.slice(axis: 0, start: -7, end: -1, step: 2).toDoubleArray(), [3, 5, 7])
        XCTAssertEqual(x[rows: 2..<4].toDoubleArray(), [2, 3])
        XCTAssertEqual(x.slice(axis: 0, start: 8, end: 3).shape, [0])
        assertGradients([randomDouble([4, 6, 2], seed: 4)]) {
            $0[0].slice(axis: 1, start: 1, end: 6, step: 2).squared().sum()
        }
    }

    func testIndexSelectAccumulatesRepeatedIndices() {
        let x = randomDouble([5, 3], seed: 5).requiringGrad()
        x.indexSelect(axis: 0, indices: [4, 1, 4, -1]).sum().backward()
        XCTAssertEqual(x.grad!.toDoubleArray(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 3, 3, 3])
        assertGradients([randomDouble([3, 5, 2], seed: 6)]) {
            $0[0].indexSelect(axis: 1, indices: [0, 4, 4, 2]).pow(3).sum()
        }
    }

    // Expected values: python3 Scripts/oracles/shape_ops.py
    func testGatherMatchesTorchSemantics() {
        let x = Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [2, 3])
        assertClose(
            x.gather(axis: 1, indices: [2, 0, 1, 1], indexShape: [2, 2]), shape: [2, 2], [3.0, 1.0, 5.0, 5.0],
            tolerance: 0)
        let tall = Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [3, 2])
        assertClose(
            tall.gather(axis: 0, indices: [2, 0, 0, 0], indexShape: [2, 2]), shape: [2, 2], [5.0, 2.0, 1.0, 2.0],
            tolerance: 0)
        assertGradients([randomDouble([2, 3], seed: 7)]) {
            $0[0].gather(axis: 1, indices: [2, 0, 1, 1], indexShape: [2, 2]).squared().sum()
        }
        assertGradients([randomDouble([3, 2], seed: 8)]) {
            $0[0].gather(axis: 0, indices: [2, 0, 0, 0], indexShape: [2, 2]).exp().sum()
        }
    }

    func testConcatenateStackSplit() {
        let a = Tensor([1, 2, 3, 4] as [Double], shape: [2, 2]), b = Tensor([5, 6] as [Double], shape: [2, 1])
        XCTAssertEqual(Tensor.concatenate([a, b], axis: 1).toDoubleArray(), [1, 2, 5, 3, 4, 6])
        let s = Tensor.stack([a, a * 2.0], axis: 1)
        XCTAssertEqual(s.shape, [2, 2, 2])
        XCTAssertEqual(s.toDoubleArray(), [1, 2, 2, 4, 3, 4, 6, 8])
        let parts = Tensor((0..<10).map { Double($0) }, shape: [10]).chunked(3)
        XCTAssertEqual(parts.map(\.shape), [[4], [4], [2]])
        assertGradients([randomDouble([2, 3], seed: 9), randomDouble([2, 1], seed: 10)]) { xs in
            (Tensor.concatenate([xs[0], xs[1], xs[0]], axis: 1) * Tensor.arange(0, 7, dtype: .float64)).squared().sum()
        }
        assertGradients([randomDouble([2, 3], seed: 11), randomDouble([2, 3], seed: 12)]) { xs in
            Tensor.stack(xs, axis: 2).split(sizes: [1, 1], axis: 2)[1].pow(3).sum() + Tensor.stack(xs, axis: 0).sum()
        }
    }

    func testWhereBroadcastsAndRoutesGradients() {
        let c = Tensor([1, 0, 1] as [Double], shape: [1, 3])
        let a = Tensor([1, 2, 3, 4, 5, 6] as [Double], shape: [2, 3]), b = Tensor(scalar: -1, dtype: .float64)
        XCTAssertEqual(Tensor.where(c, a, b).toDoubleArray(), [1, -1, 3, 4, -1, 6])
        // No NaN leaks from the unselected branch.
        let inf = Tensor([Double.infinity], shape: [1])
        XCTAssertEqual(
            Tensor.where(Tensor([0] as [Double], shape: [1]), inf, Tensor([2] as [Double], shape: [1])).toDoubleArray(),
            [2])
        assertGradients([randomDouble([2, 3], seed: 13), randomDouble([3], seed: 14)]) { xs in
            Tensor.where(c, xs[0], xs[1]).squared().sum()
        }
    }

    func testOneHot() {
        XCTAssertEqual(Tensor.oneHot([2, 0], classes: 3).toDoubleArray(), [0, 0, 1, 1, 0, 0])
    }

    func testPairwiseSquaredDistances() {
        let a = randomDouble([4, 3], seed: 15), b = randomDouble([5, 3], seed: 16)
        let d = Tensor.pairwiseSquaredDistances(a, b)
        let av = a.toDoubleArray(), bv = b.toDoubleArray()
        for i in 0..<4 {
            for j in 0..<5 {
                let direct = (0..<3).reduce(0.0) {
                    $0 + (av[i * 3 + $1] - bv[j * 3 + $1]) * (av[i * 3 + $1] - bv[j * 3 + $1])
                }
                XCTAssertEqual(d[flat: i * 5 + j], direct, accuracy: 1e-12)
            }
        }
        XCTAssertTrue(Tensor.pairwiseSquaredDistances(a, a).toDoubleArray().allSatisfy { $0 >= 0 })
        assertGradients([a, b]) { xs in Tensor.pairwiseSquaredDistances(xs[0], xs[1]).sqrt().sum() }
    }

    // Expected values: python3 Scripts/oracles/shape_ops.py
    func testCosineSimilarityMatchesTorch() {
        let a = Tensor([1, 2, 0, 0, 3, -1] as [Double], shape: [3, 2]),
            b = Tensor([1, 1, -2, 0.5] as [Double], shape: [2, 2])
        assertClose(
            Tensor.cosineSimilarityMatrix(a, b), shape: [3, 2],
            [0.9486832980505137, -0.21693045781865616, 0.0, 0.0, 0.44721359549995787, -0.9970544855015815],
            tolerance: 1e-12)
        assertGradients([randomDouble([3, 4], seed: 17), randomDouble([2, 4], seed: 18)]) { xs in
            Tensor.cosineSimilarityMatrix(xs[0], xs[1]).exp().sum()
        }
        let n = randomDouble([3, 4], seed: 19).normalized(axis: 1)
        assertClose(n.squared().sum(axis: 1).toDoubleArray(), [1, 1, 1], tolerance: 1e-12)
    }
}

final class FinitenessTests: XCTestCase {
    func testAllFiniteFindsEveryNonFiniteValueAtAnyPosition() {
        for dtype in [DType.float32, .float64] {
            for n in [1, 15, 16, 17, 100] {
                XCTAssertTrue(Tensor(doubles: (0..<n).map { Double($0) - 50 }, shape: [n], dtype: dtype).allFinite)
                for bad in [Double.nan, .infinity, -.infinity] {
                    for position in Set([0, n / 2, n - 1]) {
                        var values = (0..<n).map { Double($0) * 1e30 }
                        values[position] = bad
                        XCTAssertFalse(
                            Tensor(doubles: values, shape: [n], dtype: dtype).allFinite,
                            "\(dtype) n=\(n) \(bad) at \(position)")
                    }
                }
            }
        }
        XCTAssertTrue(
            Tensor(
                doubles: [Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude], shape: [2], dtype: .float64
            ).allFinite)
    }
}

import RecombineTensor
import RecombineTestSupport
import XCTest

final class ReductionGradientTests: XCTestCase {
    func testSumMeanVarianceNorm() {
        let x = randomDouble([2, 3, 4], seed: 21)
        for axes: [Int]? in [nil, [0], [1], [2], [-1], [0, 2]] {
            for keep in [false, true] {
                assertGradients([x]) { $0[0].sum(axes: axes, keepDims: keep) }
                assertGradients([x]) { $0[0].mean(axes: axes, keepDims: keep) }
                assertGradients([x]) { $0[0].variance(axes: axes, keepDims: keep) }
                assertGradients([x]) { $0[0].norm(axes: axes, keepDims: keep) }
            }
        }
    }

    func testSumValues() {
        let x = Tensor([1.0, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(x.sum(axis: 0).toDoubleArray(), [5, 7, 9])
        XCTAssertEqual(x.sum(axis: 1).toDoubleArray(), [6, 15])
        XCTAssertEqual(x.sum().item, 21)
        XCTAssertEqual(x.sum(axis: 1, keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.variance().item, 3.5, accuracy: 1e-12)
        XCTAssertEqual(x.variance(unbiased: false).item, 35.0 / 12, accuracy: 1e-12)
    }

    func testMaxMinArgmax() {
        let x = Tensor([1.0, 5, 3, 7, 2, 7], shape: [2, 3])
        XCTAssertEqual(x.max(axis: 1).toDoubleArray(), [5, 7])
        XCTAssertEqual(x.argmax(axis: 1), [1, 0])
        XCTAssertEqual(x.argmin(axis: 0), [0, 1, 0])
        XCTAssertEqual(x.max().item, 7)
        let y = randomDouble([3, 4, 5], seed: 22)
        for axis in 0..<3 {
            assertGradients([y]) { $0[0].max(axis: axis) }
            assertGradients([y]) { $0[0].min(axis: axis, keepDims: true) }
        }
    }

    // Expected values (the saturating row): python3 Scripts/oracles/reductions.py
    func testSoftmaxFamily() {
        let x = randomDouble([3, 4, 5], seed: 23)
        for axis in [0, 1, -1] {
            assertGradients([x]) { $0[0].softmax(axis: axis) }
            assertGradients([x]) { $0[0].logSoftmax(axis: axis) }
            assertGradients([x]) { $0[0].logSumExp(axis: axis) }
        }
        let s = x.softmax(axis: 1).sum(axis: 1).toDoubleArray()
        assertClose(s, [Double](repeating: 1, count: s.count), tolerance: 1e-12)
        let big = Tensor([1000.0, 1001, 1002], shape: [1, 3])
        assertClose(
            big.logSoftmax(), shape: [1, 3], [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804],
            tolerance: 1e-12)
        assertClose(
            big.softmax(), shape: [1, 3], [0.09003057317038045, 0.2447284710547976, 0.6652409557748218],
            tolerance: 1e-12)
        assertClose(big.logSumExp(axis: 1), shape: [1], [1002.4076059644444], tolerance: 1e-12)
    }

    func testBroadcastTo() {
        let x = randomDouble([3, 1], seed: 24)
        assertGradients([x]) { $0[0].broadcast(to: [2, 3, 4]) }
    }
}

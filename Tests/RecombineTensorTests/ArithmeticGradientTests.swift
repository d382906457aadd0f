import RecombineTensor
import RecombineTestSupport
import XCTest

final class ArithmeticGradientTests: XCTestCase {
    let shapes: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([2, 1, 4], [3, 1]), ([3, 4], []),
    ]

    func testBroadcastingBinaryOps() {
        for (i, (sa, sb)) in shapes.enumerated() {
            let a = randomDouble(sa, seed: UInt64(i)), b = randomDouble(sb, seed: UInt64(100 + i), mean: 3)
            assertGradients([a, b]) { $0[0] + $0[1] }
            assertGradients([a, b]) { $0[0] - $0[1] }
            assertGradients([a, b]) { $0[0] * $0[1] }
            assertGradients([a, b]) { $0[0] / $0[1] }
            assertGradients([a, b]) { $0[0].maximum($0[1]) }
            assertGradients([a, b]) { $0[0].minimum($0[1]) }
        }
    }

    func testBroadcastGradientsAreSummed() {
        // tinygrad's example: [[1],[2],[3]] + [[10,20,30,40]] gives grads 4 and 3.
        let a = Tensor([1.0, 2, 3], shape: [3, 1]).requiringGrad()
        let b = Tensor([10.0, 20, 30, 40], shape: [1, 4]).requiringGrad()
        (a + b).sum().backward()
        XCTAssertEqual(a.grad!.toDoubleArray(), [4, 4, 4])
        XCTAssertEqual(b.grad!.toDoubleArray(), [3, 3, 3, 3])
    }

    func testPow() {
        let a = randomDouble([3, 4], seed: 1).abs() + 0.5, b = randomDouble([4], seed: 2)
        assertGradients([a, b]) { $0[0].pow($0[1]) }
        assertGradients([a]) { $0[0].pow(3.0) }
        assertGradients([a]) { $0[0].pow(-0.5) }
        // Integral exponents of negative numbers as torch.pow: (−1.5)³ = −3.375, not NaN.
        let negative = -(randomDouble([3, 4], seed: 3).abs() + 0.5)
        assertClose(negative.pow(3).toDoubleArray(), negative.toDoubleArray().map { $0 * $0 * $0 }, tolerance: 1e-12)
        assertGradients([negative]) { $0[0].pow(3.0) }
    }

    /// Integral powers of negative bases and of zero are defined (0⁰ = 1), other powers of negative
    /// bases are NaN, as in torch.pow; with a scalar or a tensor exponent.
    /// Expected values: python3 Scripts/oracles/arithmetic.py
    func testPowMatchesTorchOnNegativeBasesAndZero() throws {
        let x = Tensor([-2.0, -0.5, 0, 0.5, 3], shape: [5])
        assertClose(x.pow(3.0), shape: [5], [-8.0, -0.125, 0.0, 0.125, 27.0], tolerance: 1e-12)
        assertClose(x.pow(2.0), shape: [5], [4.0, 0.25, 0.0, 0.25, 9.0], tolerance: 1e-12)
        assertClose(x.pow(0.0), shape: [5], [1.0, 1.0, 1.0, 1.0, 1.0], tolerance: 1e-12)
        assertClose(
            x.pow(-1.0), shape: [5], [-0.5, -2.0, .infinity, 2.0, 0.3333333333333333], tolerance: 1e-12,
            allowingNonFinite: true)
        assertClose(
            x.pow(0.5), shape: [5], [.nan, .nan, 0.0, 0.7071067811865476, 1.7320508075688772], tolerance: 1e-12,
            allowingNonFinite: true)
        let cubed = x.clone().requiringGrad()
        cubed.pow(3).sum().backward()
        assertClose(try XCTUnwrap(cubed.grad), shape: [5], [12.0, 0.75, 0.0, 0.75, 27.0], tolerance: 1e-12)
        assertClose(
            x.pow(Tensor([3, -2, 0, 0, 0.5] as [Double], shape: [5])), shape: [5],
            [-8.0, 4.0, 1.0, 1.0, 1.7320508075688772], tolerance: 1e-12)
        assertGradients([randomDouble([3, 4], seed: 3)]) { $0[0].pow(3) + $0[0].pow(-2) * 0.01 }
    }

    func testMaximumSplitsTies() {
        let a = Tensor([1.0, 2], shape: [2]).requiringGrad(), b = Tensor([1.0, 3], shape: [2]).requiringGrad()
        a.maximum(b).sum().backward()
        XCTAssertEqual(a.grad!.toDoubleArray(), [0.5, 0])
        XCTAssertEqual(b.grad!.toDoubleArray(), [0.5, 1])
    }

    func testScalarOperatorsAndValues() {
        let a = Tensor([1.0, 2, 4], shape: [3])
        XCTAssertEqual(((a + 1) * 2 - 1).toDoubleArray(), [3, 5, 9])
        XCTAssertEqual((8.0 / a).toDoubleArray(), [8, 4, 2])
        XCTAssertEqual((-a).toDoubleArray(), [-1, -2, -4])
    }

    func testGradientsAccumulateAcrossBackwardCalls() {
        let w = Tensor([2.0], shape: [1]).requiringGrad()
        (w * w).sum().backward()
        (w * 3.0).sum().backward()
        XCTAssertEqual(w.grad!.toDoubleArray(), [7])
    }

    func testSharedSubexpressionGradient() {
        let x = randomDouble([5], seed: 3)
        assertGradients([x]) {
            let y = $0[0].exp(); return y * y + y
        }
    }

    func testNoGradientScopeRecordsNothing() {
        let x = Tensor([1.0, 2], shape: [2]).requiringGrad()
        let y = withoutGradients { x * 2.0 }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        XCTAssertFalse(x.detached().requiresGrad)
    }

    func testLargeParallelBroadcastMatchesSerial() {
        var g = RandomGenerator(seed: 5)
        let a = Tensor.normal([300, 257], generator: &g), b = Tensor.normal([257], generator: &g)
        let c = (a * b).toFloatArray()
        let pa = a.toFloatArray(), pb = b.toFloatArray()
        for i in stride(from: 0, to: c.count, by: 977) { XCTAssertEqual(c[i], pa[i] * pb[i % 257]) }
    }
}

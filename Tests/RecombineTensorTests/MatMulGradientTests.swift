import RecombineTensor
import RecombineTestSupport
import XCTest

final class MatMulGradientTests: XCTestCase {
    func testAllTransposeCombinations() {
        for tA in [false, true] {
            for tB in [false, true] {
                let a = randomDouble(tA ? [4, 3] : [3, 4], seed: 31), b = randomDouble(tB ? [5, 4] : [4, 5], seed: 32)
                assertGradients([a, b]) { $0[0].matmul($0[1], transposeSelf: tA, transposeOther: tB) }
                XCTAssertEqual(a.matmul(b, transposeSelf: tA, transposeOther: tB).shape, [3, 5])
            }
        }
    }

    func testBatchedAndBroadcastBatch() {
        let a = randomDouble([2, 3, 4], seed: 33), b = randomDouble([2, 4, 5], seed: 34),
            w = randomDouble([4, 5], seed: 35)
        assertGradients([a, b]) { $0[0].matmul($0[1]) }
        assertGradients([a, w]) { $0[0].matmul($0[1]) }
        let at = randomDouble([2, 4, 3], seed: 41), bt = randomDouble([2, 5, 4], seed: 42)
        assertGradients([at, bt]) { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true).sum(axis: 0) }
        assertGradients([at, w]) { $0[0].matmul($0[1], transposeSelf: true) }
    }

    func testMatmulValues() {
        let a = Tensor([1.0, 2, 3, 4], shape: [2, 2]), b = Tensor([5.0, 6, 7, 8], shape: [2, 2])
        XCTAssertEqual(a.matmul(b).toDoubleArray(), [19, 22, 43, 50])
        XCTAssertEqual(a.matmul(b, transposeOther: true).toDoubleArray(), [17, 23, 39, 53])
        let af = Tensor([Float(1), 2, 3, 4], shape: [2, 2]), bf = Tensor([Float(5), 6, 7, 8], shape: [2, 2])
        XCTAssertEqual(af.matmul(bf).toFloatArray(), [19, 22, 43, 50])
    }

    /// With two threads and enough work, `linear`'s input and weight gradients are computed side by side, each
    /// by single-threaded GEMM. They must agree with the gradients computed one at a time by two-threaded GEMM
    /// (what happens when only one of the two is wanted; finite-difference checked above) up to float32 rounding
    /// (OpenBLAS's one- and two-thread products differ in the last bits).
    func testLinearGradientsComputedSideBySideAgreeWithTheOnesComputedAlone() {
        Threads.set(2)
        defer { Threads.set(Threads.fromEnvironment()) }
        func gradients(input: Bool, weight: Bool) -> (x: [Double], w: [Double]) {
            let x = randomDouble([128, 64], seed: 41).to(.float32).requiringGrad(input)
            let w = randomDouble([48, 64], seed: 42).to(.float32).requiringGrad(weight)
            let b = randomDouble([48], seed: 43).to(.float32).requiringGrad()
            x.linear(weight: w, bias: b).squared().sum().backward()
            return (x.grad?.toDoubleArray() ?? [], w.grad?.toDoubleArray() ?? [])
        }
        let both = gradients(input: true, weight: true)
        let inputAlone = gradients(input: true, weight: false).x, weightAlone = gradients(input: false, weight: true).w
        XCTAssertEqual([both.x.count, both.w.count], [128 * 64, 48 * 64])
        // Relative to each gradient's largest magnitude: sums of large terms that cancel.
        let scale = { (values: [Double]) in values.map(Swift.abs).max() ?? .nan }
        assertClose(both.x, inputAlone, tolerance: 1e-6 * scale(inputAlone), "input gradient")
        assertClose(both.w, weightAlone, tolerance: 1e-6 * scale(weightAlone), "weight gradient")
    }

    func testLinear() {
        let x = randomDouble([6, 4], seed: 36), w = randomDouble([3, 4], seed: 37), b = randomDouble([3], seed: 38)
        assertGradients([x, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradients([x, w]) { $0[0].linear(weight: $0[1], bias: nil) }
        let x3 = randomDouble([2, 3, 4], seed: 39)
        assertGradients([x3, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        let reference = x.matmul(w, transposeOther: true) + b
        assertClose(x.linear(weight: w, bias: b).toDoubleArray(), reference.toDoubleArray(), tolerance: 1e-12)
    }

    func testReshapeFamily() {
        let x = randomDouble([2, 3, 4], seed: 40)
        assertGradients([x]) { $0[0].reshaped([4, -1]) }
        assertGradients([x]) { $0[0].flattened(startDim: 1) }
        XCTAssertEqual(x.flattened(startDim: 1).shape, [2, 12])
        XCTAssertEqual(x.unflattened(dim: 2, sizes: [2, 2]).shape, [2, 3, 2, 2])
        XCTAssertEqual(x.unsqueezed(axis: -1).shape, [2, 3, 4, 1])
        XCTAssertEqual(x.unsqueezed(axis: 0).squeezed(axis: 0).shape, [2, 3, 4])
    }
}

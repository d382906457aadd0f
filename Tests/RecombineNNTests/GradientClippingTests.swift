import RecombineNN
import RecombineTensor
import RecombineTestSupport
import XCTest

final class GradientClippingTests: XCTestCase {
    let gradients: [[Double]] = [[0.1, -0.2, 0.3, 0.0], [-0.5, 0.4, 0.0, 1.0], [0.2, 0.2, -0.1, 0.3]]

    /// Two parameters, SGD with momentum, each step after clipping (float64).
    func clippedSteps(_ scope: GradientClipping.Scope) -> [Double] {
        let p = Tensor([0.5, -1.0, 2.0, 0.25] as [Double], shape: [2, 2]).requiringGrad()
        let q = Tensor([0.75] as [Double], shape: [1]).requiringGrad()
        let optimizer = SGD(parameters: [p, q], learningRate: 0.1, momentum: 0.9)
        optimizer.gradientClipping = GradientClipping(maxNorm: 0.5, scope: scope)
        for (g, h) in zip(gradients, [0.6, -0.1, 0.2]) {
            p.grad = Tensor(g, shape: [2, 2]); q.grad = Tensor([h], shape: [1])
            optimizer.step()
        }
        return p.toDoubleArray() + q.toDoubleArray()
    }

    // Expected values: python3 Scripts/oracles/optimizers.py
    func testOptimizerStepsWithClippedGradientsMatchTorch() {
        assertClose(
            clippedSteps(.global),
            [0.5006985143982228, -1.0135637315143458, 1.9525122999894187, 0.1402778378631668, 0.6229968161925208],
            tolerance: 1e-12)
        assertClose(
            clippedSteps(.perTensor),
            [0.4929022162506596, -0.9978017730005277, 1.9287, 0.1399955674986807, 0.6134999999999999],
            tolerance: 1e-12)
    }

    func testGradientsWithinTheNormAreLeftAndLargerOnesScaledToIt() {
        let small = Tensor([0.3, 0.4] as [Double], shape: [2]), large = Tensor([3.0, 4.0] as [Double], shape: [2])
        let perTensor = GradientClipping(maxNorm: 1, scope: .perTensor).clipped([small, large])
        XCTAssertTrue(perTensor[0] === small, "a gradient within the norm is not copied")
        assertClose(perTensor[1].toDoubleArray(), [0.6, 0.8], tolerance: 1e-15)
        // Together the norm is √(0.25 + 25): both are scaled by one factor.
        let global = GradientClipping(maxNorm: 1, scope: .global).clipped([small, large])
        let factor = 1 / ((0.25 + 25.0).squareRoot() + 1e-6)
        assertClose(global[0].toDoubleArray(), [0.3 * factor, 0.4 * factor], tolerance: 1e-15)
        assertClose(global[1].toDoubleArray(), [3 * factor, 4 * factor], tolerance: 1e-15)
        XCTAssertTrue(GradientClipping(maxNorm: 10, scope: .global).clipped([small, large])[1] === large)
    }

    func testFloat32GradientsAreClippedWithADoublePrecisionNorm() {
        let g = Tensor([Float](repeating: 3e18, count: 4), shape: [4])  // squares overflow Float
        let clipped = GradientClipping(maxNorm: 1, scope: .perTensor).clipped([g])[0]
        assertClose(clipped.toDoubleArray(), [0.5, 0.5, 0.5, 0.5], tolerance: 1e-6)
    }
}

import RecombineTensor
import RecombineTestSupport
import XCTest

/// `choleskyOrthonormalRows` against its definition through the differentiable Cholesky factor and inverse,
/// in value and gradient, and against finite differences.
final class CholeskyOrthonormalRowsTests: XCTestCase {
    /// The definition: L⁻¹X with X Xᵀ + εI = L Lᵀ, through recorded cholesky, inverse and matmul.
    func definition(_ x: Tensor, epsilon: Double) throws -> Tensor {
        let gram = x.matmul(x, transposeOther: true) + Tensor.eye(x.shape[1], dtype: x.dtype) * epsilon
        return try gram.cholesky().inverse().matmul(x)
    }

    /// Full-rank blocks (D < P), a square one and rank-deficient ones (D > P, held up by ε).
    let shapes = [[4, 3, 7], [3, 4, 4], [3, 5, 2]]

    func testEqualsTheDefinitionInValueAndGradient() throws {
        for (s, shape) in shapes.enumerated() {
            let epsilon = shape[1] > shape[2] ? 0.1 : 1e-6
            let x = randomDouble(shape, seed: UInt64(100 + s))
            let cotangent = randomDouble(shape, seed: UInt64(110 + s))
            let reference = x.detached().requiringGrad(), input = x.detached().requiringGrad()
            let expected = try definition(reference, epsilon: epsilon)
            let ours = try input.choleskyOrthonormalRows(epsilon: epsilon)
            (expected * cotangent).sum().backward()
            (ours * cotangent).sum().backward()
            XCTAssertEqual(ours.shape, shape)
            XCTAssertLessThan(maxAbsoluteDifference(ours.toDoubleArray(), expected.toDoubleArray()), 1e-10, "\(shape)")
            let expectedGradient = reference.grad!.toDoubleArray()
            XCTAssertGreaterThan(maxMagnitude(expectedGradient), 1e-3)
            XCTAssertLessThan(
                maxAbsoluteDifference(input.grad!.toDoubleArray(), expectedGradient),
                1e-9 * maxMagnitude(expectedGradient), "\(shape)")
        }
    }

    func testGradientsMatchFiniteDifferences() {
        for (s, shape) in shapes.enumerated() {
            let epsilon = shape[1] > shape[2] ? 0.1 : 1e-6
            let x = randomDouble(shape, seed: UInt64(120 + s))
            assertGradients([x]) { try! $0[0].choleskyOrthonormalRows(epsilon: epsilon) }
        }
    }

    /// float32 in, float32 out, within float rounding of the float64 result.
    func testFloat32InputStaysWithinRoundingOfFloat64() throws {
        let x = randomDouble([5, 6, 30], seed: 130)
        let expected = try x.choleskyOrthonormalRows(epsilon: 1e-6).toDoubleArray()
        let ours = try x.to(.float32).choleskyOrthonormalRows(epsilon: 1e-6)
        XCTAssertEqual(ours.dtype, .float32)
        XCTAssertLessThan(maxAbsoluteDifference(ours.toDoubleArray(), expected), 1e-5 * maxMagnitude(expected))
    }

    func testAnAllZeroSampleWithoutRegularisationIsReportedNotPositiveDefinite() {
        let x = Tensor.concatenate(
            [randomDouble([1, 2, 5], seed: 140), Tensor.zeros([1, 2, 5], dtype: .float64)], axis: 0)
        XCTAssertThrowsError(try x.choleskyOrthonormalRows(epsilon: 0)) { error in
            XCTAssertEqual(error as? LinalgError, .notPositiveDefinite(order: 1))
        }
        XCTAssertNoThrow(try x.choleskyOrthonormalRows(epsilon: 1e-3))
    }
}

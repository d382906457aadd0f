import Foundation
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The tensor kernel's chordal distances (methods.md §2.4–§2.5): both orthogonalisation paths against
/// a NumPy transcription of the TensorFlow algorithm (eigh, V = xᵀU diag(1/√(λ+ε)), 2(D − ‖V_aᵀV_b‖²)),
/// against each other in value and gradient, and against finite differences.
final class TensorKernelTests: XCTestCase {
    /// A float64 batch of standard normal samples.
    func batch(seed: UInt64, shape: [Int]) -> Tensor {
        var g = RandomGenerator(seed: seed)
        return Tensor.normal(shape, generator: &g, dtype: .float64)
    }

    func testUnfoldingKeepsTheOtherAxesInOrder() {
        let x = Tensor((0..<24).map(Double.init), shape: [1, 2, 3, 4])
        let unfolded = TensorKernel.unfold(x, mode: 2)
        XCTAssertEqual(unfolded.shape, [1, 3, 8])
        // Row j of the mode-2 unfolding holds x[0, c, j, w] for c = 0, 1 and w = 0…3.
        XCTAssertEqual(Array(unfolded.toDoubleArray()[0..<8]), [0, 1, 2, 3, 12, 13, 14, 15])
    }

    func testDistancesMatchTheTensorFlowAlgorithmInNumpy() throws {
        try PythonOracle.require(["numpy"])
        // Modes of sizes 3, 4 and 5 (P = 20, 15, 12: full rank) and a second batch whose channel mode
        // (6 rows, P = 4) is rank-deficient.
        for shape in [[5, 3, 4, 5], [4, 6, 2, 2]] {
            let x = batch(seed: 7, shape: shape)
            let script = """
                import json, sys, numpy as np
                x = np.array(json.loads(sys.argv[1])).reshape(json.loads(sys.argv[2]))
                n, total = x.shape[0], 0
                for m in range(1, x.ndim):
                    others = [a for a in range(1, x.ndim) if a != m]
                    u = np.transpose(x, [0, m] + others).reshape(n, x.shape[m], -1)
                    D = u.shape[1]
                    V = []
                    for a in range(n):
                        lam, U = np.linalg.eigh(u[a] @ u[a].T)
                        V.append(u[a].T @ U @ np.diag(1 / np.sqrt(np.maximum(lam, 0) + 1e-6)))
                    t = np.array([[np.sum((V[a].T @ V[b]) ** 2) for b in range(n)] for a in range(n)])
                    total = total + np.maximum(2 * (D - t), 0)
                print(json.dumps(total.ravel().tolist()))
                """
            let output = try PythonOracle.run(script, arguments: ["\(x.toDoubleArray())", "\(shape)"])
            let expected = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Double])
            for path in [TensorKernel.Orthogonalisation.cholesky, .eigen] {
                let ours = try TensorKernel(orthogonalisation: path).distances(x).toDoubleArray()
                XCTAssertEqual(ours.count, expected.count)
                // NumPy computes the rank-deficient mode through eigh, which leaves an O(ε) residue from the
                // near-null eigenvectors on the diagonal (4.00001 instead of 2(D − P) = 4); ours is the constant.
                let tolerance = shape[1] > shape[2] * shape[3] ? 2e-5 : 1e-6
                for (o, e) in zip(ours, expected) {
                    XCTAssertEqual(o, e, accuracy: tolerance * Swift.max(1, Swift.abs(e)), "\(shape) \(path)")
                }
            }
        }
    }

    func testRankDeficientModeIsAConstantWithoutGradient() throws {
        let x = batch(seed: 3, shape: [4, 6, 2, 2]).requiringGrad()
        let withConstant = try TensorKernel(deficientModes: .constant).distances(x)
        let without = try TensorKernel(deficientModes: .omit).distances(x)
        let difference = (withConstant - without).toDoubleArray()
        assertClose(difference, [Double](repeating: 2 * (6 - 4), count: difference.count), tolerance: 1e-12)
        // The diagonal of the informative modes is about 0 (up to the ε regulariser).
        let diagonal = (0..<4).map { without.toDoubleArray()[$0 * 5] }
        XCTAssertLessThan(maxMagnitude(diagonal), 1e-4)
    }

    func testBothPathsAgreeInValueAndGradient() throws {
        let x = batch(seed: 11, shape: [5, 3, 4, 5])
        var g = RandomGenerator(seed: 2)
        let weights = Tensor.normal([5, 5], generator: &g, dtype: .float64)
        var values: [[Double]] = [], gradients: [[Double]] = []
        for path in [TensorKernel.Orthogonalisation.cholesky, .eigen] {
            let input = x.detached().requiringGrad()
            let d = try TensorKernel(orthogonalisation: path).distances(input)
            (d * weights).sum().backward()
            values.append(d.toDoubleArray()); gradients.append(try XCTUnwrap(input.grad).toDoubleArray())
        }
        for (a, b) in zip(values[0], values[1]) { XCTAssertEqual(a, b, accuracy: 1e-8 * Swift.max(1, Swift.abs(a))) }
        let scale = maxMagnitude(gradients[0])
        XCTAssertGreaterThan(scale, 1e-3)
        for (a, b) in zip(gradients[0], gradients[1]) { XCTAssertEqual(a, b, accuracy: 1e-6 * scale) }
    }

    func testGradientsMatchFiniteDifferences() {
        let x = batch(seed: 5, shape: [4, 3, 2, 4])
        var g = RandomGenerator(seed: 9)
        let weights = Tensor.normal([4, 4], generator: &g, dtype: .float64)
        for path in [TensorKernel.Orthogonalisation.cholesky, .eigen] {
            let error = GradientCheck.maxRelativeError([x]) { inputs in
                (try! TensorKernel(orthogonalisation: path).distances(inputs[0]) * weights).sum()
            }
            XCTAssertLessThan(error, 1e-5, "\(path)")
        }
    }

    /// Chordal distances see subspaces only: scaling a sample, or mixing its rows in every mode,
    /// leaves them unchanged.
    func testDistancesDependOnlyOnRowSpaces() throws {
        let x = batch(seed: 13, shape: [3, 3, 4, 5])
        let scaled = Tensor.concatenate(
            [x.slice(axis: 0, start: 0, end: 1) * 7.5, x.slice(axis: 0, start: 1)], axis: 0)
        let kernel = TensorKernel()
        let a = try kernel.distances(x).toDoubleArray(), b = try kernel.distances(scaled).toDoubleArray()
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        XCTAssertGreaterThan(a.max()!, 1)
    }

    /// tk-uco's TensorFlow pdist gradient equals the exact one for a symmetric upstream gradient and
    /// differs for the asymmetric one of the Cauchy–Schwarz terms (methods.md §1.5).
    func testTensorFlowPdistGradient() {
        var g = RandomGenerator(seed: 4)
        let x = Tensor.normal([6, 3], generator: &g, dtype: .float64)
        let upper = Tensor.normal([6, 6], generator: &g, dtype: .float64)
        let symmetric = upper + upper.transposed(0, 1)
        func gradients(_ weights: Tensor) -> (exact: [Double], tensorflow: [Double]) {
            let a = x.detached().requiringGrad(), b = x.detached().requiringGrad()
            (Tensor.pairwiseSquaredDistances(a, a) * weights).sum().backward()
            (Tensor.pairwiseSquaredDistancesTensorFlowGradient(b) * weights).sum().backward()
            return (a.grad!.toDoubleArray(), b.grad!.toDoubleArray())
        }
        let same = gradients(symmetric)
        for (u, v) in zip(same.exact, same.tensorflow) { XCTAssertEqual(u, v, accuracy: 1e-10) }
        let different = gradients(upper)
        let gap = maxAbsoluteDifference(different.exact, different.tensorflow)
        XCTAssertGreaterThan(gap, 1e-2)
        XCTAssertEqual(
            Tensor.pairwiseSquaredDistancesTensorFlowGradient(x).toDoubleArray(),
            Tensor.pairwiseSquaredDistances(x, x).toDoubleArray().map { $0 }, accuracy: 1e-12)
    }
}

private func XCTAssertEqual(
    _ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: accuracy, file: file, line: line) }
}

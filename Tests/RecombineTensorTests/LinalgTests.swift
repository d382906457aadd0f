import RecombineTensor
import RecombineTestSupport
import XCTest

final class LinalgTests: XCTestCase {
    /// A symmetric positive definite matrix M Mᵀ + n·I built from M, so gradients flow to M.
    func spd(_ m: Tensor) -> Tensor {
        m.matmul(m, transposeOther: true) + Tensor.eye(m.shape[0], dtype: .float64) * Double(m.shape[0])
    }

    func testEigenDecompositionReconstructsAndOrdersValues() throws {
        let a = spd(randomDouble([5, 5], seed: 1))
        let (values, vectors) = try a.symmetricEigen()
        let v = values.toDoubleArray()
        XCTAssertEqual(v, v.sorted())
        let reconstructed = vectors.matmul(vectors * values.reshaped([1, 5]), transposeOther: true)
        assertClose(reconstructed.toDoubleArray(), a.toDoubleArray(), tolerance: 1e-10)
    }

    func testEigenGradientsForValuesAndVectors() {
        assertGradients([randomDouble([4, 4], seed: 2)]) { xs in
            let a = xs[0] + xs[0].T
            let (values, vectors) = try! a.symmetricEigen()
            // Sign-invariant use of the eigenvectors: squared entries.
            return values.pow(3).sum()
                + (vectors.squared() * Tensor.arange(0, 16, dtype: .float64).reshaped([4, 4])).sum()
        }
        assertGradients([randomDouble([2, 3, 3], seed: 3)]) { xs in
            let a = xs[0] + xs[0].transposed(1, 2)
            return try! a.symmetricEigen().values.exp().sum()
        }
    }

    func testEigenGradientIsFiniteAndCorrectWithARepeatedEigenvalue() {
        // A = Q diag(1, 1, 3, 5) Qᵀ(M): the top-2 projector V₂V₂ᵀ is invariant to rotations inside the
        // repeated eigenvalue's eigenspace, so its gradient is well defined.
        var g = RandomGenerator(seed: 4)
        let q = try! (Tensor.normal([4, 4], generator: &g, dtype: .float64)).svd().u
        let base = q.matmul(q * Tensor([1, 1, 3, 5] as [Double], shape: [1, 4]), transposeOther: true)
        assertGradients([randomDouble([4, 4], seed: 5)], tolerance: 1e-5) { xs in
            let a = base + (xs[0] + xs[0].T) * 1e-3
            let top = try! a.symmetricEigen().vectors.slice(axis: 1, start: 2)
            return (top.matmul(top, transposeOther: true) * Tensor.arange(0, 16, dtype: .float64).reshaped([4, 4]))
                .sum()
        }
        let a = base.requiringGrad()
        let (values, vectors) = try! a.symmetricEigen()
        (values.sum() + vectors.slice(axis: 1, start: 2).squared().sum()).backward()
        XCTAssertTrue(a.grad!.toDoubleArray().allSatisfy(\.isFinite))
    }

    func testCholeskyAndItsGradient() throws {
        let a = spd(randomDouble([4, 4], seed: 6))
        let l = try a.cholesky()
        assertClose(l.matmul(l, transposeOther: true).toDoubleArray(), a.toDoubleArray(), tolerance: 1e-10)
        XCTAssertEqual(l[flat: 1], 0)
        assertGradients([randomDouble([4, 4], seed: 7)]) { xs in (try! self.spd(xs[0]).cholesky()).pow(3).sum() }
        XCTAssertThrowsError(try Tensor([1, 2, 2, 1] as [Double], shape: [2, 2]).cholesky()) { error in
            XCTAssertEqual(error as? LinalgError, .notPositiveDefinite(order: 2))
        }
    }

    func testInverseSolveAndTheirGradients() throws {
        let a = spd(randomDouble([3, 3], seed: 8)), b = randomDouble([3, 2], seed: 9)
        assertClose(
            try a.inverse().matmul(a).toDoubleArray(), Tensor.eye(3, dtype: .float64).toDoubleArray(), tolerance: 1e-12)
        assertClose(a.matmul(try a.spdSolve(b)).toDoubleArray(), b.toDoubleArray(), tolerance: 1e-12)
        assertGradients([randomDouble([3, 3], seed: 10)]) { xs in
            (try! (xs[0] + Tensor.eye(3, dtype: .float64) * 3).inverse()).squared().sum()
        }
        assertGradients([randomDouble([3, 3], seed: 11), randomDouble([3, 2], seed: 12)]) { xs in
            (try! self.spd(xs[0]).spdSolve(xs[1])).squared().sum()
        }
        assertGradients([randomDouble([2, 3, 3], seed: 13)]) { xs in
            (try! (xs[0] + Tensor.eye(3, dtype: .float64) * 4).inverse()).sum()
        }
        XCTAssertThrowsError(try Tensor.zeros([2, 2], dtype: .float64).inverse())
    }

    func testSVDReconstructs() throws {
        let a = randomDouble([5, 3], seed: 14)
        let (u, s, vt) = try a.svd()
        XCTAssertEqual(s.toDoubleArray(), s.toDoubleArray().sorted(by: >))
        assertClose((u * s.reshaped([1, 3])).matmul(vt).toDoubleArray(), a.toDoubleArray(), tolerance: 1e-12)
    }
}

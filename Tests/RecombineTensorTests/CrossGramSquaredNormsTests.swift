import RecombineTensor
import RecombineTestSupport
import XCTest

/// `crossGramSquaredNorms` against its definition (every block X_a X_bᵀ from one product, squared and summed)
/// in value and gradient, by both routes, and against finite differences.
final class CrossGramSquaredNormsTests: XCTestCase {
    /// The definition: all (N·D)² cross products through recorded matmul, squared and summed per block.
    func definition(_ x: Tensor) -> Tensor {
        let (n, d, p) = (x.shape[0], x.shape[1], x.shape[2])
        let rows = x.reshaped([n * d, p])
        return rows.matmul(rows, transposeOther: true).squared().reshaped([n, d, n, d]).sum(axis: 3).sum(axis: 1)
    }

    /// Shapes with D² > P (projectors cheaper), D² < P, D = 1, and D ≥ P.
    let shapes = [[5, 4, 6], [4, 2, 9], [3, 1, 5], [4, 5, 3]]
    let routes: [CrossGramRoute] = [.crossProducts, .projectors]

    func testBothRoutesEqualTheDefinitionInValueAndGradient() {
        for (s, shape) in shapes.enumerated() {
            let x = randomDouble(shape, seed: UInt64(60 + s))
            let cotangent = randomDouble([shape[0], shape[0]], seed: UInt64(70 + s))
            let reference = x.detached().requiringGrad()
            let expected = definition(reference)
            (expected * cotangent).sum().backward()
            for route in routes {
                let input = x.detached().requiringGrad()
                let ours = input.crossGramSquaredNorms(route: route)
                (ours * cotangent).sum().backward()
                XCTAssertEqual(ours.shape, [shape[0], shape[0]])
                let valueGap = maxAbsoluteDifference(ours.toDoubleArray(), expected.toDoubleArray())
                XCTAssertLessThan(valueGap, 1e-10 * maxMagnitude(expected.toDoubleArray()), "\(shape) \(route)")
                let gradientGap = maxAbsoluteDifference(input.grad!.toDoubleArray(), reference.grad!.toDoubleArray())
                XCTAssertLessThan(
                    gradientGap, 1e-10 * maxMagnitude(reference.grad!.toDoubleArray()), "\(shape) \(route)")
            }
        }
    }

    func testGradientsMatchFiniteDifferences() {
        for (s, shape) in shapes.enumerated() {
            let x = randomDouble(shape, seed: UInt64(80 + s))
            for route in routes {
                assertGradients([x]) { $0[0].crossGramSquaredNorms(route: route) }
            }
        }
    }

    /// In float32 (as in training) both routes stay within float rounding of the float64 definition.
    func testFloat32RoutesMatchTheFloat64Definition() {
        let x = randomDouble([6, 8, 20], seed: 90)
        let expected = definition(x).toDoubleArray()
        let scale = maxMagnitude(expected)
        for route in routes {
            let ours = x.to(.float32).crossGramSquaredNorms(route: route)
            XCTAssertEqual(ours.dtype, .float32)
            XCTAssertLessThan(maxAbsoluteDifference(ours.toDoubleArray(), expected), 1e-5 * scale, "\(route)")
        }
    }

    /// ddc_uco's modes: the channel mode of 32×20×20 (D = 32, P = 400) goes through the projectors, the
    /// spatial ones (D = 20, P = 640) and 32×3×3's (D = 3, P = 96) through the cross products.
    func testCheaperRouteFollowsTheFlopCounts() {
        XCTAssertEqual(CrossGramRoute.cheaper(n: 120, d: 32, p: 400), .projectors)
        XCTAssertEqual(CrossGramRoute.cheaper(n: 120, d: 20, p: 640), .crossProducts)
        XCTAssertEqual(CrossGramRoute.cheaper(n: 120, d: 3, p: 96), .crossProducts)
    }
}

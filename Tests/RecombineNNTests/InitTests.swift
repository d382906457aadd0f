import Foundation
import RecombineNN
import RecombineTensor
import RecombineTestSupport
import XCTest

final class InitTests: XCTestCase {
    func stats(_ t: Tensor) -> (mean: Double, variance: Double, min: Double, max: Double) {
        let v = t.toDoubleArray()
        let mean = v.reduce(0, +) / Double(v.count)
        return (mean, v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count), v.min()!, v.max()!)
    }

    func testFansAndGainsAsTorch() {
        XCTAssertTrue(Init.fans([64, 32, 3, 3]) == (288, 576))
        XCTAssertTrue(Init.fans([10, 784]) == (784, 10))
        XCTAssertEqual(Init.gain(nonlinearity: "relu"), 2.0.squareRoot())
        XCTAssertEqual(Init.gain(nonlinearity: "leaky_relu", parameter: 5.0.squareRoot()), (2.0 / 6).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(Init.gain(nonlinearity: "tanh"), 5.0 / 3)
    }

    func testDistributionsHaveTorchsMoments() {
        var g = RandomGenerator(seed: 1)
        let w = Tensor.zeros([400, 300])
        Init.xavierUniform(w, generator: &g)
        let a = (6.0 / 700).squareRoot()
        var s = stats(w)
        XCTAssertEqual(s.variance, a * a / 3, accuracy: a * a / 3 * 0.03)
        XCTAssertLessThanOrEqual(s.max, a); XCTAssertGreaterThanOrEqual(s.min, -a)
        Init.kaimingNormal(w, mode: "fan_out", nonlinearity: "relu", generator: &g)
        s = stats(w)
        XCTAssertEqual(s.variance, 2.0 / 400, accuracy: 2.0 / 400 * 0.03)
        XCTAssertEqual(s.mean, 0, accuracy: 0.002)
        Init.truncNormal(w, std: 1, a: -0.5, b: 1, generator: &g)
        s = stats(w)
        XCTAssertGreaterThanOrEqual(s.min, -0.5); XCTAssertLessThanOrEqual(s.max, 1)
        let linear = Linear(inFeatures: 500, outFeatures: 400, generator: &g)
        s = stats(linear.weight)
        XCTAssertEqual(s.max, 1 / 500.0.squareRoot(), accuracy: 1e-3)  // kaiming_uniform(a=√5) bound = 1/√fan_in
        XCTAssertEqual(s.variance, 1.0 / 1500, accuracy: 1.0 / 1500 * 0.03)
    }

    func testOrthogonalRowsOrColumnsAreOrthonormal() {
        var g = RandomGenerator(seed: 2)
        for shape in [[6, 4], [4, 6]] {
            let w = Tensor.zeros(shape, dtype: .float64)
            Init.orthogonal(w, gain: 2, generator: &g)
            let gram = shape[0] >= shape[1] ? w.matmul(w, transposeSelf: true) : w.matmul(w, transposeOther: true)
            let n = Swift.min(shape[0], shape[1])
            let expected = (0..<(n * n)).map { $0 / n == $0 % n ? 4.0 : 0.0 }
            assertClose(gram.toDoubleArray(), expected, tolerance: 1e-12)
        }
    }

    func testApplyByNameAcceptsTrailingUnderscoreAndRejectsUnknown() throws {
        var g = RandomGenerator(seed: 3)
        let t = Tensor.zeros([3])
        try Init.apply("constant_", to: t, arguments: ["val": 0.5], generator: &g)
        XCTAssertEqual(t.toDoubleArray(), [0.5, 0.5, 0.5])
        XCTAssertThrowsError(try Init.apply("xavier_uniformm", to: t, arguments: [:], generator: &g))
    }
}

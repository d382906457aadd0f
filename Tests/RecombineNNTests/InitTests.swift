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

    // Expected values: python3 Scripts/oracles/initialisers.py
    func testFansAndGainsAsTorch() {
        XCTAssertTrue(Init.fans([64, 32, 3, 3]) == (288, 576))
        XCTAssertTrue(Init.fans([10, 784]) == (784, 10))
        XCTAssertEqual(Init.gain(nonlinearity: "relu"), 1.4142135623730951, accuracy: 1e-15)
        XCTAssertEqual(
            Init.gain(nonlinearity: "leaky_relu", parameter: 5.0.squareRoot()), 0.5773502691896257, accuracy: 1e-15)
        XCTAssertEqual(Init.gain(nonlinearity: "tanh"), 1.6666666666666667, accuracy: 1e-15)
    }

    /// Moments of 120 000 draws against those of torch's distributions (variances within 3 %), and
    /// bounded draws inside torch's bounds.
    /// Expected values: python3 Scripts/oracles/initialisers.py
    func testDistributionsHaveTorchsMoments() {
        var g = RandomGenerator(seed: 1)
        let w = Tensor.zeros([400, 300])
        Init.xavierUniform(w, generator: &g)
        var s = stats(w)
        let xavierBound = 0.09258200997725514, xavierVariance = 0.002857142857142857
        XCTAssertEqual(s.variance, xavierVariance, accuracy: xavierVariance * 0.03)
        XCTAssertLessThanOrEqual(s.max, xavierBound); XCTAssertGreaterThanOrEqual(s.min, -xavierBound)
        Init.kaimingNormal(w, mode: "fan_out", nonlinearity: "relu", generator: &g)
        s = stats(w)
        XCTAssertEqual(s.variance, 0.005, accuracy: 0.005 * 0.03)
        XCTAssertEqual(s.mean, 0, accuracy: 0.002)
        Init.truncNormal(w, std: 1, a: -0.5, b: 1, generator: &g)
        s = stats(w)
        XCTAssertGreaterThanOrEqual(s.min, -0.5); XCTAssertLessThanOrEqual(s.max, 1)
        XCTAssertEqual(s.mean, 0.20663121806153306, accuracy: 0.005)
        XCTAssertEqual(s.variance, 0.1727732590864931, accuracy: 0.1727732590864931 * 0.03)
        let linear = Linear(inFeatures: 500, outFeatures: 400, generator: &g)
        s = stats(linear.weight)
        // kaiming_uniform(a=√5): 1/√fan_in
        let linearBound = 0.04472135954999579, linearVariance = 0.0006666666666666665
        XCTAssertEqual(s.max, linearBound, accuracy: 1e-3)
        XCTAssertEqual(s.variance, linearVariance, accuracy: linearVariance * 0.03)
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

import RecombineTensor
import RecombineTestSupport
import XCTest

final class UnaryGradientTests: XCTestCase {
    func testMathFunctions() {
        let x = randomDouble([4, 5], seed: 11)
        let positive = x.abs() + 0.1
        assertGradients([x]) { $0[0].exp() }
        assertGradients([positive]) { $0[0].log() }
        assertGradients([positive]) { $0[0].sqrt() }
        assertGradients([x]) { $0[0].abs() }
        assertGradients([x]) { $0[0].squared() }
        assertGradients([x]) { -$0[0] }
        assertGradients([x]) { $0[0].clamped(min: -0.5, max: 0.7) }
    }

    func testActivations() {
        // Keep inputs away from kinks, where finite differences are not meaningful.
        let x = randomDouble([4, 6], seed: 12)
        let awayFromZero = x + (x.greater(Tensor.zeros([], dtype: .float64)) * 2.0 - 1.0) * 0.05
        assertGradients([awayFromZero]) { $0[0].relu() }
        assertGradients([awayFromZero]) { $0[0].leakyReLU(negativeSlope: 0.2) }
        assertGradients([awayFromZero]) { $0[0].elu(alpha: 1.3) }
        assertGradients([awayFromZero]) { $0[0].celu(alpha: 0.7) }
        assertGradients([awayFromZero]) { $0[0].selu() }
        assertGradients([x]) { $0[0].gelu() }
        assertGradients([x]) { $0[0].sigmoid() }
        assertGradients([x]) { $0[0].tanh() }
        assertGradients([x]) { $0[0].softplus(beta: 2, threshold: 20) }
        assertGradients([x * 0.3]) { $0[0].hardtanh(min: -1, max: 1) }
    }

    /// Every activation, at defaults and at other parameters, on both sides of every kink and in saturation.
    /// Expected values: python3 Scripts/oracles/activations.py
    func testActivationValuesMatchTorch() {
        let x = Tensor([-2.0, -0.5, 0, 0.5, 30], shape: [5])
        assertClose(x.relu(), shape: [5], [0.0, 0.0, 0.0, 0.5, 30.0], tolerance: 1e-12)
        assertClose(x.leakyReLU(), shape: [5], [-0.02, -0.005, 0.0, 0.5, 30.0], tolerance: 1e-12)
        assertClose(x.leakyReLU(negativeSlope: 0.2), shape: [5], [-0.4, -0.1, 0.0, 0.5, 30.0], tolerance: 1e-12)
        assertClose(x.elu(), shape: [5], [-0.8646647167633873, -0.3934693402873666, 0.0, 0.5, 30.0], tolerance: 1e-12)
        assertClose(
            x.elu(alpha: 1.3), shape: [5], [-1.1240641317924036, -0.5115101423735766, 0.0, 0.5, 30.0], tolerance: 1e-12)
        assertClose(
            x.celu(alpha: 0.7), shape: [5], [-0.6597971665126678, -0.3573208383101328, 0.0, 0.5, 30.0], tolerance: 1e-12
        )
        assertClose(
            x.selu(), shape: [5],
            [-1.5201664685956948, -0.6917581878028713, 0.0, 0.5253504936777402, 31.521029620664414], tolerance: 1e-12)
        assertClose(
            x.gelu(), shape: [5], [-0.04550026389635842, -0.15426876936299344, 0.0, 0.34573123063700656, 30.0],
            tolerance: 1e-12)
        assertClose(
            x.sigmoid(), shape: [5],
            [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 0.9999999999999065], tolerance: 1e-12)
        assertClose(
            x.tanh(), shape: [5], [-0.9640275800758169, -0.46211715726000974, 0.0, 0.46211715726000974, 1.0],
            tolerance: 1e-12)
        assertClose(
            x.softplus(), shape: [5],
            [0.1269280110429725, 0.4740769841801067, 0.6931471805599453, 0.9740769841801067, 30.0], tolerance: 1e-12)
        assertClose(
            x.softplus(beta: 2, threshold: 20), shape: [5],
            [0.009074963958904869, 0.15663084375911143, 0.34657359027997264, 0.6566308437591114, 30.0], tolerance: 1e-12
        )
        assertClose(x.hardtanh(), shape: [5], [-1.0, -0.5, 0.0, 0.5, 1.0], tolerance: 1e-12)
        assertClose(x.hardtanh(min: -0.25, max: 0.75), shape: [5], [-0.25, -0.25, 0.0, 0.5, 0.75], tolerance: 1e-12)
    }

    /// The sign-branch-free sigmoid must give the same float32 bits as the two-sided formula
    /// x ≥ 0 ? 1/(1 + e^−x) : e^x/(1 + e^x), including at ±0, ±∞, NaN and where e^x underflows.
    func testSigmoidIsBitIdenticalToTheTwoSidedFormula() {
        var values: [Float] = [0, -0, .infinity, -.infinity, .nan, 88, -88, 104, -104, 1e-30, -1e-30]
        var state: UInt32 = 12345
        for _ in 0..<20_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            values.append((Float(state >> 8) / Float(1 << 24) - 0.5) * 60)
        }
        let got = Tensor(values, shape: [values.count]).sigmoid().toFloatArray()
        for (x, y) in zip(values, got) {
            let expected = x >= 0 ? 1 / (1 + Float.exp(-x)) : Float.exp(x) / (1 + Float.exp(x))
            XCTAssertTrue(
                y.bitPattern == expected.bitPattern || (y.isNaN && expected.isNaN),
                "sigmoid(\(x)) = \(y), not \(expected)")
        }
    }

    /// A NaN input stays NaN through every activation, as in torch (relu, leaky_relu, elu, celu, selu, gelu,
    /// sigmoid, tanh, softplus, hardtanh all return NaN), so finiteness checks see a diverging layer.
    func testActivationsKeepNaNAsTorchDoes() {
        let x = Tensor([Float.nan, 1, -1], shape: [3])
        let activations: [(String, (Tensor) -> Tensor)] = [
            ("relu", { $0.relu() }), ("leaky_relu", { $0.leakyReLU() }), ("elu", { $0.elu() }),
            ("celu", { $0.celu(alpha: 2) }), ("selu", { $0.selu() }), ("gelu", { $0.gelu() }),
            ("sigmoid", { $0.sigmoid() }), ("tanh", { $0.tanh() }), ("softplus", { $0.softplus() }),
            ("hardtanh", { $0.hardtanh() }),
        ]
        for (name, activation) in activations {
            let y = activation(x).toFloatArray()
            XCTAssertTrue(y[0].isNaN, "\(name)(NaN) = \(y[0])")
            XCTAssertTrue(y[1].isFinite && y[2].isFinite, "\(name) of finite values: \(y)")
        }
        XCTAssertEqual(x.relu().toFloatArray()[1...], [1, 0])
    }
}

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

    func testActivationValuesMatchTorchDefinitions() {
        let x = Tensor([-2.0, -0.5, 0, 0.5, 30], shape: [5])
        assertClose(x.relu().toDoubleArray(), [0, 0, 0, 0.5, 30])
        assertClose(x.leakyReLU().toDoubleArray(), [-0.02, -0.005, 0, 0.5, 30])
        assertClose(x.sigmoid().toDoubleArray(), [0.11920292202211755, 0.3775406687981454, 0.5, 0.6224593312018546, 1])
        assertClose(x.gelu().toDoubleArray(), [-0.04550026389635842, -0.15426876936299344, 0, 0.34573123063700656, 30])
        assertClose(x.softplus().toDoubleArray(), [0.1269280110429725, 0.47407698418010663, 0.6931471805599453, 0.9740769841801067, 30])
        assertClose(x.selu().toDoubleArray(), [-1.5201664685956006, -0.6917581878028888, 0, 0.5253504936777402, 31.52102962066441])
    }
}

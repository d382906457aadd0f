import RecombineNN
import RecombineTensor
import RecombineTestSupport
import XCTest

/// Three steps on a fixed 2×2 parameter with fixed gradients, against torch 2.13's optimizers (float64).
final class OptimizerTests: XCTestCase {
    let gradients: [[Double]] = [[0.1, -0.2, 0.3, 0.0], [-0.5, 0.4, 0.0, 1.0], [0.2, 0.2, -0.1, 0.3]]

    func run(_ make: ([Tensor]) -> Optimizer) -> [Double] {
        let p = Tensor([0.5, -1.0, 2.0, 0.25] as [Double], shape: [2, 2]).requiringGrad()
        let optimizer = make([p])
        for g in gradients { p.grad = Tensor(g, shape: [2, 2]); optimizer.step() }
        return p.toDoubleArray()
    }

    // Expected values: python3 Scripts/oracles/optimizers.py
    func testSGDWithMomentumDampeningAndWeightDecay() {
        assertClose(
            run { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) },
            [0.5377358064950001, -1.02692021299, 1.91717103408, 0.050752057297499965], tolerance: 1e-12)
        assertClose(
            run { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
            [0.56311, -1.07762, 1.9158300000000001, -0.078], tolerance: 1e-12)
    }

    // Expected values: python3 Scripts/oracles/optimizers.py
    func testAdamAMSGradWithWeightDecayAndAdamW() {
        assertClose(
            run { Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.1, amsgrad: true) },
            [0.49536325941464154, -0.9924286564217549, 1.9730478188966403, 0.22486991329536588], tolerance: 1e-12)
        assertClose(
            run { AdamW(groups: [ParameterGroup(parameters: $0, learningRate: 0.01)], weightDecay: 0.1) },
            [0.4964709978437737, -0.9958727715970122, 1.9744407532164867, 0.23447098320266238], tolerance: 1e-12)
    }

    // Expected values: python3 Scripts/oracles/optimizers.py
    func testRMSpropCenteredWithMomentumAndAdagrad() {
        assertClose(
            run {
                RMSprop(
                    groups: [ParameterGroup(parameters: $0, learningRate: 0.01)], weightDecay: 0.1, momentum: 0.5,
                    centered: true)
            },
            [0.4218019976780602, -0.9566155449768101, 1.7548396945356002, -0.10531580098734165], tolerance: 1e-12)
        assertClose(
            run {
                Adagrad(
                    groups: [ParameterGroup(parameters: $0, learningRate: 0.1)], learningRateDecay: 0.1,
                    weightDecay: 0.1, initialAccumulatorValue: 0.5)
            },
            [0.5037677697005697, -1.0044594138397975, 1.913756674724723, 0.1510905891782618], tolerance: 1e-12)
    }

    func testParametersWithoutGradientsAreSkippedAndStateRoundTrips() {
        let a = Tensor([1, 2] as [Double], shape: [2]).requiringGrad(),
            b = Tensor([3] as [Double], shape: [1]).requiringGrad()
        let adam = Adam(parameters: [a, b], learningRate: 0.1)
        a.grad = Tensor([1, 1] as [Double], shape: [2])
        adam.step()
        XCTAssertEqual(b.toDoubleArray(), [3])
        let state = adam.stateTensors()
        XCTAssertEqual(Set(state.keys), ["0.exp_avg", "0.exp_avg_sq", "0.step"])
        let copy = Adam(parameters: [a, b], learningRate: 0.1)
        copy.loadState(state)
        XCTAssertEqual(copy.stateTensors()["0.exp_avg"]?.toDoubleArray(), state["0.exp_avg"]?.toDoubleArray())
    }

    // Expected values: python3 Scripts/oracles/optimizers.py
    func testSchedulersMatchTorch() {
        func rates(_ schedule: LearningRateScheduler.Schedule) -> [Double] {
            let optimizer = SGD(parameters: [Tensor.zeros([1]).requiringGrad()], learningRate: 0.5)
            let scheduler = LearningRateScheduler(optimizer: optimizer, schedule: schedule)
            var out: [Double] = []
            for _ in 0..<7 { out.append(optimizer.learningRate); scheduler.step() }
            return out
        }
        assertClose(
            rates(.step(stepSize: 2, gamma: 0.5)), [0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625], tolerance: 1e-12)
        assertClose(
            rates(.multiStep(milestones: [1, 4], gamma: 0.1)),
            [0.5, 0.05, 0.05, 0.05, 0.005000000000000001, 0.005000000000000001, 0.005000000000000001], tolerance: 1e-12)
        assertClose(
            rates(.exponential(gamma: 0.9)),
            [0.5, 0.45, 0.405, 0.36450000000000005, 0.32805000000000006, 0.2952450000000001, 0.2657205000000001],
            tolerance: 1e-12)
        assertClose(
            rates(.cosineAnnealing(tMax: 5, etaMin: 0.01)),
            [
                0.5, 0.45320916362186214, 0.33070916362186215, 0.1792908363781379, 0.0567908363781379, 0.01,
                0.05679083637813787,
            ], tolerance: 1e-12)
        assertClose(
            rates(.linear(startFactor: 0.25, endFactor: 1, totalIterations: 4)),
            [0.125, 0.21875, 0.3125, 0.40625, 0.5, 0.5, 0.5], tolerance: 1e-12)
    }
}

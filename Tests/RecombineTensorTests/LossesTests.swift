import RecombineTensor
import RecombineTestSupport
import XCTest

/// Values of torch 2.13's losses (float64) on the same inputs.
final class LossesTests: XCTestCase {
    let logits = Tensor([0.2, -1.0, 0.5, 1.5, 0.3, -0.7] as [Double], shape: [2, 3])
    let probabilities = Tensor([0.1, 0.6, 0.3, 0.0, 0.5, 0.5] as [Double], shape: [2, 3])

    // Expected values: python3 Scripts/oracles/losses.py
    func testCrossEntropyMatchesTorch() {
        XCTAssertEqual(crossEntropy(logits: logits, targets: [2, 0]).item, 0.509981101785676, accuracy: 1e-12)
        XCTAssertEqual(
            crossEntropy(logits: logits, targets: [2, 0], reduction: .sum).item, 1.019962203571352, accuracy: 1e-12)
        XCTAssertEqual(
            crossEntropy(logits: logits, targetProbabilities: probabilities).item, 1.824981101785676, accuracy: 1e-12)
        assertGradients([randomDouble([4, 5], seed: 1)]) { crossEntropy(logits: $0[0], targets: [0, 4, 4, 1]) }
    }

    // Expected values: python3 Scripts/oracles/losses.py
    func testKLDivergenceMatchesTorchIncludingZeroTargets() {
        let logQ = logits.logSoftmax(axis: 1)
        XCTAssertEqual(
            klDivergence(logProbabilities: logQ, targets: probabilities, reduction: .batchMean).item,
            1.0294346490773134, accuracy: 1e-12)
        XCTAssertEqual(
            klDivergence(logProbabilities: logQ, targets: probabilities).item, 0.3431448830257711, accuracy: 1e-12)
        XCTAssertEqual(
            klDivergence(logProbabilities: logQ, targets: probabilities, reduction: .sum).item, 2.058869298154627,
            accuracy: 1e-12)
        assertGradients([randomDouble([3, 4], seed: 2)]) { xs in
            klDivergence(
                logProbabilities: xs[0].logSoftmax(axis: 1),
                targets: Tensor.oneHot([1, 3, 0], classes: 4, dtype: .float64) * 0.7 + 0.075,
                reduction: .batchMean)
        }
    }

    // Expected values: python3 Scripts/oracles/losses.py
    func testBinaryCrossEntropyClampsLogsLikeTorch() {
        let p = Tensor([0.9, 0.0, 0.3, 1.0] as [Double], shape: [4]), t = Tensor([1, 0, 1, 0] as [Double], shape: [4])
        // relative
        assertClose(binaryCrossEntropy(probabilities: p, targets: t).item, 25.32733332999594, tolerance: 1e-12)
        assertGradients([randomDouble([5], seed: 3)]) { xs in
            binaryCrossEntropy(
                probabilities: xs[0].sigmoid(), targets: Tensor([1, 0, 0.5, 1, 0] as [Double], shape: [5]))
        }
    }

    // Expected values: python3 Scripts/oracles/losses.py
    func testMSEMatchesTorch() {
        XCTAssertEqual(mseLoss(predictions: logits, targets: probabilities).item, 1.0566666666666669, accuracy: 1e-12)
        assertGradients([randomDouble([2, 3], seed: 4), randomDouble([2, 3], seed: 5)]) {
            mseLoss(predictions: $0[0], targets: $0[1], reduction: .sum)
        }
    }

    // Expected values: python3 Scripts/oracles/losses.py
    func testNTXentMatchesTorch() {
        let z1 = Tensor([1, 2, 0.5, 0, -1, 1] as [Double], shape: [2, 3]),
            z2 = Tensor([0.5, 1, 1, 2, 0, -1] as [Double], shape: [2, 3])
        XCTAssertEqual(ntXentLoss(z1, z2, temperature: 0.5).item, 0.9366508827539665, accuracy: 1e-12)
        assertGradients([randomDouble([3, 4], seed: 6), randomDouble([3, 4], seed: 7)]) {
            ntXentLoss($0[0], $0[1], temperature: 0.3)
        }
    }
}

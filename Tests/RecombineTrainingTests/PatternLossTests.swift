import Foundation
import RecombineTensor
import XCTest

@testable import RecombineTraining

final class PatternLossTests: XCTestCase {
    func testSymmetricRowsAreTextbookNTXentAndReferenceRowsDiffer() {
        var g = RandomGenerator(seed: 1)
        let a = Tensor.normal([6, 4], generator: &g, dtype: .float64),
            b = Tensor.normal([6, 4], generator: &g, dtype: .float64)
        XCTAssertEqual(
            contrastiveLoss(a, b, temperature: 0.5, reusedRows: false).item, ntXentLoss(a, b, temperature: 0.5).item,
            accuracy: 1e-12)
        XCTAssertNotEqual(
            contrastiveLoss(a, b, temperature: 0.5, reusedRows: true).item, ntXentLoss(a, b, temperature: 0.5).item)
        // Identical vectors everywhere: every logit equal, the loss is log(2n − 1) (spec P3).
        let same = Tensor.ones([6, 4], dtype: .float64)
        XCTAssertEqual(
            contrastiveLoss(same, same, temperature: 1, reusedRows: true).item, Foundation.log(11), accuracy: 1e-12)
    }

    func testTargetDistributionIsDECs() {
        let q = Tensor([0.8, 0.2, 0.4, 0.6] as [Double], shape: [2, 2])
        let p = DivergencePattern.targetDistribution(q).toDoubleArray()
        // f = (1.2, 0.8); p_1 ∝ (0.64/1.2, 0.04/0.8) = (0.5333, 0.05).
        XCTAssertEqual(p[0], 0.5333333333333333 / 0.5833333333333333, accuracy: 1e-12)
        XCTAssertEqual(p[0] + p[1], 1, accuracy: 1e-12)
    }

    /// Intervals in iterations (DEC) or epochs (tk-uco's DEC): with 3 batches per epoch and an interval
    /// of 2 epochs, P is recomputed at the first step of epochs 1, 3 and 5 only.
    func testTargetRecalculationInIterationsOrEpochs() {
        var last = 0, recomputed: [Int] = []
        for iteration in 1...15 {
            let epoch = (iteration - 1) / 3 + 1
            if DivergencePattern.recalculationDue(
                epoch: epoch, iteration: iteration, interval: 2, inEpochs: true, lastEpoch: last)
            {
                recomputed.append(iteration); last = epoch
            }
        }
        XCTAssertEqual(recomputed, [1, 7, 13])
        XCTAssertEqual(
            (1...15).filter {
                DivergencePattern.recalculationDue(epoch: 1, iteration: $0, interval: 5, inEpochs: false, lastEpoch: 0)
            }, [5, 10, 15])
    }
}

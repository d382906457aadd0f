import Foundation
import RecombineTensor
import RecombineTestSupport
import XCTest

/// Batch normalisation (SyncBN) and dropout on shares of a batch spread over processes: two threads
/// stand in for two processes, and each must compute on its rows what one process computes on the
/// whole batch.
final class BatchRowShareTests: XCTestCase {
    /// The sum over two threads of a buffer, met at a barrier (each calls it once per collective).
    final class PairedSum: @unchecked Sendable {
        let condition = NSCondition()
        var pending: [Double]? = nil
        var total: [Double] = []
        var round = 0
        var calls = 0

        func sum(_ values: UnsafeMutableBufferPointer<Double>) {
            condition.lock()
            calls += 1
            if let other = pending {
                total = zip(other, values).map { $0 + $1 }
                pending = nil
                round += 1
                condition.broadcast()
            } else {
                pending = Array(values)
                let mine = round
                while round == mine { condition.wait() }
            }
            for i in values.indices { values[i] = total[i] }
            condition.unlock()
        }
    }

    /// Results of the two threads by rank.
    final class Results<R>: @unchecked Sendable { var results: [Int: R] = [:]; let lock = NSLock() }

    /// `body(0)` and `body(1)` on two threads at once; their results in rank order.
    func onTwoThreads<R>(_ body: @escaping @Sendable (Int) -> R) -> [R] {
        let box = Results<R>(), done = DispatchGroup()
        for rank in 0..<2 {
            done.enter()
            Thread {
                let r = body(rank)
                box.lock.lock(); box.results[rank] = r; box.lock.unlock()
                done.leave()
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the two threads did not finish")
        return (0..<2).map { box.results[$0]! }
    }

    struct NormResult {
        var y: [Double], dx: [Double], dWeight: [Double], dBias: [Double], runningMean: [Double], runningVar: [Double]
    }

    static let x: Tensor = {
        var g = RandomGenerator(seed: 5)
        return Tensor.normal([7, 3, 2], mean: 1, std: 2, generator: &g)
    }()
    static let lossWeights: Tensor = {
        var g = RandomGenerator(seed: 6)
        return Tensor.normal([7, 3, 2], generator: &g)
    }()

    /// Training-mode batch norm of rows `rows` of `x` (affine, tracked statistics) and the gradients of
    /// Σ y·w with respect to its input, weight and bias; `beforeBackward` runs in between.
    static func normalize(rows: Range<Int>, share: BatchRowShare?, beforeBackward: () -> Void = {}) -> NormResult {
        let input = x[rows: rows].requiringGrad()
        let weight = Tensor([1.5, 0.5, -1] as [Float], shape: [3]).requiringGrad()
        let bias = Tensor([0.1, 0.2, 0.3] as [Float], shape: [3]).requiringGrad()
        let mean = Tensor.zeros([3]), variance = Tensor.ones([3])
        let y = input.batchNorm(
            runningMean: mean, runningVar: variance, weight: weight, bias: bias, training: true, share: share)
        let loss = (y * lossWeights[rows: rows]).sum()
        beforeBackward()
        loss.backward()
        return NormResult(
            y: y.toDoubleArray(), dx: input.grad!.toDoubleArray(), dWeight: weight.grad!.toDoubleArray(),
            dBias: bias.grad!.toDoubleArray(), runningMean: mean.toDoubleArray(), runningVar: variance.toDoubleArray())
    }

    func testSharedBatchNormGivesTheWholeBatchOutputsGradientsAndRunningStatistics() {
        let whole = Self.normalize(rows: 0..<7, share: nil)
        let pair = PairedSum(), barrier = PairedSum()
        // Both graphs are recorded before either backward starts: backward turns the (process-wide)
        // gradient recording off while it runs, which would leave the other thread's forward unrecorded.
        let parts = onTwoThreads { rank in
            let own = rank == 0 ? 0..<3 : 3..<7
            return Self.normalize(rows: own, share: BatchRowShare(rows: 7, own: own, sumOverProcesses: pair.sum)) {
                var none = [0.0]
                none.withUnsafeMutableBufferPointer { barrier.sum($0) }
            }
        }
        GradMode.isEnabled = true  // the two backwards saved and restored the flag around each other
        XCTAssertEqual(pair.calls, 2 * 3, "two sums forward (means, variances), one backward, on each thread")
        assertClose(parts[0].y + parts[1].y, whole.y, tolerance: 1e-5)
        assertClose(parts[0].dx + parts[1].dx, whole.dx, tolerance: 1e-5)
        // γ and β: each share's part, which data-parallel training sums over the processes.
        assertClose(zip(parts[0].dWeight, parts[1].dWeight).map(+), whole.dWeight, tolerance: 1e-5)
        assertClose(zip(parts[0].dBias, parts[1].dBias).map(+), whole.dBias, tolerance: 1e-5)
        for part in parts {
            assertClose(part.runningMean, whole.runningMean, tolerance: 1e-6)
            assertClose(part.runningVar, whole.runningVar, tolerance: 1e-6)
        }
        // Local statistics would differ: the check can fail.
        let local = Self.normalize(rows: 0..<3, share: nil)
        XCTAssertGreaterThan(zip(local.y, whole.y.prefix(local.y.count)).map { abs($0 - $1) }.max()!, 1e-2)
    }

    func testAShareOfTheWholeBatchChangesNothing() {
        let whole = Self.normalize(rows: 0..<7, share: nil)
        let alone = Self.normalize(rows: 0..<7, share: BatchRowShare(rows: 7, own: 0..<7) { _ in })
        XCTAssertEqual(alone.y, whole.y)
        XCTAssertEqual(alone.dx, whole.dx)
        XCTAssertEqual(alone.runningVar, whole.runningVar)
    }

    func testSharedDropoutUsesTheRowsOfTheWholeBatchMaskAndAdvancesTheStreamAlike() {
        let x = Tensor.ones([5, 4])
        var g = RandomGenerator(seed: 9)
        let whole = x.dropout(p: 0.5, training: true, generator: &g).toDoubleArray()
        let after = g.next()
        var rows: [Double] = []
        for own in [0..<2, 2..<5] {
            var h = RandomGenerator(seed: 9)
            let share = BatchRowShare(rows: 5, own: own) { _ in XCTFail("dropout sums nothing") }
            rows += x[rows: own].dropout(p: 0.5, training: true, generator: &h, share: share).toDoubleArray()
            XCTAssertEqual(h.next(), after, "rows \(own)")
        }
        XCTAssertEqual(rows, whole)
        XCTAssertTrue(whole.contains(0) && whole.contains(2), "a mask with dropped and kept values")
    }
}

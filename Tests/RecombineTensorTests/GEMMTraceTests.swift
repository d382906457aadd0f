import RecombineTensor
import RecombineTestSupport
import XCTest

final class GEMMTraceTests: XCTestCase {
    /// A product's forward and both gradients are three GEMMs with the product's shapes; the weight
    /// gradient reads the same A as the forward, which the trace shows by a shared address.
    func testRecordsTheForwardAndBothGradientProductsWithSharedAddresses() {
        Threads.set(1)
        defer { Threads.set(Threads.fromEnvironment()) }
        let x = Tensor([Float](repeating: 0.5, count: 3 * 4), shape: [3, 4]).requiringGrad()
        let w = Tensor([Float](repeating: 0.25, count: 4 * 5), shape: [4, 5]).requiringGrad()
        let calls = GEMMTrace.record { x.matmul(w).sum().backward() }
        XCTAssertEqual(calls.count, 3)
        XCTAssertEqual(Set(calls.map(\.dtype)), ["float32"])
        let shapes = calls.map { [$0.m, $0.n, $0.k] }
        XCTAssertEqual(shapes.first, [3, 5, 4], "the forward comes first")
        XCTAssertEqual(Set(shapes.dropFirst()), [[3, 4, 5], [4, 5, 3]], "the gradients of x and of w")
        guard let forward = calls.first, let weightGradient = calls.first(where: { [$0.m, $0.n, $0.k] == [4, 5, 3] })
        else { return }
        XCTAssertEqual(weightGradient.addressA, forward.addressA, "x is read by the forward and by w's gradient")
        XCTAssertTrue(weightGradient.transA)
        XCTAssertEqual(calls.map(\.flops).reduce(0, +), 3 * 2 * 60)
    }

    func testRecordsNothingOutsideARecordingAndStartsEachRecordingEmpty() {
        let a = randomDouble([2, 3], seed: 1), b = randomDouble([3, 2], seed: 2)
        XCTAssertEqual(GEMMTrace.record { _ = a.matmul(b) }.count, 1)
        _ = a.matmul(b)
        let second = GEMMTrace.record { _ = a.matmul(b, transposeSelf: false, transposeOther: false) }
        XCTAssertEqual(second.map(\.dtype), ["float64"], "the product outside the recordings is not in it")
    }
}

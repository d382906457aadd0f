import RecombineTensor
import XCTest

final class RandomTests: XCTestCase {
    func testSameSeedSameDraws() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        XCTAssertEqual(
            Tensor.normal([100], generator: &a).toFloatArray(), Tensor.normal([100], generator: &b).toFloatArray())
        var c = RandomGenerator(seed: 43)
        XCTAssertNotEqual(
            Tensor.uniform([10], generator: &a).toFloatArray(), Tensor.uniform([10], generator: &c).toFloatArray())
    }

    func testMomentsOfDraws() {
        var g = RandomGenerator(seed: 1)
        let n = Tensor.normal([200_000], mean: 2, std: 3, generator: &g, dtype: .float64)
        XCTAssertEqual(n.mean().item, 2, accuracy: 0.03)
        XCTAssertEqual(n.variance().item.squareRoot(), 3, accuracy: 0.03)
        let u = Tensor.uniform([200_000], low: -1, high: 3, generator: &g, dtype: .float64)
        XCTAssertEqual(u.mean().item, 1, accuracy: 0.02)
        XCTAssertGreaterThanOrEqual(u.min().item, -1)
        XCTAssertLessThan(u.max().item, 3)
    }

    func testPermutationAndStateRoundTrip() {
        var g = RandomGenerator(seed: 9)
        XCTAssertEqual(g.permutation(50).sorted(), Array(0..<50))
        let saved = g.state
        let first = g.next()
        var restored = RandomGenerator(state: saved)
        XCTAssertEqual(restored.next(), first)
    }

    func testCreation() {
        XCTAssertEqual(Tensor.arange(0, 5).toDoubleArray(), [0, 1, 2, 3, 4])
        XCTAssertEqual(Tensor.arange(1, 2, step: 0.25).toDoubleArray(), [1, 1.25, 1.5, 1.75])
        XCTAssertEqual(Tensor.eye(2, 3).toDoubleArray(), [1, 0, 0, 0, 1, 0])
        XCTAssertEqual(Tensor.full([2], value: 7).toDoubleArray(), [7, 7])
        XCTAssertEqual(Tensor([1.0, 2], shape: [2]).to(.float32).dtype, .float32)
    }
}

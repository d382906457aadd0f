import XCTest

@testable import RecombineTensor

/// conv2d's weight gradient reads the patch matrices its forward kept where the backward splits the batch into
/// the same chunks, and copies the windows again where it does not; both give the same numbers bit for bit.
final class KeptPatchesTests: XCTestCase {
    /// The forward runs in one worker (a parallel region), the backward in two: of the chunks of 12 images
    /// ([30, 64, 24, 24] at stride 2: K·L = 576 · 144), only the first matches, so the weight gradient mixes kept
    /// and fresh copies; it must equal the gradient of a forward that split the batch as the backward does
    /// (every chunk kept), in float32 and float64, with one group and with two.
    func testWeightGradientFromKeptPatchesEqualsTheOneFromFreshCopies() {
        Threads.set(2)
        defer { Threads.set(Threads.fromEnvironment()) }
        var g = RandomGenerator(seed: 31)
        let cases: [(input: [Int], groups: Int, dtype: DType)] = [
            ([30, 64, 24, 24], 1, .float32), ([30, 64, 24, 24], 1, .float64), ([27, 32, 24, 24], 2, .float32),
        ]
        for (input, groups, dtype) in cases {
            let x = Tensor.normal(input, generator: &g, dtype: dtype),
                w = Tensor.normal([8, input[1] / groups, 3, 3], std: 0.1, generator: &g, dtype: dtype),
                b = Tensor.normal([8], generator: &g, dtype: dtype)
            func gradients(forwardInOneWorker: Bool) -> (weight: [Double], input: [Double], bias: [Double]) {
                let weight = w.clone().requiringGrad(), bias = b.clone().requiringGrad(),
                    images = x.clone().requiringGrad()
                var y: Tensor?
                let forward = {
                    y = images.conv2d(weight: weight, bias: bias, stride: (2, 2), padding: (1, 1), groups: groups)
                }
                if forwardInOneWorker { ParallelRegion.run(forward) } else { forward() }
                (y! * y!).sum().backward()
                return (weight.grad!.toDoubleArray(), images.grad!.toDoubleArray(), bias.grad!.toDoubleArray())
            }
            let kept = gradients(forwardInOneWorker: false), mixed = gradients(forwardInOneWorker: true)
            let name = "\(input), groups \(groups), \(dtype)"
            XCTAssertTrue(kept.weight.allSatisfy(\.isFinite), name)
            XCTAssertGreaterThan(kept.weight.map(abs).max() ?? 0, 0, name)
            XCTAssertEqual(kept.weight, mixed.weight, name)
            XCTAssertEqual(kept.input, mixed.input, name)
            XCTAssertEqual(kept.bias, mixed.bias, name)
        }
    }
}

import RecombineTensor
import XCTest

/// A float64 tensor of normal draws (seeded), for gradient checks.
func randomDouble(_ shape: [Int], seed: UInt64, mean: Double = 0, std: Double = 1) -> Tensor {
    var g = RandomGenerator(seed: seed)
    return Tensor.normal(shape, mean: mean, std: std, generator: &g, dtype: .float64)
}

/// Asserts that autodiff agrees with central finite differences.
func assertGradients(_ inputs: [Tensor], tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line,
                     _ f: @escaping ([Tensor]) -> Tensor) {
    let error = GradientCheck.maxRelativeError(inputs, f)
    XCTAssertLessThan(error, tolerance, "finite-difference mismatch \(error)", file: file, line: line)
}

func assertClose(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths differ", file: file, line: line)
    for (x, y) in zip(a, b) where Swift.abs(x - y) > tolerance * Swift.max(1, Swift.abs(y)) {
        XCTFail("\(a) differs from \(b)", file: file, line: line)
        return
    }
}

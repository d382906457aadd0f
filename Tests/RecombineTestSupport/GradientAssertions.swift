import RecombineTensor
import XCTest

/// A float64 tensor of normal draws (seeded), for gradient checks.
public func randomDouble(_ shape: [Int], seed: UInt64, mean: Double = 0, std: Double = 1) -> Tensor {
    var generator = RandomGenerator(seed: seed)
    return Tensor.normal(shape, mean: mean, std: std, generator: &generator, dtype: .float64)
}

/// Why a finite-difference check's error fails `tolerance`, or nil when it passes. A NaN or infinite
/// error (a non-finite gradient on either side) always fails.
public func gradientCheckFailure(error: Double, tolerance: Double) -> String? {
    guard error.isFinite else { return "finite-difference check gave \(error): a gradient is not finite" }
    return error < tolerance ? nil : "finite-difference mismatch \(error) (tolerance \(tolerance))"
}

/// Asserts that autodiff agrees with central finite differences (float64 inputs).
public func assertGradients(
    _ inputs: [Tensor], tolerance: Double = 1e-6, file: StaticString = #filePath,
    line: UInt = #line, _ f: @escaping ([Tensor]) -> Tensor
) {
    let error = GradientCheck.maxRelativeError(inputs, f)
    if let failure = gradientCheckFailure(error: error, tolerance: tolerance) {
        XCTFail(failure, file: file, line: line)
    }
}

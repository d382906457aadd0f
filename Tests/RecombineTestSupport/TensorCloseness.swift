import RecombineTensor
import XCTest

/// Why `actual` does not have `shape` and values close to `expected` (see `closenessFailure`), or nil.
public func tensorClosenessFailure(
    _ actual: Tensor, shape: [Int], _ expected: [Double], tolerance: Double,
    allowingNonFinite: Bool = false
) -> String? {
    guard actual.shape == shape else { return "shape \(actual.shape), expected \(shape)" }
    return closenessFailure(
        actual.toDoubleArray(), expected, tolerance: tolerance, allowingNonFinite: allowingNonFinite)
}

/// Asserts that a whole tensor — its shape and every element — matches a reference.
public func assertClose(
    _ actual: Tensor, shape: [Int], _ expected: [Double], tolerance: Double = 1e-6,
    allowingNonFinite: Bool = false, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    if let failure = tensorClosenessFailure(
        actual, shape: shape, expected, tolerance: tolerance, allowingNonFinite: allowingNonFinite)
    {
        let context = message()
        XCTFail(context.isEmpty ? failure : "\(context): \(failure)", file: file, line: line)
    }
}

import XCTest

/// Why `actual` is not close to `expected`, or nil when every element agrees within
/// `tolerance · max(1, |expected|)`.
///
/// NaN or ±infinity on either side is a disagreement unless `allowingNonFinite` is set, in which case
/// the two sides must be non-finite at the same positions and in the same way (both NaN, or the same
/// infinity). Lengths must match.
public func closenessFailure(
    _ actual: [Double], _ expected: [Double], tolerance: Double,
    allowingNonFinite: Bool = false
) -> String? {
    guard actual.count == expected.count else {
        return "lengths differ: \(actual.count) values, \(expected.count) expected"
    }
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        if !a.isFinite || !e.isFinite {
            let sameKind = (a.isNaN && e.isNaN) || (a.isInfinite && a == e)
            if allowingNonFinite && sameKind { continue }
            return "element \(index): \(a) against \(e) (non-finite values never agree unless the test expects them)"
        }
        let bound = tolerance * Swift.max(1, Swift.abs(e))
        if !(Swift.abs(a - e) <= bound) {
            return "element \(index): \(a) against \(e), difference \(Swift.abs(a - e)) above \(bound)"
        }
    }
    return nil
}

/// Asserts that `actual` is close to `expected` element by element (see `closenessFailure`).
public func assertClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double = 1e-6,
    allowingNonFinite: Bool = false, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    if let failure = closenessFailure(actual, expected, tolerance: tolerance, allowingNonFinite: allowingNonFinite) {
        let context = message()
        XCTFail(context.isEmpty ? failure : "\(context): \(failure)", file: file, line: line)
    }
}

/// Asserts that one number is close to another (see `closenessFailure`).
public func assertClose(
    _ actual: Double, _ expected: Double, tolerance: Double = 1e-6,
    allowingNonFinite: Bool = false, _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    assertClose(
        [actual], [expected], tolerance: tolerance, allowingNonFinite: allowingNonFinite, message(),
        file: file, line: line)
}

/// The largest absolute element-wise difference; NaN when any difference is NaN (unlike `max()`, which
/// silently drops NaN), and NaN when the lengths differ.
public func maxAbsoluteDifference(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .nan }
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let difference = Swift.abs(x - y)
        if difference.isNaN { return .nan }
        worst = Swift.max(worst, difference)
    }
    return worst
}

/// The largest absolute value; NaN when any value is NaN.
public func maxMagnitude(_ values: [Double]) -> Double {
    maxAbsoluteDifference(values, [Double](repeating: 0, count: values.count))
}

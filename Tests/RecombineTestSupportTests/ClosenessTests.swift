import RecombineTensor
import RecombineTestSupport
import XCTest

/// The comparison helpers themselves: each must fail on NaN and infinity, which `Swift.max` and
/// `abs(a - b) > tolerance` comparisons silently let through.
final class ClosenessTests: XCTestCase {
    func testCloseValuesAgree() {
        XCTAssertNil(closenessFailure([1, 2, 1000], [1, 2 + 1e-9, 1000 + 1e-4], tolerance: 1e-6))
    }

    func testDistantValuesDisagree() {
        XCTAssertNotNil(closenessFailure([1, 2.1], [1, 2], tolerance: 1e-6))
        XCTAssertNotNil(closenessFailure([1], [1, 2], tolerance: 1e-6), "a length mismatch must fail")
    }

    func testNaNOnEitherSideFails() {
        XCTAssertNotNil(closenessFailure([.nan, .nan], [1, 2], tolerance: 1e-6))
        XCTAssertNotNil(closenessFailure([1, 2], [1, .nan], tolerance: 1e-6))
        XCTAssertNotNil(closenessFailure([.nan], [.nan], tolerance: 1e-6), "NaN against NaN fails unless expected")
        XCTAssertNotNil(closenessFailure([.infinity], [.infinity], tolerance: 1e-6))
        XCTAssertNotNil(closenessFailure([1], [-.infinity], tolerance: 1e-6))
    }

    func testExpectedNonFiniteValuesMustMatchInKind() {
        XCTAssertNil(
            closenessFailure([.nan, .infinity, 1], [.nan, .infinity, 1], tolerance: 1e-6, allowingNonFinite: true))
        XCTAssertNotNil(closenessFailure([.infinity], [-.infinity], tolerance: 1e-6, allowingNonFinite: true))
        XCTAssertNotNil(closenessFailure([.nan], [.infinity], tolerance: 1e-6, allowingNonFinite: true))
        XCTAssertNotNil(closenessFailure([.nan], [1], tolerance: 1e-6, allowingNonFinite: true))
    }

    func testTensorsMustMatchInShapeAndEveryValue() {
        let t = Tensor([1, 2, 3, 4] as [Double], shape: [2, 2])
        XCTAssertNil(tensorClosenessFailure(t, shape: [2, 2], [1, 2, 3, 4], tolerance: 1e-12))
        XCTAssertNotNil(
            tensorClosenessFailure(t, shape: [4], [1, 2, 3, 4], tolerance: 1e-12), "same values, other shape")
        XCTAssertNotNil(
            tensorClosenessFailure(t, shape: [2, 2], [1, 2, 3, 4.5], tolerance: 1e-12), "the last value differs")
        XCTAssertNotNil(
            tensorClosenessFailure(t, shape: [2, 2], [1, 2, 3], tolerance: 1e-12), "a prefix is not enough")
    }

    func testMaximumDifferenceKeepsNaN() {
        XCTAssertEqual(maxAbsoluteDifference([1, 5], [1, 2]), 3)
        XCTAssertTrue(maxAbsoluteDifference([1, .nan, 5], [1, 2, 2]).isNaN)
        XCTAssertTrue(maxAbsoluteDifference([.nan, 5], [1, 2]).isNaN)
        XCTAssertTrue(maxMagnitude([0.5, .nan]).isNaN)
        XCTAssertTrue(maxAbsoluteDifference([1], [1, 2]).isNaN)
    }

    func testGradientCheckFailsOnNonFiniteErrors() {
        XCTAssertNil(gradientCheckFailure(error: 1e-9, tolerance: 1e-6))
        XCTAssertNotNil(gradientCheckFailure(error: 1e-3, tolerance: 1e-6))
        XCTAssertNotNil(gradientCheckFailure(error: .nan, tolerance: 1e-6))
        XCTAssertNotNil(gradientCheckFailure(error: .infinity, tolerance: 1e-6))
    }

    /// A function whose gradient is NaN (log of negative inputs) must not report agreement.
    func testGradientCheckReportsNaNGradients() {
        let x = Tensor([-1.0, -2.0, 0.5] as [Double], shape: [3])
        let error = GradientCheck.maxRelativeError([x]) { $0[0].log() }
        XCTAssertTrue(error.isNaN, "got \(error)")
    }
}

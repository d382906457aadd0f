import XCTest

@testable import RecombineTensor

/// channelSums (convolutions' bias gradient) against one running sum per channel over images and positions
/// in order, bit for bit: the order data-parallel runs rely on.
final class ChannelBlocksTests: XCTestCase {
    func testChannelSumsAddEachChannelInImageAndPositionOrderAtOneAndTwoThreads() {
        var g = RandomGenerator(seed: 17)
        defer { Threads.set(Threads.fromEnvironment()) }
        for threads in [1, 2] {
            Threads.set(threads)
            for (images, channels, length) in [
                (1, 1, 1), (3, 5, 7), (2, 8, 16), (4, 9, 49), (64, 131, 4), (256, 64, 49),
            ] {
                let x = Tensor.normal([images, channels, length], generator: &g).to(.float32)
                let values = x.toDoubleArray().map(Float.init)
                let sums = channelSums(x, channels: channels, length: length, Float.self).toDoubleArray()
                var mismatches = 0
                for c in 0..<channels {
                    var total: Float = 0
                    for i in 0..<images { for l in 0..<length { total += values[(i * channels + c) * length + l] } }
                    if !(Double(total) == sums[c]) { mismatches += 1 }
                }
                XCTAssertEqual(mismatches, 0, "threads \(threads), [\(images), \(channels), \(length)]")
            }
        }
    }
}

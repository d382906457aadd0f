import RecombineTestSupport
import XCTest

@testable import RecombineTensor

/// The direct stride-1 kernels (ConvolutionDirect.swift, conv_direct.c) against the im2col + GEMM path of
/// the same convolution in float64 (where the GEMM path is checked by finite differences): float64 results
/// agree to rounding, float32 ones stay within float32 rounding of sums over up to 800 products.
final class ConvolutionDirectTests: XCTestCase {
    /// (input [N, C, H, W], weight [O, C/groups, kh, kw], padding, groups): ddc.json's 5×5 layers, a padded
    /// 3×3 layer, channel counts that are no multiple of the kernels' blocks, a 1×1 kernel, groups, a wide
    /// kernel, padding beyond the kernel, a small image, and every mix of the wide-position and channel-vector
    /// kernels (ConvolutionChannelVectors.swift) with position and term counts that are no multiple of six.
    let cases: [([Int], [Int], (Int, Int), Int)] = [
        ([3, 1, 28, 28], [32, 1, 5, 5], (0, 0), 1),
        ([2, 32, 24, 24], [32, 32, 5, 5], (0, 0), 1),
        ([2, 5, 20, 19], [6, 5, 3, 3], (1, 1), 1),
        ([2, 6, 20, 21], [9, 2, 3, 2], (2, 1), 3),
        ([1, 3, 16, 30], [2, 3, 1, 1], (0, 0), 1),
        ([1, 2, 18, 40], [3, 2, 2, 7], (1, 3), 1),
        ([2, 2, 10, 12], [3, 2, 2, 2], (2, 3), 1),  // padding beyond the kernel
        ([4, 32, 10, 10], [32, 32, 3, 3], (0, 0), 1),  // ddc.json's 8×8 layer
        ([2, 16, 13, 11], [12, 16, 3, 3], (1, 1), 1),  // wide-position weights, channel-vector input gradient
        ([2, 3, 12, 14], [16, 3, 3, 3], (2, 1), 1),  // channel-vector weights, wide-position input gradient
        ([2, 32, 9, 9], [32, 16, 3, 3], (1, 1), 2),  // channel-vector kernels per group
    ]

    func check<S: TensorScalar>(_: S.Type, tolerance: Double) {
        var choices = Set<[Bool]>()
        for (index, (inputShape, weightShape, padding, groups)) in cases.enumerated() {
            let seed = UInt64(500 + 4 * index)
            let dtype = S.dtype
            let x = randomDouble(inputShape, seed: seed).to(dtype)
            let w = randomDouble(weightShape, seed: seed + 1).to(dtype)
            let b = randomDouble([weightShape[0]], seed: seed + 2).to(dtype)
            let geo = ConvGeometry(
                channels: inputShape[1] / groups, height: inputShape[2], width: inputShape[3],
                kernel: (weightShape[2], weightShape[3]), stride: (1, 1), padding: padding, dilation: (1, 1))
            XCTAssertTrue(geo.takesDirectKernels, "case \(index)")
            let setup = Conv2dSetup(
                n: inputShape[0], inChannels: inputShape[1], outChannels: weightShape[0], groups: groups, geometry: geo)
            let choice = ChannelVectorChoice(setup, S.self)
            choices.insert([choice.forwardAndWeightGradient, choice.inputGradient])
            let direct = conv2dForwardDirect(x, w, b, setup, S.self)
            let (x64, w64, b64) = (x.to(.float64), w.to(.float64), b.to(.float64))
            let gemm = conv2dForward(x64, w64, b64, setup, Double.self)
            assertClose(direct.toDoubleArray(), gemm.toDoubleArray(), tolerance: tolerance, "forward, case \(index)")
            let g = randomDouble(direct.shape, seed: seed + 3).to(dtype)
            let (dx, dw) = conv2dBackwardDirect(g, x, w, setup, wantInput: true, S.self)
            let (gx, gw) = conv2dBackward(g.to(.float64), x64, w64, setup, wantInput: true, Double.self)
            assertClose(dw.toDoubleArray(), gw.toDoubleArray(), tolerance: tolerance, "weight gradient, case \(index)")
            assertClose(
                dx!.toDoubleArray(), gx!.toDoubleArray(), tolerance: tolerance, "input gradient, case \(index)")
        }
        XCTAssertEqual(choices.count, 4, "the cases must cover every mix of the two kinds of kernels: \(choices)")
    }

    func testDirectKernelsMatchTheIm2colPathInFloat64() { check(Double.self, tolerance: 1e-12) }

    func testDirectKernelsMatchTheIm2colPathInFloat32() { check(Float.self, tolerance: 1e-4) }
}

import RecombineTensor
import RecombineTestSupport
import XCTest

final class ConvolutionTests: XCTestCase {
    /// Direct definition of conv2d, for comparison.
    func naiveConv2d(
        _ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int),
        groups: Int
    ) -> [Double] {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let ho = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
        let wo = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
        let xv = x.toDoubleArray(), wv = w.toDoubleArray(), bv = b?.toDoubleArray()
        var out = [Double](repeating: 0, count: n * o * ho * wo)
        for i in 0..<n {
            for oc in 0..<o {
                let g = oc / (o / groups)
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var s = bv?[oc] ?? 0
                        for ic in 0..<cg {
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = oy * stride.0 - padding.0 + ky * dilation.0,
                                        ix = ox * stride.1 - padding.1 + kx * dilation.1
                                    if iy >= 0 && iy < h && ix >= 0 && ix < wd {
                                        s +=
                                            xv[((i * c + g * cg + ic) * h + iy) * wd + ix]
                                            * wv[((oc * cg + ic) * kh + ky) * kw + kx]
                                    }
                                }
                            }
                        }
                        out[((i * o + oc) * ho + oy) * wo + ox] = s
                    }
                }
            }
        }
        return out
    }

    func testConv2dMatchesDefinitionAcrossStridePaddingDilationGroups() {
        for (stride, padding, dilation, groups) in [
            ((1, 1), (0, 0), (1, 1), 1), ((2, 1), (1, 2), (1, 1), 2), ((1, 2), (2, 1), (2, 1), 1),
            ((2, 2), (1, 1), (1, 2), 4),
        ] {
            let x = randomDouble([2, 4, 7, 6], seed: 1), w = randomDouble([4, 4 / groups, 3, 2], seed: 2),
                b = randomDouble([4], seed: 3)
            let y = x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            assertClose(
                y.toDoubleArray(),
                naiveConv2d(x, w, b, stride: stride, padding: padding, dilation: dilation, groups: groups),
                tolerance: 1e-12)
        }
    }

    func testConv2dGradients() {
        assertGradients([
            randomDouble([2, 2, 5, 4], seed: 4), randomDouble([4, 1, 3, 3], seed: 5), randomDouble([4], seed: 6),
        ]) { xs in
            xs[0].conv2d(weight: xs[1], bias: xs[2], stride: (2, 1), padding: (1, 1), dilation: (1, 2), groups: 2)
                .squared().sum()
        }
        assertGradients([randomDouble([1, 3, 4, 4], seed: 7), randomDouble([2, 3, 2, 2], seed: 8)]) { xs in
            xs[0].conv2d(weight: xs[1], stride: (1, 1), padding: (0, 0)).sigmoid().sum()
        }
    }

    /// Images with at least 196 output positions take the per-image kernels: the forward GEMM onto the
    /// bias, the input gradient as a convolution with the flipped kernel (stride 1, padding ≤ d(k−1)) or
    /// col2im otherwise, and a 1×1 kernel without a patch matrix. Each case checks the output against the
    /// definition and the three gradients against finite differences.
    func testConv2dOfImagesWithManyPositionsMatchesDefinitionAndFiniteDifferences() {
        // (input [N, C, H, W], weight [O, C/groups, kh, kw], stride, padding, dilation, groups); all ≥ 400 positions.
        let cases: [([Int], [Int], (Int, Int), (Int, Int), (Int, Int), Int)] = [
            ([2, 4, 22, 21], [4, 4, 3, 2], (1, 1), (0, 0), (1, 1), 1),  // flipped kernel, no padding
            ([1, 4, 20, 20], [4, 1, 3, 3], (1, 1), (1, 1), (1, 1), 4),  // flipped kernel, padded, depthwise
            ([1, 4, 22, 21], [2, 2, 3, 2], (1, 1), (1, 2), (2, 1), 2),  // padding above d(k−1): col2im
            ([1, 2, 42, 41], [2, 2, 3, 3], (2, 2), (1, 1), (1, 1), 1),  // stride 2: col2im
            ([2, 4, 22, 21], [4, 2, 1, 1], (1, 1), (0, 0), (1, 1), 2),  // 1×1: no patch matrix
        ]
        for (index, (inputShape, weightShape, stride, padding, dilation, groups)) in cases.enumerated() {
            let seed = UInt64(100 + 3 * index)
            let x = randomDouble(inputShape, seed: seed), w = randomDouble(weightShape, seed: seed + 1),
                b = randomDouble([weightShape[0]], seed: seed + 2)
            let y = x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups)
            XCTAssertGreaterThanOrEqual(y.shape[2] * y.shape[3], 400, "case \(index)")
            assertClose(
                y.toDoubleArray(),
                naiveConv2d(x, w, b, stride: stride, padding: padding, dilation: dilation, groups: groups),
                tolerance: 1e-12)
            let input = x.indexSelect(axis: 0, indices: [0])
            assertGradients([input, w, b]) { xs in
                xs[0].conv2d(
                    weight: xs[1], bias: xs[2], stride: stride, padding: padding, dilation: dilation, groups: groups
                ).sigmoid().sum()
            }
        }
    }

    /// The weight gradient accumulates over im2col chunks: with an image whose patch matrix exceeds half a
    /// chunk (K·L = 144 · 172² > 2²²), each image is its own chunk, and the gradient of a batch must equal
    /// the sum of the images' gradients. (The small inputs above fit in one chunk per worker.)
    /// The weight gradient of a batch is the sum of its images' on each of conv2d's three paths, which
    /// accumulate over images differently: the direct kernels (stride 1), per-image GEMMs (≥ 196 output
    /// positions) and im2col in chunks of images (fewer positions; here 12 images per chunk, 3 chunks).
    func testWeightGradientSumsOverImagesOnEveryConvolutionPath() {
        var g = RandomGenerator(seed: 22)
        let cases: [(name: String, input: [Int], channels: Int, stride: Int)] = [
            ("direct", [3, 16, 40, 40], 16, 1),
            ("per-image im2col", [3, 16, 40, 40], 16, 2),
            ("chunked im2col", [30, 64, 24, 24], 64, 2),
        ]
        for (name, input, channels, stride) in cases {
            let x = Tensor.normal(input, generator: &g),
                w = Tensor.normal([4, channels, 3, 3], std: 0.1, generator: &g)
            func weightGradient(_ images: Tensor) -> [Double] {
                let weight = w.clone().requiringGrad()
                images.conv2d(weight: weight, stride: (stride, stride), padding: (1, 1)).sum().backward()
                return weight.grad!.toDoubleArray()
            }
            let batch = weightGradient(x)
            var summed = [Double](repeating: 0, count: batch.count)
            for n in 0..<input[0] {
                for (i, v) in weightGradient(x.indexSelect(axis: 0, indices: [n])).enumerated() { summed[i] += v }
            }
            assertClose(batch, summed, tolerance: 1e-4, name)
        }
    }

    func testConv1dGradientsAndShape() {
        let y = randomDouble([2, 3, 10], seed: 9).conv1d(
            weight: randomDouble([4, 3, 3], seed: 10), stride: 2, padding: 1, dilation: 2)
        XCTAssertEqual(y.shape, [2, 4, 4])
        assertGradients([
            randomDouble([2, 2, 9], seed: 11), randomDouble([2, 1, 3], seed: 12), randomDouble([2], seed: 13),
        ]) { xs in
            xs[0].conv1d(weight: xs[1], bias: xs[2], stride: 2, padding: 1, groups: 2).pow(3).sum()
        }
    }

    func testConvTransposeIsTheAdjointOfConv() {
        // <convT(x), y> = <x, conv(y)> for the same weight and geometry.
        let w = randomDouble([4, 3, 3, 3], seed: 14)  // conv: 3→4 viewed as weight [4, 3, k, k]; convT: 4→3
        let x = randomDouble([2, 4, 4, 5], seed: 15)
        let t = x.convTranspose2d(weight: w, stride: (2, 2), padding: (1, 1), outputPadding: (1, 0))
        XCTAssertEqual(t.shape, [2, 3, 8, 9])  // (4−1)·2 − 2 + 2 + 1 + 1 = 8; (5−1)·2 − 2 + 2 + 0 + 1 = 9
        let y = randomDouble(t.shape, seed: 16)
        let lhs = (t * y).sum().item
        let rhs = (x * y.conv2d(weight: w, stride: (2, 2), padding: (1, 1))).sum().item
        XCTAssertEqual(lhs, rhs, accuracy: 1e-10)
    }

    func testConvTransposeGradientsWithGroupsAndBias() {
        assertGradients([
            randomDouble([2, 4, 3, 3], seed: 17), randomDouble([4, 1, 2, 3], seed: 18), randomDouble([2], seed: 19),
        ]) { xs in
            xs[0].convTranspose2d(
                weight: xs[1], bias: xs[2], stride: (2, 1), padding: (0, 1), outputPadding: (1, 0), dilation: (1, 1),
                groups: 2
            ).squared().sum()
        }
        assertGradients([randomDouble([1, 2, 3, 3], seed: 20), randomDouble([2, 2, 3, 3], seed: 21)]) { xs in
            xs[0].convTranspose2d(weight: xs[1], stride: (1, 1), padding: (0, 0), dilation: (2, 2)).tanh().sum()
        }
    }

    // Expected values: python3 Scripts/oracles/convolution.py
    func testConvTranspose2dForwardMatchesTorch() {
        let x = Tensor((0..<8).map { Double($0) / 4 }, shape: [1, 2, 2, 2]),
            w = Tensor((0..<8).map { Double($0) / 8 }, shape: [2, 1, 2, 2])
        assertClose(
            x.convTranspose2d(weight: w, stride: (2, 2)), shape: [1, 1, 4, 4],
            [0.5, 0.625, 0.625, 0.8125, 0.75, 0.875, 1.0, 1.1875, 0.75, 1.0, 0.875, 1.1875, 1.25, 1.5, 1.5, 1.8125],
            tolerance: 1e-12)
        // Overlapping windows, padding, output padding, dilation, groups and a bias.
        let x2 = Tensor((0..<12).map { Double($0 % 5 - 2) / 4 }, shape: [1, 2, 2, 3])
        let w2 = Tensor((0..<12).map { Double($0 % 7 - 3) / 8 }, shape: [2, 1, 2, 3]),
            b2 = Tensor([0.5, -0.25] as [Double], shape: [2])
        assertClose(
            x2.convTranspose2d(
                weight: w2, bias: b2, stride: (2, 1), padding: (0, 1), outputPadding: (1, 0), dilation: (1, 2),
                groups: 2),
            shape: [1, 2, 5, 5],
            [
                0.59375, 0.625, 0.5625, 0.5625, 0.53125, 0.5, 0.4375, 0.46875, 0.375, 0.4375, 0.3125, 0.625, 0.375,
                0.59375,
                0.4375, 0.5, 0.53125, 0.5625, 0.5, 0.625, 0.5, 0.5, 0.5, 0.5, 0.5, -0.25, -0.0625, -0.25, -0.28125,
                -0.25,
                -0.25, -0.28125, -0.25, -0.28125, -0.25, -0.4375, -0.53125, -0.0625, -0.28125, -0.125, -0.1875,
                -0.21875,
                -0.25, -0.1875, -0.3125, -0.25, -0.25, -0.25, -0.25, -0.25,
            ], tolerance: 1e-12)
    }
}

import RecombineTensor
import RecombineTestSupport
import XCTest

/// Whole output tensors of torch 2.13 (float64) on x = ((arange(60) mod 7) − 3)/3 viewed as [2, 1, 5, 6].
final class PoolingTests: XCTestCase {
    let x = Tensor((0..<60).map { Double($0 % 7 - 3) / 3 }, shape: [2, 1, 5, 6])

    // Expected values: python3 Scripts/oracles/pooling.py
    func testMaxPoolCeilModeAndPaddingMatchTorch() {
        assertClose(
            x.maxPool2d(kernel: (2, 2), ceilMode: true), shape: [2, 1, 3, 3],
            [
                1.0, 0.0, 0.6666666666666666, 1.0, 1.0, 0.0, 0.3333333333333333, 1.0, -0.6666666666666666, 0.0,
                0.6666666666666666, 1.0, 1.0, 0.0, 0.6666666666666666, 1.0, -0.6666666666666666, 0.0,
            ], tolerance: 1e-12)
        assertClose(
            x.maxPool2d(kernel: (3, 2), stride: (2, 2), padding: (1, 1), ceilMode: true), shape: [2, 1, 3, 4],
            [
                1.0, -0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0, 0.0, 0.3333333333333333,
                0.3333333333333333, 1.0, 1.0, -0.3333333333333333, -0.3333333333333333, 0.3333333333333333, 1.0, 1.0,
                1.0, 0.0,
                0.6666666666666666, 1.0, 1.0, 1.0, 0.0, 0.3333333333333333,
            ], tolerance: 1e-12)
    }

    // Expected values: python3 Scripts/oracles/pooling.py
    func testAvgPoolPaddingRulesMatchTorch() {
        assertClose(
            x.avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true), shape: [2, 1, 3, 4],
            [
                -0.18518518518518517, -0.3333333333333333, 0.1111111111111111, 0.16666666666666666, 0.2962962962962963,
                -0.2222222222222222, -0.3333333333333333, 0.0, 0.14814814814814814, 0.2962962962962963,
                -0.2962962962962963,
                -0.16666666666666666, -0.14814814814814814, 0.1111111111111111, 0.2962962962962963, 0.0,
                -0.2962962962962963,
                -0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.18518518518518517, -0.2962962962962963,
                -0.1111111111111111, 0.05555555555555555,
            ], tolerance: 1e-12)
        assertClose(
            x.avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false), shape: [2, 1, 3, 3],
            [
                -0.41666666666666663, -0.5, 0.16666666666666666, 0.4444444444444444, -0.2222222222222222,
                -0.3333333333333333,
                0.3333333333333333, 0.4444444444444444, -0.4444444444444444, -0.3333333333333333, 0.16666666666666666,
                0.4444444444444444, -0.4444444444444444, -0.3333333333333333, 0.3333333333333333, 0.41666666666666663,
                -0.4444444444444444, -0.16666666666666666,
            ], tolerance: 1e-12)
    }

    // Expected values: python3 Scripts/oracles/pooling.py
    func testAdaptiveAndUpsampleMatchTorch() {
        assertClose(
            x.adaptiveAvgPool2d(outputSize: (3, 4)), shape: [2, 1, 3, 4],
            [
                -0.41666666666666663, -0.6666666666666666, 0.0, 0.3333333333333333, 0.4444444444444444,
                1.850371707708594e-17,
                -0.49999999999999994, -0.16666666666666666, 0.3333333333333333, 0.6666666666666666,
                -0.41666666666666663,
                -0.6666666666666666, -0.3333333333333333, 0.0, 0.6666666666666666, 0.41666666666666663,
                -0.4444444444444444,
                -0.49999999999999994, 0.16666666666666666, 0.5, 0.41666666666666663, -0.41666666666666663,
                -0.3333333333333333,
                0.0,
            ], tolerance: 1e-12)
        assertClose(
            x.upsample(size: (7, 9)), shape: [2, 1, 7, 9],
            [
                -1.0, -1.0, -0.6666666666666666, -0.3333333333333333, -0.3333333333333333, 0.0, 0.3333333333333333,
                0.3333333333333333, 0.6666666666666666, -1.0, -1.0, -0.6666666666666666, -0.3333333333333333,
                -0.3333333333333333, 0.0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0, -1.0,
                -0.6666666666666666, -0.6666666666666666, -0.3333333333333333, 0.0, 0.0, 0.3333333333333333,
                0.6666666666666666, 0.6666666666666666, 1.0, -1.0, -1.0, -0.6666666666666666, -0.3333333333333333,
                -0.3333333333333333, 0.0, 0.6666666666666666, 0.6666666666666666, 1.0, -1.0, -1.0, -0.6666666666666666,
                -0.3333333333333333, -0.3333333333333333, 0.0, 0.3333333333333333, 0.3333333333333333,
                0.6666666666666666, 1.0,
                1.0, -1.0, -0.6666666666666666, -0.6666666666666666, -0.3333333333333333, 0.0, 0.0, 0.3333333333333333,
                0.6666666666666666, 0.6666666666666666, 1.0, -1.0, -1.0, -0.6666666666666666, -0.3333333333333333,
                -0.3333333333333333, 0.0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0, -1.0,
                -0.3333333333333333, -0.3333333333333333, 0.0, 0.3333333333333333, 0.3333333333333333,
                0.6666666666666666, 1.0,
                1.0, -1.0, -0.6666666666666666, -0.6666666666666666, -0.3333333333333333, 0.0, 0.0, 0.3333333333333333,
                0.6666666666666666, 0.6666666666666666, 1.0, -1.0, -1.0, -0.6666666666666666, -0.3333333333333333,
                -0.3333333333333333, 0.0, 0.3333333333333333, 0.3333333333333333, 0.6666666666666666, -1.0, -1.0,
                -0.6666666666666666, -0.3333333333333333, -0.3333333333333333, 0.0, 0.3333333333333333,
                0.3333333333333333,
                0.6666666666666666, 1.0, 1.0, -1.0, -0.6666666666666666, -0.6666666666666666, -0.3333333333333333, 0.0,
                0.0,
                0.3333333333333333, 0.6666666666666666, 0.6666666666666666, 1.0, -1.0, -1.0, -0.6666666666666666,
                -0.3333333333333333, -0.3333333333333333, 0.0,
            ], tolerance: 1e-12)
        assertClose(
            x.upsample(scaleFactor: (2, 1.5), mode: .bilinear), shape: [2, 1, 10, 9],
            [
                -1.0, -0.8333333333333333, -0.6111111111111112, -0.3888888888888889, -0.16666666666666666,
                0.055555555555555504, 0.2777777777777777, 0.5, 0.6666666666666666, -0.5, -0.625, -0.6944444444444445,
                -0.47222222222222227, -0.24999999999999997, -0.027777777777777825, 0.19444444444444434,
                0.4166666666666667,
                0.5833333333333334, 0.5, -0.20833333333333326, -0.8611111111111112, -0.638888888888889,
                -0.41666666666666663,
                -0.19444444444444448, 0.027777777777777683, 0.25, 0.41666666666666663, 0.9166666666666666,
                0.20833333333333337,
                -0.5416666666666666, -0.7083333333333333, -0.5833333333333334, -0.36111111111111116,
                -0.13888888888888898,
                0.08333333333333334, 0.25, 0.75, 0.625, 0.26388888888888906, -0.6805555555555555, -0.75,
                -0.5277777777777778,
                -0.30555555555555564, -0.08333333333333333, 0.08333333333333333, 0.5833333333333334, 0.7499999999999999,
                0.6805555555555558, -0.26388888888888884, -0.625, -0.6944444444444445, -0.4722222222222223,
                -0.24999999999999997, -0.08333333333333333, 0.41666666666666663, 0.5833333333333333, 0.7083333333333334,
                0.5416666666666667, -0.20833333333333331, -0.8611111111111112, -0.638888888888889, -0.41666666666666663,
                -0.25,
                0.25, 0.41666666666666663, 0.6388888888888888, 0.861111111111111, 0.20833333333333331,
                -0.5416666666666666,
                -0.7083333333333333, -0.5833333333333334, -0.4166666666666667, 0.08333333333333333, 0.24999999999999994,
                0.47222222222222215, 0.6944444444444444, 0.625, 0.26388888888888906, -0.6805555555555551, -0.75,
                -0.5833333333333333, 0.0, 0.16666666666666663, 0.38888888888888884, 0.611111111111111,
                0.8333333333333334,
                0.666666666666667, -0.6666666666666661, -0.8333333333333334, -0.6666666666666666, -0.3333333333333333,
                -0.16666666666666666, 0.055555555555555504, 0.27777777777777773, 0.5, 0.7222222222222221,
                0.9444444444444443,
                0.0, -1.0, -0.41666666666666663, -0.24999999999999997, -0.027777777777777825, 0.19444444444444442,
                0.4166666666666667, 0.6388888888888888, 0.861111111111111, 0.20833333333333331, -0.5,
                -0.5833333333333333,
                -0.41666666666666663, -0.19444444444444448, 0.027777777777777752, 0.25, 0.47222222222222215,
                0.6944444444444443, 0.625, 0.5, -0.75, -0.5833333333333333, -0.36111111111111116, -0.13888888888888892,
                0.08333333333333334, 0.3055555555555555, 0.5277777777777777, 0.75, 0.9166666666666666,
                -0.9166666666666666,
                -0.75, -0.5277777777777778, -0.3055555555555556, -0.08333333333333333, 0.13888888888888884,
                0.361111111111111,
                0.5833333333333333, 0.75, -0.5, -0.625, -0.6944444444444445, -0.47222222222222227, -0.24999999999999997,
                -0.027777777777777825, 0.19444444444444434, 0.4166666666666667, 0.5833333333333334, 0.5,
                -0.20833333333333326,
                -0.8611111111111112, -0.638888888888889, -0.41666666666666663, -0.19444444444444448,
                0.027777777777777683,
                0.25, 0.41666666666666663, 0.9166666666666666, 0.20833333333333337, -0.5416666666666666,
                -0.7083333333333333,
                -0.5833333333333334, -0.36111111111111116, -0.13888888888888898, 0.08333333333333334, 0.25, 0.75, 0.625,
                0.26388888888888906, -0.6805555555555555, -0.75, -0.5277777777777778, -0.30555555555555564,
                -0.08333333333333333, 0.08333333333333333, 0.6666666666666666, 0.8333333333333333, 0.666666666666667,
                -0.6666666666666665, -0.8333333333333334, -0.6111111111111112, -0.388888888888889, -0.16666666666666666,
                0.0,
            ], tolerance: 1e-12)
        assertClose(
            x.upsample(size: (4, 8), mode: .bilinear, alignCorners: true), shape: [2, 1, 4, 8],
            [
                -1.0, -0.7619047619047619, -0.5238095238095237, -0.2857142857142857, -0.047619047619047596,
                0.19047619047619052, 0.4285714285714285, 0.6666666666666666, 0.888888888888889, 0.015873015873015706,
                -0.523809523809524, -0.7301587301587301, -0.492063492063492, -0.2539682539682539, -0.015873015873015896,
                0.22222222222222224, 0.4444444444444445, 0.6825396825396826, 0.5873015873015872, 0.1587301587301586,
                -0.7142857142857144, -0.6984126984126983, -0.4603174603174603, -0.22222222222222215, 0.0,
                0.23809523809523808,
                0.47619047619047616, 0.7142857142857142, 0.9523809523809524, -0.14285714285714324, -0.9047619047619048,
                -0.6666666666666666, -0.3333333333333333, -0.09523809523809523, 0.14285714285714285,
                0.38095238095238093,
                0.619047619047619, 0.8571428571428572, 0.4285714285714288, -1.0, -0.7777777777777777,
                -0.5396825396825397,
                -0.3015873015873015, -0.0634920634920635, 0.17460317460317462, 0.4126984126984128, 0.6507936507936507,
                0.888888888888889, 0.33333333333333304, -0.5396825396825398, -0.7460317460317459, -0.5079365079365079,
                -0.26984126984126977, -0.031746031746031626, 0.20634920634920637, 0.4444444444444445,
                0.6666666666666666,
                0.9047619047619048, 0.1428571428571428, -0.9523809523809524, -0.7142857142857142, -0.4761904761904761,
                -0.23809523809523814, 0.0,
            ], tolerance: 1e-12)
    }

    /// The definition of max pooling with windows inside the input: each window's first maximum in scan order, a
    /// NaN whenever the window has one (the first NaN); returns the outputs and how many outputs each input feeds.
    private func firstMaximumPooling(
        _ values: [Double], _ shape: (n: Int, c: Int, h: Int, w: Int), kernel: (Int, Int), stride: (Int, Int),
        dilation: (Int, Int)
    ) -> (outputs: [Double], outH: Int, outW: Int, gradient: [Double]) {
        let (n, c, h, w) = shape
        let outH = (h - dilation.0 * (kernel.0 - 1) - 1) / stride.0 + 1
        let outW = (w - dilation.1 * (kernel.1 - 1) - 1) / stride.1 + 1
        var outputs = [Double](), gradient = [Double](repeating: 0, count: values.count)
        for plane in 0..<(n * c) {
            for oh in 0..<outH {
                for ow in 0..<outW {
                    var best = -Double.infinity, at = -1
                    scan: for ki in 0..<kernel.0 {
                        for kj in 0..<kernel.1 {
                            let i = (plane * h + oh * stride.0 + ki * dilation.0) * w + ow * stride.1 + kj * dilation.1
                            if at < 0 || values[i] > best || values[i].isNaN {
                                best = values[i]; at = i
                                if best.isNaN { break scan }
                            }
                        }
                    }
                    outputs.append(best)
                    gradient[at] += 1
                }
            }
        }
        return (outputs, outH, outW, gradient)
    }

    private func assertSameValues(_ got: [Double], _ expected: [Double], _ message: String) {
        XCTAssertEqual(got.count, expected.count, message)
        for (g, e) in zip(got, expected) {
            XCTAssertTrue(e.isNaN ? g.isNaN : g == e, "\(message): \(g) where \(e) was expected")
        }
    }

    /// Windows that lie inside the input take paths without bounds checks (2×2 at stride 2 has its own); they
    /// must pick the same element as the definition: the first maximum in scan order (ties are common here), a
    /// NaN whenever the window has one, the first NaN when it has several (on one row or on two).
    func testMaxPoolWithWindowsInsideTheInputPicksTheFirstMaximumAndPropagatesNaN() {
        let (n, c, h, w) = (2, 3, 6, 8)
        var values = (0..<(n * c * h * w)).map { Double(($0 * 7) % 5) }
        values[17] = .nan
        values[100] = .nan
        values[101] = .nan
        values[33] = .nan
        values[40] = .nan
        let cases: [(kernel: (Int, Int), stride: (Int, Int), dilation: (Int, Int))] = [
            ((2, 2), (2, 2), (1, 1)), ((3, 2), (1, 3), (1, 2)), ((2, 3), (2, 1), (2, 1)),
        ]
        for pool in cases {
            let x = Tensor(values, shape: [n, c, h, w]).requiringGrad()
            let y = x.maxPool2d(kernel: pool.kernel, stride: pool.stride, dilation: pool.dilation)
            let expected = firstMaximumPooling(
                values, (n, c, h, w), kernel: pool.kernel, stride: pool.stride, dilation: pool.dilation)
            XCTAssertEqual(y.shape, [n, c, expected.outH, expected.outW])
            y.sum().backward()
            assertSameValues(y.toDoubleArray(), expected.outputs, "kernel \(pool.kernel)")
            XCTAssertEqual(x.grad?.toDoubleArray(), expected.gradient, "kernel \(pool.kernel)")
            XCTAssertTrue(expected.outputs.contains { $0.isNaN }, "the case must cover a NaN window")
        }
    }

    /// The 2×2 stride-2 kernel goes eight (float32) or four (float64) windows at a time, overlapping the last
    /// vector of a row with the one before, and one window at a time on rows shorter than that; odd sizes leave
    /// a row and a column out. Every such shape, in both precisions, with and without gradients, must give the
    /// definition's values and send each gradient to the definition's element (ties, signed zeros, NaNs).
    func testTwoByTwoMaxPoolMatchesTheDefinitionOnEveryRowLengthAndPrecision() {
        let shapes = [(1, 2, 6, 8), (2, 3, 5, 21), (1, 1, 4, 6), (2, 2, 7, 35), (1, 1, 2, 16), (1, 2, 9, 33)]
        for (n, c, h, w) in shapes {
            var values: [Double] = (0..<(n * c * h * w)).map { (i: Int) -> Double in Double((i * 7 + i / 3) % 4) - 1 }
            for i in stride(from: 0, to: values.count, by: 9) { values[i] = -0.0 }
            for i in stride(from: 5, to: values.count, by: 23) { values[i] = .nan }
            for i in stride(from: 6, to: values.count, by: 47) { values[i] = Double.nan }
            for i in stride(from: 2, to: values.count, by: 31) { values[i] = -Double.infinity }
            let expected = firstMaximumPooling(values, (n, c, h, w), kernel: (2, 2), stride: (2, 2), dilation: (1, 1))
            XCTAssertTrue(expected.outputs.contains { $0.isNaN }, "\(h)×\(w) must cover a NaN window")
            for dtype in [DType.float32, .float64] {
                let label = "\(dtype) \(h)×\(w)"
                let x = Tensor(values, shape: [n, c, h, w]).to(dtype).requiringGrad()
                let y = x.maxPool2d(kernel: (2, 2))
                XCTAssertEqual(y.shape, [n, c, expected.outH, expected.outW], label)
                assertSameValues(y.toDoubleArray(), expected.outputs, label)
                y.sum().backward()
                XCTAssertEqual(x.grad?.toDoubleArray(), expected.gradient, label)
                let evaluated = withoutGradients { x.maxPool2d(kernel: (2, 2)) }
                XCTAssertFalse(evaluated.requiresGrad, label)
                assertSameValues(evaluated.toDoubleArray(), expected.outputs, "\(label) without gradients")
            }
        }
    }

    func testPoolingGradients() {
        let input = randomDouble([2, 2, 5, 6], seed: 1)
        assertGradients([input]) {
            $0[0].maxPool2d(kernel: (3, 2), stride: (2, 2), padding: (1, 1), dilation: (1, 2), ceilMode: true).squared()
                .sum()
        }
        assertGradients([input]) {
            $0[0].avgPool2d(kernel: (3, 3), stride: (2, 1), padding: (1, 1), ceilMode: true, countIncludePad: false)
                .squared().sum()
        }
        assertGradients([input]) { $0[0].adaptiveAvgPool2d(outputSize: (3, 4)).squared().sum() }
        assertGradients([input]) { $0[0].upsample(scaleFactor: (1.5, 2), mode: .bilinear).squared().sum() }
        assertGradients([randomDouble([2, 3, 9], seed: 2)]) {
            $0[0].maxPool1d(kernel: 3, stride: 2, padding: 1).squared().sum() + $0[0].avgPool1d(kernel: 2).exp().sum()
        }
    }
}

final class NormalizationTests: XCTestCase {
    // Expected values: python3 Scripts/oracles/normalization.py
    func testBatchNormTrainingUpdatesRunningStatisticsAsTorch() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 9] as [Double], shape: [4, 2])
        let rm = Tensor.zeros([2], dtype: .float64), rv = Tensor.ones([2], dtype: .float64)
        // Channel 0: mean 4, biased variance 5 normalises the batch; the unbiased 20/3 enters the running variance.
        assertClose(
            x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true, momentum: 0.1),
            shape: [4, 2],
            [
                -1.3416394448610998, -1.2567564961286886, -0.4472131482870333, -0.48336788312641854, 0.4472131482870333,
                0.2900207298758515, 1.3416394448610998, 1.4501036493792565,
            ], tolerance: 1e-12)
        assertClose(rm, shape: [2], [0.4, 0.525], tolerance: 1e-12)
        assertClose(rv, shape: [2], [1.5666666666666669, 1.7916666666666665], tolerance: 1e-12)
        assertClose(
            x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false), shape: [4, 2],
            [
                0.479359747293084, 1.10195079205828, 2.077225571603364, 2.5961213575610325, 3.675091395913644,
                4.090291923063785, 5.272957220223924, 6.331547771317914,
            ], tolerance: 1e-12)
    }

    func testBatchNormGradientsInBothModes() {
        for training in [true, false] {
            for shape in [[5, 3], [3, 2, 4], [2, 3, 2, 3]] {
                let channels = shape[1]
                assertGradients([
                    randomDouble(shape, seed: 3), randomDouble([channels], seed: 4), randomDouble([channels], seed: 5),
                ]) { xs in
                    let rm = Tensor.zeros([channels], dtype: .float64),
                        rv = Tensor.full([channels], value: 1.5, dtype: .float64)
                    return
                        (xs[0].batchNorm(
                            runningMean: rm, runningVar: rv, weight: xs[1], bias: xs[2], training: training)
                        * Tensor.arange(0, Double(shape.reduce(1, *)), dtype: .float64).reshaped(shape)).sin2().sum()
                }
            }
        }
    }

    func testLayerNormAndDropout() {
        assertGradients([
            randomDouble([3, 2, 4], seed: 6), randomDouble([2, 4], seed: 7), randomDouble([2, 4], seed: 8),
        ]) { xs in
            xs[0].layerNorm(normalizedShape: [2, 4], weight: xs[1], bias: xs[2]).pow(3).sum()
        }
        var g = RandomGenerator(seed: 9)
        let ones = Tensor.ones([10000])
        let dropped = ones.dropout(p: 0.3, training: true, generator: &g).toDoubleArray()
        let zeros = dropped.filter { $0 == 0 }.count
        XCTAssertEqual(Double(zeros) / 10000, 0.3, accuracy: 0.02)
        XCTAssertTrue(dropped.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.7) < 1e-6 })
        XCTAssertTrue(ones.dropout(p: 0.3, training: false, generator: &g) === ones)
    }
}

extension Tensor {
    /// A smooth nonlinearity for gradient tests: sin²-like via tanh.
    func sin2() -> Tensor { tanh().squared() }
}

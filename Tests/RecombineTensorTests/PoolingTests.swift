import RecombineTensor
import RecombineTestSupport
import XCTest

/// Forward values from torch 2.13 on x = ((arange(60) mod 7) − 3)/3 viewed as [2, 1, 5, 6].
final class PoolingTests: XCTestCase {
    let x = Tensor((0..<60).map { Double($0 % 7 - 3) / 3 }, shape: [2, 1, 5, 6])

    func testMaxPoolCeilModeAndPaddingMatchTorch() {
        XCTAssertEqual(x.maxPool2d(kernel: (2, 2), ceilMode: true).shape, [2, 1, 3, 3])
        assertClose(Array(x.maxPool2d(kernel: (3, 2), stride: (2, 2), padding: (1, 1), ceilMode: true).toDoubleArray().prefix(6)),
                    [1.0, -1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0, 1.0], tolerance: 1e-12)
    }

    func testAvgPoolPaddingRulesMatchTorch() {
        assertClose(Array(x.avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true).toDoubleArray().prefix(6)),
                    [-0.18518518518518517, -1.0 / 3, 1.0 / 9, 1.0 / 6, 0.2962962962962963, -2.0 / 9], tolerance: 1e-12)
        assertClose(Array(x.avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false).toDoubleArray().prefix(6)),
                    [-0.41666666666666663, -0.5, 1.0 / 6, 0.4444444444444444, -2.0 / 9, -1.0 / 3], tolerance: 1e-12)
    }

    func testAdaptiveAndUpsampleMatchTorch() {
        assertClose(Array(x.adaptiveAvgPool2d(outputSize: (3, 4)).toDoubleArray().prefix(6)),
                    [-0.41666666666666663, -2.0 / 3, 0, 1.0 / 3, 0.4444444444444444, 0], tolerance: 1e-12)
        assertClose(Array(x.upsample(size: (7, 9)).toDoubleArray().prefix(9)), [-1, -1, -2.0 / 3, -1.0 / 3, -1.0 / 3, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3], tolerance: 1e-12)
        let bilinear = x.upsample(scaleFactor: (2, 1.5), mode: .bilinear)
        XCTAssertEqual(bilinear.shape, [2, 1, 10, 9])
        assertClose(Array(bilinear.toDoubleArray().prefix(9)),
                    [-1.0, -0.8333333333333333, -0.6111111111111112, -0.3888888888888889, -0.16666666666666666, 0.055555555555555504, 0.2777777777777777, 0.5, 0.6666666666666666], tolerance: 1e-12)
        assertClose(Array(x.upsample(size: (4, 8), mode: .bilinear, alignCorners: true).toDoubleArray().prefix(8)),
                    [-1.0, -0.7619047619047619, -0.5238095238095237, -0.2857142857142857, -0.047619047619047596, 0.19047619047619052, 0.4285714285714285, 0.6666666666666666], tolerance: 1e-12)
    }

    func testPoolingGradients() {
        let input = randomDouble([2, 2, 5, 6], seed: 1)
        assertGradients([input]) { $0[0].maxPool2d(kernel: (3, 2), stride: (2, 2), padding: (1, 1), dilation: (1, 2), ceilMode: true).squared().sum() }
        assertGradients([input]) { $0[0].avgPool2d(kernel: (3, 3), stride: (2, 1), padding: (1, 1), ceilMode: true, countIncludePad: false).squared().sum() }
        assertGradients([input]) { $0[0].adaptiveAvgPool2d(outputSize: (3, 4)).squared().sum() }
        assertGradients([input]) { $0[0].upsample(scaleFactor: (1.5, 2), mode: .bilinear).squared().sum() }
        assertGradients([randomDouble([2, 3, 9], seed: 2)]) { $0[0].maxPool1d(kernel: 3, stride: 2, padding: 1).squared().sum() + $0[0].avgPool1d(kernel: 2).exp().sum() }
    }
}

final class NormalizationTests: XCTestCase {
    func testBatchNormTrainingUpdatesRunningStatisticsAsTorch() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 9] as [Double], shape: [4, 2])
        let rm = Tensor.zeros([2], dtype: .float64), rv = Tensor.ones([2], dtype: .float64)
        let y = x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: true, momentum: 0.1)
        // Channel 0: mean 4, biased var 5, unbiased 20/3.
        XCTAssertEqual(y[flat: 0], (1 - 4) / (5 + 1e-5).squareRoot(), accuracy: 1e-12)
        assertClose(rm.toDoubleArray(), [0.4, 0.525], tolerance: 1e-12)
        XCTAssertEqual(rv[flat: 0], 0.9 + 0.1 * 20 / 3, accuracy: 1e-12)
        let evaluated = x.batchNorm(runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false)
        XCTAssertEqual(evaluated[flat: 0], (1 - 0.4) / (rv[flat: 0] + 1e-5).squareRoot(), accuracy: 1e-12)
    }

    func testBatchNormGradientsInBothModes() {
        for training in [true, false] {
            for shape in [[5, 3], [3, 2, 4], [2, 3, 2, 3]] {
                let channels = shape[1]
                assertGradients([randomDouble(shape, seed: 3), randomDouble([channels], seed: 4), randomDouble([channels], seed: 5)]) { xs in
                    let rm = Tensor.zeros([channels], dtype: .float64), rv = Tensor.full([channels], value: 1.5, dtype: .float64)
                    return (xs[0].batchNorm(runningMean: rm, runningVar: rv, weight: xs[1], bias: xs[2], training: training) * Tensor.arange(0, Double(shape.reduce(1, *)), dtype: .float64).reshaped(shape)).sin2().sum()
                }
            }
        }
    }

    func testLayerNormAndDropout() {
        assertGradients([randomDouble([3, 2, 4], seed: 6), randomDouble([2, 4], seed: 7), randomDouble([2, 4], seed: 8)]) { xs in
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

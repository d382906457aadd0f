import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

final class TransformTests: XCTestCase {
    let ramp = FloatImage(channels: 1, height: 4, width: 5, pixels: (0..<20).map { Float($0) / 20 })

    func testAffineIdentityAndRotationByNinetyDegrees() {
        var g = RandomGenerator(seed: 1)
        XCTAssertEqual(RandomAffine(degrees: (0, 0)).apply(ramp, &g).pixels, ramp.pixels)
        let square = FloatImage(channels: 1, height: 3, width: 3, pixels: (0..<9).map(Float.init))
        // torchvision: positive angles rotate counter-clockwise; the top-right pixel moves to the top-left.
        // Expected values: python3 Scripts/oracles/transforms.py
        let rotated = RandomRotation(degrees: (90, 90)).apply(square, &g)
        XCTAssertEqual(rotated.pixels, [2, 5, 8, 1, 4, 7, 0, 3, 6])
    }

    func testResizedCropAndPipelineShapes() {
        var g = RandomGenerator(seed: 2)
        let pipeline = TransformPipeline([
            RandomResizedCrop(size: (3, 3), scale: (0.5, 1)), RandomAffine(degrees: (-20, 20)), ToTensor(),
            Pad(padding: (1, 2)),
        ])
        XCTAssertEqual(pipeline.outputShape([1, 4, 5]), [1, 5, 7])
        XCTAssertEqual(pipeline.apply(ramp, &g).shape, [1, 5, 7])
        // A crop covering the whole image resized to its own size is the identity.
        XCTAssertEqual(
            RandomResizedCrop(size: (4, 5), scale: (1, 1), ratio: (1.25, 1.25)).apply(ramp, &g).pixels, ramp.pixels)
    }

    func testPerspectiveWithZeroDistortionIsIdentity() {
        var g = RandomGenerator(seed: 3)
        let out = RandomPerspective(distortionScale: 0, p: 1).apply(ramp, &g)
        for (a, b) in zip(out.pixels, ramp.pixels) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testBatchesAreReproducibleAndIndependentOfThreads() {
        let data = ImageDataset(
            name: "t", pixels: (0..<(8 * 16)).map { UInt8($0 % 256) }, sampleShape: [1, 4, 4], labels: nil)
        let pipeline = TransformPipeline([
            RandomAffine(degrees: (-30, 30), translate: (0.2, 0.2)), ColorJitter(brightness: (0.5, 1.5)),
        ])
        let a = pipeline.batch(data, [0, 3, 5, 7], seed: 9, epoch: 1, batchIndex: 2).toFloatArray()
        Threads.set(1)
        let b = pipeline.batch(data, [0, 3, 5, 7], seed: 9, epoch: 1, batchIndex: 2).toFloatArray()
        Threads.set(Threads.fromEnvironment())
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, pipeline.batch(data, [0, 3, 5, 7], seed: 9, epoch: 2, batchIndex: 2).toFloatArray())
    }

    func testSamplerDropsTheLastBatchAndReshuffles() {
        var sampler = BatchSampler(count: 10, batchSize: 3, shuffle: true, seed: 4)
        let first = sampler.nextEpoch(), second = sampler.nextEpoch()
        XCTAssertEqual(first.count, 3)
        XCTAssertEqual(Set(first.flatMap { $0 }).count, 9)
        XCTAssertNotEqual(first, second)
        var plain = BatchSampler(count: 7, batchSize: 2, shuffle: false, seed: 0)
        XCTAssertEqual(plain.nextEpoch(), [[0, 1], [2, 3], [4, 5]])
    }

    func testThreeGaussiansTeachingSet() {
        let data = SyntheticDatasets.threeGaussians(seed: 5)
        XCTAssertEqual(data.count, 4500)
        XCTAssertEqual(data.labels!.filter { $0 == 1 }.count, 1500)
        let second = (2000..<3500).map { Double(data.features[2 * $0]) }.reduce(0, +) / 1500
        XCTAssertEqual(second, 13, accuracy: 0.1)
    }

    /// Equalising makes a dark and a light copy of one picture alike, leaves a one-level image as it is, and
    /// p = 0 never equalises.
    func testEqualizeMakesDarkAndLightCopiesAlike() {
        var g = RandomGenerator(seed: 7)
        let shape = (0..<(24 * 24)).map { _ in Float(g.nextDouble() < 0.4 ? 0 : 0.2 + 0.8 * g.nextDouble()) }
        let light = FloatImage(channels: 1, height: 24, width: 24, pixels: shape)
        let dark = FloatImage(channels: 1, height: 24, width: 24, pixels: shape.map { $0 * 0.5 })
        XCTAssertGreaterThan(maxAbsoluteDifference(light.pixels.map(Double.init), dark.pixels.map(Double.init)), 0.3)
        let (a, b) = (RandomEqualize.equalize(light), RandomEqualize.equalize(dark))
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(a.pixels.map(Double.init), b.pixels.map(Double.init)), 0.02)
        let flat = FloatImage(channels: 1, height: 24, width: 24, fill: 0.3)
        XCTAssertEqual(RandomEqualize.equalize(flat).pixels, flat.pixels)
        var unused = RandomGenerator(seed: 1)
        XCTAssertEqual(RandomEqualize(p: 0).apply(light, &unused).pixels, light.pixels)
        XCTAssertEqual(RandomEqualize(p: 1).apply(dark, &unused).pixels, b.pixels)
    }
}

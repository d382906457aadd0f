import Foundation
import RecombineData
import XCTest

/// Batches and full-dataset sweeps of a transform pipeline on feature vectors.
final class PipelineBatchTests: XCTestCase {
    /// 2 500 feature vectors of 3 values each (value = 3·row + column).
    let vectors = FeatureDataset(name: "ramp", features: (0..<7500).map { Float($0) }, dimension: 3, labels: nil)

    func testSweepIsChunkedInOrderAndRecordsNoGraph() {  // spec B26
        let weight = Tensor([1, 2, 3] as [Float], shape: [3]).requiringGrad()
        var chunks: [Int] = [], recording: [Bool] = []
        let out = TransformPipeline([]).sweep(vectors, seed: 1, chunkSize: 1024) { x in
            chunks.append(x.shape[0]); recording.append(GradMode.isEnabled)
            return x * weight
        }
        XCTAssertEqual(chunks, [1024, 1024, 452])
        XCTAssertEqual(recording, [false, false, false])
        XCTAssertTrue(GradMode.isEnabled)
        XCTAssertFalse(out.requiresGrad)
        XCTAssertNil(out.gradFn)
        XCTAssertEqual(out.shape, [2500, 3])
        let values = out.toDoubleArray()
        XCTAssertEqual(Array(values[(3 * 2000)..<(3 * 2001)]), [6000, 2 * 6001, 3 * 6002], "rows in dataset order")
    }

    func testSweepOfSomeRowsTransformsThemAsTheWholeSweepDoes() {
        // Random noise per sample: each row must get the generator of its place in the whole sweep,
        // also where `rows` cuts a chunk.
        let noisy = TransformPipeline([GaussianNoise(std: 1)])
        let whole = noisy.sweep(vectors, seed: 3, chunkSize: 1024) { $0 }.toFloatArray()
        var parts: [Float] = []
        for rows in [0..<700, 700..<1500, 1500..<2500] {
            var chunks: [Int] = []
            let part = noisy.sweep(vectors, seed: 3, chunkSize: 1024, rows: rows) {
                chunks.append($0.shape[0]); return $0
            }
            XCTAssertEqual(part.shape, [rows.count, 3])
            XCTAssertTrue(chunks.allSatisfy { $0 <= 1024 }, "\(chunks)")
            parts += part.toFloatArray()
        }
        XCTAssertEqual(parts, whole)
        XCTAssertNotEqual(whole, noisy.sweep(vectors, seed: 4) { $0 }.toFloatArray(), "the noise depends on the seed")
    }

    func testFeatureVectorsTakeElementwiseTransformsOnly() {
        let normalize = TransformPipeline([ToTensor(), Normalize(mean: [0.5], std: [2])])
        XCTAssertNil(normalize.unsupportedTransformIndex(forSampleShape: [3]))
        let batch = normalize.batch(vectors, [4, 0], seed: 1, epoch: 1, batchIndex: 0)
        XCTAssertEqual(batch.shape, [2, 3])
        XCTAssertEqual(batch.toDoubleArray(), [12, 13, 14, 0, 1, 2].map { ($0 - 0.5) / 2 })
        XCTAssertNil(
            TransformPipeline([RandomApply([GaussianNoise(std: 0.1)], p: 0.5)]).unsupportedTransformIndex(
                forSampleShape: [3]))
        XCTAssertEqual(
            TransformPipeline([ToTensor(), RandomRotation(degrees: (-5, 5))]).unsupportedTransformIndex(
                forSampleShape: [3]), 1)
        XCTAssertEqual(
            TransformPipeline([Normalize(mean: [0.1, 0.2, 0.3], std: [1, 1, 1])]).unsupportedTransformIndex(
                forSampleShape: [3]), 0,
            "per-channel statistics need channels")
        XCTAssertEqual(
            TransformPipeline([GaussianNoise()]).unsupportedTransformIndex(forSampleShape: [2, 3]), 0,
            "nothing but ToTensor for other ranks")
        XCTAssertNil(
            TransformPipeline([RandomRotation(degrees: (-5, 5))]).unsupportedTransformIndex(forSampleShape: [1, 2, 3]))
    }
}

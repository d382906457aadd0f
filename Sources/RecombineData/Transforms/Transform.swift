import Foundation

/// A per-sample image transform with torchvision's semantics (tensor path). Random transforms draw
/// from the generator they are given, so results depend only on the seed stream, not on threads.
public protocol ImageTransform: Sendable {
    func apply(_ image: FloatImage, _ generator: inout RandomGenerator) -> FloatImage
    /// The output shape for an input shape [C, H, W].
    func outputShape(_ shape: [Int]) -> [Int]
    /// Whether each value is transformed on its own (no geometry, no channel mixing), so the transform
    /// also applies to feature vectors [D] (treated as a 1×1×D image).
    var isElementwise: Bool { get }
}

extension ImageTransform {
    public func outputShape(_ shape: [Int]) -> [Int] { shape }
    public var isElementwise: Bool { false }
}

/// Transforms applied in order.
public struct TransformPipeline: Sendable {
    public let transforms: [ImageTransform]
    public init(_ transforms: [ImageTransform]) { self.transforms = transforms }

    public var isIdentity: Bool { transforms.allSatisfy { $0 is ToTensor } }

    public func apply(_ image: FloatImage, _ generator: inout RandomGenerator) -> FloatImage {
        transforms.reduce(image) { $1.apply($0, &generator) }
    }

    public func outputShape(_ shape: [Int]) -> [Int] { transforms.reduce(shape) { $1.outputShape($0) } }

    /// The position of the first transform that cannot act on samples of this shape (only element-wise
    /// transforms apply to feature vectors [D]; nothing but ToTensor to other ranks), nil when all can.
    public func unsupportedTransformIndex(forSampleShape shape: [Int]) -> Int? {
        if shape.count == 3 { return nil }
        return transforms.firstIndex { !(shape.count == 1 && $0.isElementwise) && !($0 is ToTensor) }
    }

    /// Why samples of `shape` in dataset `dataset` cannot take the transform named `type`.
    public static func refusal(of type: String, dataset: String, sampleShape shape: [Int]) -> String {
        "transform '\(type)' needs images [C, H, W], but dataset '\(dataset)' holds samples of shape \(shape)"
            + (shape.count == 1
                ? "; feature vectors take only element-wise transforms (GaussianNoise, Normalize with one mean and std, RandomApply of those)"
                : "")
    }

    /// Transformed samples `indices` as a batch [B, C', H', W'] for images, [B, D] for feature vectors
    /// (element-wise transforms only; check `unsupportedTransformIndex(forSampleShape:)` first). Each sample
    /// gets its own generator derived from (seed, epoch, batch, position), so batches are reproducible
    /// at any thread count; `firstPosition` is the position of `indices[0]` in its batch (a part of a
    /// batch then gets the transforms the whole batch would give those samples).
    public func batch(
        _ dataset: Dataset, _ indices: [Int], seed: UInt64, epoch: Int, batchIndex: Int, firstPosition: Int = 0
    ) -> Tensor {
        guard !isIdentity else { return dataset.batch(indices) }
        let sampleShape = dataset.sampleShape
        precondition(
            unsupportedTransformIndex(forSampleShape: sampleShape) == nil,
            "\(sampleShape)-shaped samples cannot take these transforms")
        let inShape = sampleShape.count == 3 ? sampleShape : [1, 1, sampleShape[0]]
        let outShape = sampleShape.count == 3 ? outputShape(inShape) : sampleShape
        let outSize = outShape.reduce(1, *), inSize = inShape.reduce(1, *)
        let out = Tensor(uninitialized: [indices.count] + outShape, dtype: .float32)
        let po = out.floats
        parallelRanges(indices.count, grain: 4) { r in
            var raw = [Float](repeating: 0, count: inSize)
            for i in r {
                raw.withUnsafeMutableBufferPointer { dataset.writeSample(indices[i], to: $0.baseAddress!) }
                var generator = RandomGenerator(
                    seed: TransformPipeline.mix(seed, UInt64(epoch), UInt64(batchIndex), UInt64(firstPosition + i)))
                let image = apply(
                    FloatImage(channels: inShape[0], height: inShape[1], width: inShape[2], pixels: raw), &generator)
                precondition(image.pixels.count == outSize, "a transform produced \(image.shape), expected \(outShape)")
                image.pixels.withUnsafeBufferPointer {
                    (po + i * outSize).update(from: $0.baseAddress!, count: outSize)
                }
            }
        }
        return out
    }

    /// `body` applied without gradients to every sample, in dataset order and chunks of `chunkSize`,
    /// the results joined along axis 0 (full-dataset sweeps: evaluation, DEC targets, k-means features).
    /// With `rows`, only those samples, each transformed as in the whole sweep (a process's share of a
    /// sweep in data-parallel training; the chunks are those of the whole sweep cut to `rows`).
    public func sweep(
        _ dataset: Dataset, seed: UInt64, chunkSize: Int = 1024, rows: Range<Int>? = nil,
        _ body: (Tensor) throws -> Tensor
    ) rethrows -> Tensor {
        try withoutGradients {
            var parts: [Tensor] = []
            for chunk in BatchSampler.evaluationChunks(count: dataset.count, chunkSize: chunkSize) {
                let part = rows.map { chunk.clamped(to: $0) } ?? chunk
                guard !part.isEmpty else { continue }
                parts.append(
                    try body(
                        batch(
                            dataset, Array(part), seed: seed, epoch: 0, batchIndex: chunk.lowerBound,
                            firstPosition: part.lowerBound - chunk.lowerBound)))
            }
            return Tensor.concatenate(parts, axis: 0)
        }
    }

    /// A well-mixed 64-bit seed from several counters (splitmix64 finaliser).
    static func mix(_ values: UInt64...) -> UInt64 {
        values.reduce(0x9E37_79B9_7F4A_7C15) { h, v in
            var z = h ^ (v &+ 0x9E37_79B9_7F4A_7C15 &+ (h << 6) &+ (h >> 2))
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}

/// Uniform draw in [a, b).
@inline(__always) func uniform(_ g: inout RandomGenerator, _ a: Double, _ b: Double) -> Double {
    a + (b - a) * g.nextDouble()
}
/// Integer draw in [a, b] (inclusive), torch.randint(a, b + 1).
@inline(__always) func randomInt(_ g: inout RandomGenerator, _ a: Int, _ b: Int) -> Int {
    b <= a ? a : a + g.nextInt(below: b - a + 1)
}

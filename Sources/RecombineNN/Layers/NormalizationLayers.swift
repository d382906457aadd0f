import RecombineTensor

/// Batch normalisation over axis 1 (torch.nn.BatchNorm1d for [N, C] / [N, C, L], BatchNorm2d for
/// [N, C, H, W]): weight 1, bias 0; buffers running_mean, running_var, num_batches_tracked. In
/// data-parallel training (`BatchRowShare.current`) the statistics are the whole batch's (SyncBN).
public class BatchNorm: Module {
    public let numFeatures: Int, eps: Double, momentum: Double, expectedRanks: [Int]
    public let weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?, numBatchesTracked: Tensor?

    init(numFeatures: Int, eps: Double, momentum: Double, affine: Bool, trackRunningStats: Bool, expectedRanks: [Int]) {
        self.numFeatures = numFeatures; self.eps = eps; self.momentum = momentum; self.expectedRanks = expectedRanks
        weight = affine ? Tensor.ones([numFeatures]) : nil
        bias = affine ? Tensor.zeros([numFeatures]) : nil
        runningMean = trackRunningStats ? Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? Tensor.zeros([], dtype: .float32) : nil
        super.init()
        if let weight { registerParameter("weight", weight) }
        if let bias { registerParameter("bias", bias) }
        if let runningMean { registerBuffer("running_mean", runningMean) }
        if let runningVar { registerBuffer("running_var", runningVar) }
        if let numBatchesTracked { registerBuffer("num_batches_tracked", numBatchesTracked) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        if isTraining, let n = numBatchesTracked { n.setFlat(0, n[flat: 0] + 1) }
        return x.batchNorm(
            runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: isTraining,
            momentum: momentum, eps: eps, share: BatchRowShare.current)
    }

    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        let name = "\(type(of: self))(num_features: \(numFeatures))"
        guard expectedRanks.contains(s.count) else {
            return .failure(
                ShapeError(
                    "\(name) expects an input of rank \(expectedRanks.map(String.init).joined(separator: " or ")), got shape \(s)"
                ))
        }
        guard s[1] == numFeatures else {
            return .failure(ShapeError("\(name) got \(s[1]) channels (input shape \(s))"))
        }
        return .success(s)
    }
}

public final class BatchNorm1d: BatchNorm {
    public init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true
    ) {
        super.init(
            numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
            trackRunningStats: trackRunningStats, expectedRanks: [2, 3])
    }
}

public final class BatchNorm2d: BatchNorm {
    public init(
        numFeatures: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
        trackRunningStats: Bool = true
    ) {
        super.init(
            numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
            trackRunningStats: trackRunningStats, expectedRanks: [4])
    }
}

/// Layer normalisation over the trailing `normalizedShape` (torch.nn.LayerNorm).
public final class LayerNorm: Module {
    public let normalizedShape: [Int], eps: Double
    public let weight: Tensor?, bias: Tensor?
    public init(normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true) {
        self.normalizedShape = normalizedShape; self.eps = eps
        weight = elementwiseAffine ? Tensor.ones(normalizedShape) : nil
        self.bias = elementwiseAffine && bias ? Tensor.zeros(normalizedShape) : nil
        super.init()
        if let weight { registerParameter("weight", weight) }
        if let b = self.bias { registerParameter("bias", b) }
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        Array(s.suffix(normalizedShape.count)) == normalizedShape
            ? .success(s)
            : .failure(
                ShapeError(
                    "LayerNorm(normalized_shape: \(normalizedShape)) needs an input ending in \(normalizedShape), got shape \(s)"
                ))
    }
}

/// Inverted dropout in training mode (torch.nn.Dropout), with its own seeded random stream; in
/// data-parallel training (`BatchRowShare.current`) the mask is drawn for the whole batch.
public final class Dropout: Module {
    public let p: Double
    var generator: RandomGenerator
    public init(p: Double = 0.5, generator: inout RandomGenerator) {
        precondition(p >= 0 && p <= 1, "Dropout: p must be in [0, 1]")
        self.p = p; self.generator = generator.split()
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.dropout(p: p, training: isTraining, generator: &generator, share: BatchRowShare.current)
    }
    public override var ownRandomState: [UInt64]? {
        get { generator.state }
        set { if let newValue { generator = RandomGenerator(state: newValue) } }
    }
}

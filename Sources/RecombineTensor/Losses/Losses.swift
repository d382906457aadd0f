/// The losses design patterns build on, composed from differentiable ops with torch.nn.functional's
/// semantics and defaults.

/// Squared error (torch.nn.functional.mse_loss). Shapes must match.
public func mseLoss(predictions: Tensor, targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(
        predictions.shape == targets.shape, "mseLoss: predictions \(predictions.shape) vs targets \(targets.shape)")
    return reduction.apply((predictions - targets).squared())
}

/// Negative log-likelihood of integer class targets given log-probabilities [N, C]
/// (torch.nn.functional.nll_loss).
public func nllLoss(logProbabilities: Tensor, targets: [Int], reduction: LossReduction = .mean) -> Tensor {
    precondition(
        logProbabilities.rank == 2 && logProbabilities.shape[0] == targets.count,
        "nllLoss: log-probabilities \(logProbabilities.shape) vs \(targets.count) targets")
    let picked = logProbabilities.gather(axis: 1, indices: targets, indexShape: [targets.count, 1]).reshaped([
        targets.count
    ])
    return reduction.apply(-picked)
}

/// Cross-entropy of logits [N, C] and integer class targets (torch.nn.functional.cross_entropy).
public func crossEntropy(logits: Tensor, targets: [Int], reduction: LossReduction = .mean) -> Tensor {
    nllLoss(logProbabilities: logits.logSoftmax(axis: 1), targets: targets, reduction: reduction)
}

/// Cross-entropy of logits [N, C] and target probabilities [N, C] (soft labels): −Σ_c p log softmax(z),
/// reduced over samples (`.mean` averages over N, as torch does for probability targets).
public func crossEntropy(logits: Tensor, targetProbabilities: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(
        logits.shape == targetProbabilities.shape,
        "crossEntropy: logits \(logits.shape) vs targets \(targetProbabilities.shape)")
    let perSample = -(targetProbabilities * logits.logSoftmax(axis: 1)).sum(axis: 1)
    return reduction.apply(perSample)
}

/// KL(targets ‖ exp(logProbabilities)) summed elementwise as torch.nn.functional.kl_div:
/// targets · (log targets − input), where zero targets contribute 0. Use `.batchMean` for the true KL
/// per sample (torch's default `mean` divides by the element count).
public func klDivergence(logProbabilities: Tensor, targets: Tensor, reduction: LossReduction = .mean) -> Tensor {
    precondition(
        logProbabilities.shape == targets.shape,
        "klDivergence: input \(logProbabilities.shape) vs targets \(targets.shape)")
    let positive = withoutGradients { targets.greater(Tensor.zeros([], dtype: targets.dtype)) }
    let safeTargets = Tensor.where(positive, targets, Tensor.ones([], dtype: targets.dtype))
    let pointwise = Tensor.where(
        positive, targets * (safeTargets.log() - logProbabilities),
        Tensor.zeros([], dtype: targets.dtype))
    return reduction.apply(pointwise)
}

/// Binary cross-entropy of probabilities in [0, 1] (torch.nn.functional.binary_cross_entropy): the
/// logarithms are clamped below at `logClamp` (torch uses −100) so saturated outputs stay finite.
public func binaryCrossEntropy(
    probabilities: Tensor, targets: Tensor, reduction: LossReduction = .mean,
    logClamp: Double = -100
) -> Tensor {
    precondition(
        probabilities.shape == targets.shape,
        "binaryCrossEntropy: input \(probabilities.shape) vs targets \(targets.shape)")
    let logP = probabilities.log().clamped(min: logClamp)
    let log1mP = (1.0 - probabilities).log().clamped(min: logClamp)
    return reduction.apply(-(targets * logP + (1.0 - targets) * log1mP))
}

/// NT-Xent (SimCLR's normalised temperature-scaled cross-entropy) of two views [B, D]: the 2B
/// normalised rows are compared by cosine similarity / τ, each row's positive is its other view, and
/// the other 2B − 2 rows are negatives (self-similarity excluded). Mean over the 2B rows.
public func ntXentLoss(_ z1: Tensor, _ z2: Tensor, temperature: Double) -> Tensor {
    precondition(
        z1.shape == z2.shape && z1.rank == 2, "ntXentLoss: views must both be [B, D], got \(z1.shape) and \(z2.shape)")
    let n = z1.shape[0]
    let z = Tensor.concatenate([z1, z2], axis: 0).normalized(axis: 1)
    let similarities = z.matmul(z, transposeOther: true) / temperature
    let selfMask = Tensor.eye(2 * n, dtype: z1.dtype)
    let masked = Tensor.where(selfMask, Tensor.full([], value: -.infinity, dtype: z1.dtype), similarities)
    let targets = Array(n..<(2 * n)) + Array(0..<n)
    return crossEntropy(logits: masked, targets: targets)
}

/// Batch normalisation (fused kernel and pullback), layer normalisation and dropout.

/// Per-channel statistics of x viewed as [N, C, L]: mean and biased variance; with a `share`, of the
/// whole batch whose rows `x` holds a share of (both sums taken over the processes).
func channelMoments<S: TensorScalar>(
    _ x: Tensor, channels: Int, length: Int, share: BatchRowShare? = nil, _: S.Type
) -> ([Double], [Double]) {
    let n = x.count / Swift.max(channels * length, 1), m = Double((share?.rows ?? n) * length)
    var totals = channelMomentSums(x, channels: channels, length: length, around: nil, S.self)
    if let share { totals = share.summed(totals) }
    let means = totals.map { $0 / m }
    var squares = channelMomentSums(x, channels: channels, length: length, around: means, S.self)
    if let share { squares = share.summed(squares) }
    return (means, squares.map { $0 / m })
}

/// Per channel of x viewed as [N, C, L]: Σ x, or Σ (x − around_c)² when `around` is given (each
/// sample's sum in S, in vector lanes, added up in Double).
func channelMomentSums<S: TensorScalar>(
    _ x: Tensor, channels: Int, length: Int, around: [Double]?, _: S.Type
) -> [Double] {
    let px = x.pointer(S.self), n = x.count / Swift.max(channels * length, 1)
    var sums = [Double](repeating: 0, count: channels)
    sums.withUnsafeMutableBufferPointer { ps in
        let ps = ps.baseAddress!
        parallelRanges(channels, grain: Swift.max(1, 8192 / Swift.max(n * length, 1))) { r in
            for c in r {
                var total = 0.0
                for i in 0..<n {
                    let p = px + (i * channels + c) * length
                    total += around.map { rowSquaredDeviations(p, length, around: $0[c]) } ?? rowSum(p, length)
                }
                ps[c] = total
            }
        }
    }
    return sums
}

/// y = (x − mean_c)·scale_c + shift_c per channel.
func channelAffine<S: TensorScalar>(
    _ x: Tensor, mean: [Double], scale: [Double], shift: [Double], channels: Int, length: Int, _: S.Type
) -> Tensor {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let px = x.pointer(S.self), po = out.pointer(S.self)
    let n = x.count / Swift.max(channels * length, 1)
    parallelRanges(n * channels, grain: Swift.max(1, 16384 / Swift.max(length, 1))) { r in
        for job in r {
            let c = job % channels
            let mu = S(mean[c]), a = S(scale[c]), b = S(shift[c])
            let src = px + job * length, dst = po + job * length
            for l in 0..<length { dst[l] = (src[l] - mu) * a + b }
        }
    }
    return out
}

extension Tensor {
    /// Channels and per-channel length of the [N, C, …] view batch norm works on.
    var batchNormView: (channels: Int, length: Int) {
        precondition(rank >= 2, "batch_norm: expected [N, C, …], got \(shape)")
        return (shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// Batch normalisation over axis 1 of [N, C], [N, C, L] or [N, C, H, W]
    /// (torch.nn.functional.batch_norm). In training, batch statistics normalise and the running
    /// averages are updated in place (running = (1 − momentum)·running + momentum·batch, with the
    /// unbiased batch variance); in evaluation the running statistics normalise. Given the `share` of a
    /// batch spread over processes that this tensor's rows are, the batch statistics and the backward's
    /// batch reductions are the whole batch's (SyncBN).
    public func batchNorm(
        runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?, training: Bool,
        momentum: Double = 0.1, eps: Double = 1e-5, share: BatchRowShare? = nil
    ) -> Tensor {
        let (channels, length) = batchNormView
        let useBatchStatistics = training || runningMean == nil || runningVar == nil
        let share = useBatchStatistics ? share.flatMap { $0.holds(batchRows: shape[0]) ? $0 : nil } : nil
        let m = share.map { $0.rows * length } ?? count / channels
        precondition(
            !useBatchStatistics || m > 1,
            "batch_norm: expected more than one value per channel in training, got input \(shape)")
        let mean: [Double], variance: [Double]
        if useBatchStatistics {
            (mean, variance) =
                dtype == .float32
                ? channelMoments(self, channels: channels, length: length, share: share, Float.self)
                : channelMoments(self, channels: channels, length: length, share: share, Double.self)
            if training, let rm = runningMean, let rv = runningVar {
                let correction = Double(m) / Double(m - 1)
                for c in 0..<channels {
                    rm.setFlat(c, (1 - momentum) * rm[flat: c] + momentum * mean[c])
                    rv.setFlat(c, (1 - momentum) * rv[flat: c] + momentum * variance[c] * correction)
                }
            }
        } else {
            mean = runningMean!.toDoubleArray(); variance = runningVar!.toDoubleArray()
        }
        let invStd = variance.map { 1 / ($0 + eps).squareRoot() }
        let gamma = weight?.toDoubleArray() ?? [Double](repeating: 1, count: channels)
        let beta = bias?.toDoubleArray() ?? [Double](repeating: 0, count: channels)
        let scale = zip(invStd, gamma).map { $0 * $1 }
        let out =
            dtype == .float32
            ? channelAffine(self, mean: mean, scale: scale, shift: beta, channels: channels, length: length, Float.self)
            : channelAffine(
                self, mean: mean, scale: scale, shift: beta, channels: channels, length: length, Double.self)
        var inputs = [self]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let x = self
        return Tensor.record(out, "batch_norm", inputs) { g, _ in
            // x̂ = (x − mean)·invStd; dγ = Σ g·x̂, dβ = Σ g; with batch statistics
            // dx = invStd·γ·(g − mean(g) − x̂·mean(g·x̂)); with running statistics dx = invStd·γ·g.
            let sumG: [Double], sumGX: [Double]
            (sumG, sumGX) =
                g.dtype == .float32
                ? batchNormReductions(g, x, mean, invStd, channels, length, Float.self)
                : batchNormReductions(g, x, mean, invStd, channels, length, Double.self)
            var grads: [Tensor?] = []
            if x.requiresGrad {
                if useBatchStatistics {
                    let a = (0..<channels).map { invStd[$0] * gamma[$0] }
                    // The whole batch's reductions; γ and β keep this share's (data-parallel training
                    // sums parameter gradients over the processes).
                    let total = share?.summed(sumG + sumGX)
                    let totalG = total.map { Array($0[..<channels]) } ?? sumG
                    let totalGX = total.map { Array($0[channels...]) } ?? sumGX
                    let meanG = totalG.map { $0 / Double(m) }, meanGX = totalGX.map { $0 / Double(m) }
                    grads.append(
                        g.dtype == .float32
                            ? batchNormInputGradient(g, x, mean, invStd, a, meanG, meanGX, channels, length, Float.self)
                            : batchNormInputGradient(
                                g, x, mean, invStd, a, meanG, meanGX, channels, length, Double.self))
                } else {
                    let a = (0..<channels).map { invStd[$0] * gamma[$0] }
                    grads.append(
                        g.dtype == .float32
                            ? channelAffine(
                                g, mean: [Double](repeating: 0, count: channels), scale: a,
                                shift: [Double](repeating: 0, count: channels), channels: channels, length: length,
                                Float.self)
                            : channelAffine(
                                g, mean: [Double](repeating: 0, count: channels), scale: a,
                                shift: [Double](repeating: 0, count: channels), channels: channels, length: length,
                                Double.self))
                }
            } else {
                grads.append(nil)
            }
            if weight != nil { grads.append(Tensor(doubles: sumGX, shape: [channels], dtype: g.dtype)) }
            if bias != nil { grads.append(Tensor(doubles: sumG, shape: [channels], dtype: g.dtype)) }
            return grads
        }
    }

    /// Normalises over the trailing axes `normalizedShape` of each sample (torch.nn.functional.layer_norm),
    /// then scales and shifts elementwise.
    public func layerNorm(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5)
        -> Tensor
    {
        precondition(
            Array(shape.suffix(normalizedShape.count)) == normalizedShape,
            "layer_norm: input \(shape) does not end with \(normalizedShape)")
        let axes = Array((rank - normalizedShape.count)..<rank)
        let centered = self - mean(axes: axes, keepDims: true)
        let variance = centered.squared().mean(axes: axes, keepDims: true)
        var y = centered / (variance + eps).sqrt()
        if let weight { y = y * weight }
        if let bias { y = y + bias }
        return y
    }

    /// Inverted dropout (torch.nn.functional.dropout): in training each element is zeroed with
    /// probability p and the others scaled by 1/(1 − p); otherwise the identity. Given the `share` of a
    /// batch spread over processes that this tensor's rows are, the mask is drawn for the whole batch
    /// and these rows of it are used.
    public func dropout(p: Double, training: Bool, generator: inout RandomGenerator, share: BatchRowShare? = nil)
        -> Tensor
    {
        precondition(p >= 0 && p <= 1, "dropout: p must be in [0, 1], got \(p)")
        guard training && p > 0 else { return self }
        if p == 1 { return self * Tensor.zeros(shape, dtype: dtype) }
        let share = share.flatMap { rank >= 1 && $0.holds(batchRows: shape[0]) ? $0 : nil }
        let rowSize = rank >= 1 ? shape.dropFirst().reduce(1, *) : count
        let before = (share?.own.lowerBound ?? 0) * rowSize
        let after = share.map { ($0.rows - $0.own.upperBound) * rowSize } ?? 0
        let mask = Tensor(uninitialized: shape, dtype: dtype), keep = 1 / (1 - p)
        for _ in 0..<before { _ = generator.next() }  // one draw per element, of the rows before these
        switch dtype {
        case .float32:
            let pm = mask.floats, k = Float(keep), q = Float(p);
            for i in 0..<count { pm[i] = generator.nextFloat() < q ? 0 : k }
        case .float64: let pm = mask.doubles; for i in 0..<count { pm[i] = generator.nextDouble() < p ? 0 : keep }
        }
        for _ in 0..<after { _ = generator.next() }
        return self * mask
    }
}

func batchNormReductions<S: TensorScalar>(
    _ g: Tensor, _ x: Tensor, _ mean: [Double], _ invStd: [Double], _ channels: Int, _ length: Int,
    _: S.Type
) -> ([Double], [Double]) {
    let pg = g.pointer(S.self), px = x.pointer(S.self), n = g.count / Swift.max(channels * length, 1)
    var sumG = [Double](repeating: 0, count: channels), sumGX = sumG
    sumG.withUnsafeMutableBufferPointer { a in
        sumGX.withUnsafeMutableBufferPointer { b in
            let a = a.baseAddress!, b = b.baseAddress!
            parallelRanges(channels, grain: Swift.max(1, 8192 / Swift.max(n * length, 1))) { r in
                for c in r {
                    var sg = 0.0, sgx = 0.0
                    for i in 0..<n {
                        let pgi = pg + (i * channels + c) * length, pxi = px + (i * channels + c) * length
                        sg += rowSum(pgi, length)
                        sgx += rowGradientDeviations(pgi, pxi, length, around: mean[c])
                    }
                    a[c] = sg; b[c] = sgx * invStd[c]
                }
            }
        }
    }
    return (sumG, sumGX)
}

func batchNormInputGradient<S: TensorScalar>(
    _ g: Tensor, _ x: Tensor, _ mean: [Double], _ invStd: [Double], _ a: [Double],
    _ meanG: [Double], _ meanGX: [Double], _ channels: Int, _ length: Int, _: S.Type
) -> Tensor {
    let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
    let pg = g.pointer(S.self), px = x.pointer(S.self), po = out.pointer(S.self)
    let n = x.count / Swift.max(channels * length, 1)
    parallelRanges(n * channels, grain: Swift.max(1, 16384 / Swift.max(length, 1))) { r in
        for job in r {
            let c = job % channels
            let mu = S(mean[c]), inv = S(invStd[c]), ac = S(a[c]), mg = S(meanG[c]), mgx = S(meanGX[c])
            let gi = pg + job * length, xi = px + job * length, oi = po + job * length
            for l in 0..<length { oi[l] = ac * (gi[l] - mg - (xi[l] - mu) * inv * mgx) }
        }
    }
    return out
}

/// Moves channel blocks between batch layout [N, C, L] and GEMM layout [c, nb·L] (one column block
/// per image), the reshuffles around each convolution GEMM.
struct ChannelBlock {
    let n0: Int, nb: Int  // images n0 ..< n0 + nb
    let c0: Int, cCount: Int  // channels c0 ..< c0 + cCount
    let channels: Int, length: Int  // C and L of the batch tensor

    var ld: Int { nb * length }

    /// tmp[c, j·L + l] = batch[n0 + j, c0 + c, l].
    func gather<S: TensorScalar>(_ batch: UnsafePointer<S>, into tmp: UnsafeMutablePointer<S>) {
        parallelRanges(nb * cCount, grain: max(1, 4096 / max(length, 1))) { r in
            for job in r {
                let j = job / cCount, c = job % cCount
                (tmp + c * ld + j * length).update(from: batch + ((n0 + j) * channels + c0 + c) * length, count: length)
            }
        }
    }

    /// batch[n0 + j, c0 + c, l] = tmp[c, j·L + l] (+ bias[c0 + c]); or += with `accumulate`.
    func scatter<S: TensorScalar>(
        _ tmp: UnsafePointer<S>, into batch: UnsafeMutablePointer<S>, bias: UnsafePointer<S>? = nil,
        accumulate: Bool = false
    ) {
        parallelRanges(nb * cCount, grain: max(1, 4096 / max(length, 1))) { r in
            for job in r {
                let j = job / cCount, c = job % cCount
                let dst = batch + ((n0 + j) * channels + c0 + c) * length, src = tmp + c * ld + j * length
                if accumulate {
                    for l in 0..<length { dst[l] += src[l] }
                } else if let bias {
                    let b = bias[c0 + c]; for l in 0..<length { dst[l] = src[l] + b }
                } else {
                    dst.update(from: src, count: length)
                }
            }
        }
    }
}

/// Images per GEMM chunk so that a patch matrix stays near 1M elements (4 MB in float32), which stays in
/// the last-level cache between im2col, GEMM and col2im; 8M spilled it, most of all when other processes
/// shared the cache (Docs/benchmarks.md, 2026-12-03).
func imagesPerChunk(patchSize: Int, positions: Int, batch: Int) -> Int {
    Swift.max(1, Swift.min(batch, (1 << 20) / Swift.max(patchSize * positions, 1)))
}

/// Σ over batch and positions of g [N, C, L] per channel (the bias gradient of convolutions), in channels'
/// parallel ranges, each channel summed in S in order. Kept sequential on purpose: with row sums in vector
/// lanes added in Double, one process and two data-parallel ones ended depict_usps_sgd's check-mpi run 1.2e-3
/// apart instead of 4e-5. Four neighbouring channels are summed side by side (their rows of an image are
/// adjacent), four independent chains of additions instead of one, each in the same order as alone.
func channelSums<S: TensorScalar>(_ g: Tensor, channels: Int, length: Int, _: S.Type) -> Tensor {
    let out = Tensor.zeros([channels], dtype: g.dtype)
    let pg = g.pointer(S.self), po = out.pointer(S.self)
    let n = g.count / Swift.max(channels * length, 1)
    parallelRanges(channels, grain: Swift.max(4, 8192 / Swift.max(n * length, 1))) { r in
        var c = r.lowerBound
        while c + 4 <= r.upperBound {
            var t0: S = 0, t1: S = 0, t2: S = 0, t3: S = 0
            for i in 0..<n {
                let p0 = pg + (i * channels + c) * length, p1 = p0 + length, p2 = p1 + length, p3 = p2 + length
                for l in 0..<length { t0 += p0[l]; t1 += p1[l]; t2 += p2[l]; t3 += p3[l] }
            }
            po[c] = t0; po[c + 1] = t1; po[c + 2] = t2; po[c + 3] = t3
            c += 4
        }
        for c in c..<r.upperBound {
            var total: S = 0
            for i in 0..<n { let p = pg + (i * channels + c) * length; for l in 0..<length { total += p[l] } }
            po[c] = total
        }
    }
    return out
}

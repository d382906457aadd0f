/// conv2d with one GEMM per image and group, for images with many output positions.
///
/// An image's slice of an NCHW tensor is already the GEMM's [channels, positions] matrix, so these
/// kernels need no gather or scatter: the forward GEMM writes the output in place (onto the bias, so
/// OpenBLAS skips its zeroing pass), the weight gradient reads the output gradient in place, and for
/// stride 1 the input gradient is itself a convolution — of the output gradient with the flipped,
/// transposed kernel — written in place, instead of a GEMM with the output channels as its inner
/// dimension followed by col2im. Batches of small images keep the chunked kernels of Convolution.swift,
/// whose larger GEMMs pay for the reshuffles.

/// Output positions from which an image gets GEMMs of its own (for convolutions the direct kernels of
/// ConvolutionDirect.swift do not take: strides or dilations above 1); below, the chunked kernels, whose larger
/// GEMMs pay for the reshuffles.
let perImageConvolutionPositions = 196

extension ConvGeometry {
    /// Whether the patch matrix is the image itself (1×1 kernel, stride 1, no padding).
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
    }

    /// The geometry of the input gradient as a convolution over the output gradient [channels, Ho, Wo]
    /// (stride 1 only, where the padding d(k−1)−p is not negative); its output is [H, W].
    func inputGradientGeometry(outputChannels: Int) -> ConvGeometry? {
        let padH = dilationH * (kernelH - 1) - self.padH, padW = dilationW * (kernelW - 1) - self.padW
        guard strideH == 1, strideW == 1, padH >= 0, padW >= 0 else { return nil }
        let geometry = ConvGeometry(
            channels: outputChannels, height: outH, width: outW, kernel: (kernelH, kernelW), stride: (1, 1),
            padding: (padH, padW), dilation: (dilationH, dilationW))
        return geometry.outH == height && geometry.outW == width ? geometry : nil
    }
}

/// The kernel of the input gradient's convolution, per group: wT[g][c][o][i][j] = w[g·O/g + o][c][kh−1−i][kw−1−j],
/// laid out as [groups · inGroup, outGroup · kh · kw].
func flippedTransposedKernel<S: TensorScalar>(_ w: Tensor, _ s: Conv2dSetup, _: S.Type) -> Tensor {
    let geo = s.geometry, kh = geo.kernelH, kw = geo.kernelW, taps = kh * kw
    let result = Tensor(uninitialized: [s.groups * s.inGroup * s.outGroup * taps], dtype: w.dtype)
    let pw = w.pointer(S.self), pr = result.pointer(S.self)
    for g in 0..<s.groups {
        for o in 0..<s.outGroup {
            for c in 0..<s.inGroup {
                let src = pw + ((g * s.outGroup + o) * s.inGroup + c) * taps
                let dst = pr + ((g * s.inGroup + c) * s.outGroup + o) * taps
                for t in 0..<taps { dst[t] = src[taps - 1 - t] }
            }
        }
    }
    return result
}

func conv2dForwardPerImage<S: TensorScalar>(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: Conv2dSetup, _: S.Type)
    -> Tensor
{
    let geo = s.geometry, L = geo.positions, K = geo.patchSize
    let out = Tensor(uninitialized: [s.n, s.outChannels, geo.outH, geo.outW], dtype: x.dtype)
    let px = x.pointer(S.self), pw = w.pointer(S.self), po = out.pointer(S.self), pb = bias?.pointer(S.self)
    let planes = geo.height * geo.width, imageSize = s.inChannels * planes, outImage = s.outChannels * L
    parallelWithSerialBLAS(s.n) { images, _ in
        let cols = geo.isPointwise ? nil : Tensor(uninitialized: [K * L], dtype: x.dtype)
        let pc = cols?.pointer(S.self)
        for i in images {
            for g in 0..<s.groups {
                let image = px + i * imageSize + g * s.inGroup * planes
                if let pc { geo.im2col(image, into: pc, ld: L, column0: 0) }
                let dst = po + i * outImage + g * s.outGroup * L
                if let pb {
                    for o in 0..<s.outGroup { (dst + o * L).update(repeating: pb[g * s.outGroup + o], count: L) }
                }
                S.gemm(
                    transA: false, transB: false, m: s.outGroup, n: L, k: K, alpha: 1, a: pw + g * s.outGroup * K,
                    lda: K, b: pc ?? image, ldb: L, beta: pb == nil ? 0 : 1, c: dst, ldc: L)
            }
        }
    }
    return out
}

func conv2dBackwardPerImage<S: TensorScalar>(
    _ gOut: Tensor, _ x: Tensor, _ w: Tensor, _ s: Conv2dSetup, wantInput: Bool, _: S.Type
) -> (Tensor?, Tensor) {
    let geo = s.geometry, L = geo.positions, K = geo.patchSize
    let transposed = wantInput ? geo.inputGradientGeometry(outputChannels: s.outGroup) : nil
    let flipped = transposed == nil || geo.isPointwise ? nil : flippedTransposedKernel(w, s, S.self)
    let gx =
        wantInput
        ? (transposed == nil ? Tensor.zeros(x.shape, dtype: x.dtype) : Tensor(uninitialized: x.shape, dtype: x.dtype))
        : nil
    let gw = Tensor.zeros(w.shape, dtype: w.dtype)
    let partials = (0..<serialBLASWorkers(s.n)).map { _ in Tensor.zeros(w.shape, dtype: w.dtype) }
    let px = x.pointer(S.self), pw = w.pointer(S.self), pg = gOut.pointer(S.self), pgx = gx?.pointer(S.self)
    let pf = flipped?.pointer(S.self)
    let planes = geo.height * geo.width, imageSize = s.inChannels * planes, outImage = s.outChannels * L
    parallelWithSerialBLAS(s.n) { images, worker in
        let pgw = partials[worker].pointer(S.self)
        let cols = geo.isPointwise ? nil : Tensor(uninitialized: [K * L], dtype: x.dtype)
        let gradientCols = transposed.flatMap { t in
            geo.isPointwise ? nil : Tensor(uninitialized: [t.patchSize * planes], dtype: x.dtype)
        }
        let pc = cols?.pointer(S.self), pd = gradientCols?.pointer(S.self)
        for i in images {
            for g in 0..<s.groups {
                let image = px + i * imageSize + g * s.inGroup * planes
                let gy = pg + i * outImage + g * s.outGroup * L
                if let pc { geo.im2col(image, into: pc, ld: L, column0: 0) }
                S.gemm(
                    transA: false, transB: true, m: s.outGroup, n: K, k: L, alpha: 1, a: gy, lda: L,
                    b: pc ?? image, ldb: L, beta: 1, c: pgw + g * s.outGroup * K, ldc: K)
                guard let pgx else { continue }
                let gImage = pgx + i * imageSize + g * s.inGroup * planes
                if geo.isPointwise {
                    S.gemm(
                        transA: true, transB: false, m: K, n: L, k: s.outGroup, alpha: 1, a: pw + g * s.outGroup * K,
                        lda: K, b: gy, ldb: L, beta: 0, c: gImage, ldc: L)
                } else if let transposed, let pd, let pf {
                    let kt = transposed.patchSize
                    transposed.im2col(gy, into: pd, ld: planes, column0: 0)
                    S.gemm(
                        transA: false, transB: false, m: s.inGroup, n: planes, k: kt, alpha: 1,
                        a: pf + g * s.inGroup * kt,
                        lda: kt, b: pd, ldb: planes, beta: 0, c: gImage, ldc: planes)
                } else if let pc {
                    S.gemm(
                        transA: true, transB: false, m: K, n: L, k: s.outGroup, alpha: 1, a: pw + g * s.outGroup * K,
                        lda: K, b: gy, ldb: L, beta: 0, c: pc, ldc: L)
                    geo.col2im(pc, ld: L, column0: 0, into: gImage)
                }
            }
        }
    }
    sumPartials(partials, into: gw, S.self)
    return (gx, gw)
}

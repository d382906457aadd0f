/// conv1d, conv2d and conv_transpose2d as im2col/col2im + GEMM, batch folded into the GEMM's
/// column dimension in chunks; forward and pullbacks side by side. conv2d of stride and dilation 1 takes
/// the direct kernels of ConvolutionDirect.swift instead, and other conv2d of images with many output
/// positions the per-image kernels of ConvolutionPerImage.swift.

/// Shapes and hyper-parameters of one 2-D convolution call.
struct Conv2dSetup {
    let n: Int, inChannels: Int, outChannels: Int, groups: Int
    let geometry: ConvGeometry  // per group: channels = inChannels / groups
    var inGroup: Int { inChannels / groups }
    var outGroup: Int { outChannels / groups }
}

/// Sums per-worker partial weight gradients in worker order (deterministic).
func sumPartials<S: TensorScalar>(_ partials: [Tensor], into total: Tensor, _: S.Type) {
    let pt = total.pointer(S.self)
    for partial in partials {
        let pp = partial.pointer(S.self)
        for i in 0..<total.count { pt[i] += pp[i] }
    }
}

// Each kernel splits the batch over threads (`parallelWithSerialBLAS`: one worker per core, each
// running single-threaded GEMMs on its images in chunks), which keeps both cores busy through the
// im2col/col2im copies that a threaded GEMM would leave idle.

/// `kept`, when given, receives the patch matrices for the backward (KeptPatches) instead of a scratch buffer.
func conv2dForward<S: TensorScalar>(
    _ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: Conv2dSetup, keeping kept: KeptPatches? = nil, _: S.Type
) -> Tensor {
    let geo = s.geometry, L = geo.positions, K = geo.patchSize
    let out = Tensor(uninitialized: [s.n, s.outChannels, geo.outH, geo.outW], dtype: x.dtype)
    let px = x.pointer(S.self), pw = w.pointer(S.self), po = out.pointer(S.self), pb = bias?.pointer(S.self)
    let imageSize = s.inChannels * geo.height * geo.width
    let table = PatchTable.pays(for: geo) ? PatchTable(geo) : nil
    parallelWithSerialBLAS(s.n) { images, _ in
        let chunk = imagesPerChunk(patchSize: K, positions: L, batch: images.count)
        let cols = kept == nil ? Tensor(uninitialized: [K * chunk * L], dtype: x.dtype) : nil,
            tmp = Tensor(uninitialized: [s.outGroup * chunk * L], dtype: x.dtype)
        let scratch = cols?.pointer(S.self), pt = tmp.pointer(S.self)
        let patches = PatchCopies<S>(geo, table: table, dtype: x.dtype)
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let nb = Swift.min(chunk, images.upperBound - n0), ld = nb * L
            for g in 0..<s.groups {
                let pc = kept?.slot(n0: n0, nb: nb, group: g, S.self) ?? scratch!
                for j in 0..<nb {
                    patches.im2col(
                        px + (n0 + j) * imageSize + g * s.inGroup * geo.height * geo.width, into: pc, ld: ld,
                        column0: j * L)
                }
                S.gemm(
                    transA: false, transB: false, m: s.outGroup, n: ld, k: K, alpha: 1, a: pw + g * s.outGroup * K,
                    lda: K,
                    b: pc, ldb: ld, beta: 0, c: pt, ldc: ld)
                ChannelBlock(n0: n0, nb: nb, c0: g * s.outGroup, cCount: s.outGroup, channels: s.outChannels, length: L)
                    .scatter(pt, into: po, bias: pb)
            }
        }
    }
    return out
}

/// Gradients of conv2d with respect to input (when wanted), weight and bias. The weight gradient reads the
/// forward's patch matrices where `kept` has them and copies the windows again where not.
func conv2dBackward<S: TensorScalar>(
    _ gOut: Tensor, _ x: Tensor, _ w: Tensor, _ s: Conv2dSetup, wantInput: Bool, kept: KeptPatches? = nil,
    _: S.Type
) -> (Tensor?, Tensor) {
    let geo = s.geometry, L = geo.positions, K = geo.patchSize
    let gx = wantInput ? Tensor.zeros(x.shape, dtype: x.dtype) : nil
    let gw = Tensor.zeros(w.shape, dtype: w.dtype)
    let partials = (0..<serialBLASWorkers(s.n)).map { _ in Tensor.zeros(w.shape, dtype: w.dtype) }
    let px = x.pointer(S.self), pw = w.pointer(S.self), pg = gOut.pointer(S.self), pgx = gx?.pointer(S.self)
    let planes = geo.height * geo.width, imageSize = s.inChannels * planes
    let table = PatchTable.pays(for: geo) ? PatchTable(geo) : nil
    parallelWithSerialBLAS(s.n) { images, worker in
        let pgw = partials[worker].pointer(S.self)
        let chunk = imagesPerChunk(patchSize: K, positions: L, batch: images.count)
        let cols = Tensor(uninitialized: [K * chunk * L], dtype: x.dtype),
            tmp = Tensor(uninitialized: [s.outGroup * chunk * L], dtype: x.dtype)
        let pc = cols.pointer(S.self), pt = tmp.pointer(S.self)
        let patches = PatchCopies<S>(geo, table: table, dtype: x.dtype)
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let nb = Swift.min(chunk, images.upperBound - n0), ld = nb * L
            for g in 0..<s.groups {
                ChannelBlock(n0: n0, nb: nb, c0: g * s.outGroup, cCount: s.outGroup, channels: s.outChannels, length: L)
                    .gather(pg, into: pt)
                let windows: UnsafeMutablePointer<S>
                if let keptMatrix = kept?.matrix(n0: n0, nb: nb, group: g, S.self) {
                    windows = keptMatrix
                } else {
                    for j in 0..<nb {
                        patches.im2col(
                            px + (n0 + j) * imageSize + g * s.inGroup * planes, into: pc, ld: ld, column0: j * L)
                    }
                    windows = pc
                }
                S.gemm(
                    transA: false, transB: true, m: s.outGroup, n: K, k: ld, alpha: 1, a: pt, lda: ld, b: windows,
                    ldb: ld, beta: 1, c: pgw + g * s.outGroup * K, ldc: K)
                if let pgx {
                    S.gemm(
                        transA: true, transB: false, m: K, n: ld, k: s.outGroup, alpha: 1, a: pw + g * s.outGroup * K,
                        lda: K,
                        b: pt, ldb: ld, beta: 0, c: pc, ldc: ld)
                    for j in 0..<nb {  // gx is zeros, and each image's group is written here only
                        patches.col2imIntoZeros(
                            pc, ld: ld, column0: j * L, into: pgx + (n0 + j) * imageSize + g * s.inGroup * planes)
                    }
                }
            }
        }
    }
    sumPartials(partials, into: gw, S.self)
    return (gx, gw)
}

/// conv_transpose2d = the adjoint of conv2d: geometry maps the (larger) output back to the input.
func convTranspose2dForward<S: TensorScalar>(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: Conv2dSetup, _: S.Type)
    -> Tensor
{
    // s.inChannels/outChannels are the transposed conv's input/output channels; the geometry is the
    // conv from the output [outGroup, Ho, Wo] to the input positions [H·W].
    let geo = s.geometry, Lin = geo.positions, K = geo.patchSize
    let out = Tensor.zeros([s.n, s.outChannels, geo.height, geo.width], dtype: x.dtype)
    let px = x.pointer(S.self), pw = w.pointer(S.self), po = out.pointer(S.self)
    let outPlanes = geo.height * geo.width, outImage = s.outChannels * outPlanes
    let pb = bias?.pointer(S.self)
    let table = PatchTable.pays(for: geo) ? PatchTable(geo) : nil
    parallelWithSerialBLAS(s.n) { images, _ in
        let chunk = imagesPerChunk(patchSize: K, positions: Lin, batch: images.count)
        let cols = Tensor(uninitialized: [K * chunk * Lin], dtype: x.dtype),
            tmp = Tensor(uninitialized: [s.inGroup * chunk * Lin], dtype: x.dtype)
        let pc = cols.pointer(S.self), pt = tmp.pointer(S.self)
        let patches = PatchCopies<S>(geo, table: table, dtype: x.dtype)
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let nb = Swift.min(chunk, images.upperBound - n0), ld = nb * Lin
            for g in 0..<s.groups {
                ChannelBlock(n0: n0, nb: nb, c0: g * s.inGroup, cCount: s.inGroup, channels: s.inChannels, length: Lin)
                    .gather(px, into: pt)
                // weight [Cin, Cout/g, kh, kw]: group g rows are [inGroup, K].
                S.gemm(
                    transA: true, transB: false, m: K, n: ld, k: s.inGroup, alpha: 1, a: pw + g * s.inGroup * K, lda: K,
                    b: pt, ldb: ld, beta: 0, c: pc, ldc: ld)
                for j in 0..<nb {  // out is zeros until the bias below, and each image's group is written here only
                    patches.col2imIntoZeros(
                        pc, ld: ld, column0: j * Lin, into: po + (n0 + j) * outImage + g * s.outGroup * outPlanes)
                }
            }
            if let pb {
                for job in (n0 * s.outChannels)..<((n0 + nb) * s.outChannels) {
                    let b = pb[job % s.outChannels], p = po + job * outPlanes
                    for l in 0..<outPlanes { p[l] += b }
                }
            }
        }
    }
    return out
}

func convTranspose2dBackward<S: TensorScalar>(
    _ gOut: Tensor, _ x: Tensor, _ w: Tensor, _ s: Conv2dSetup, wantInput: Bool, _: S.Type
) -> (Tensor?, Tensor) {
    let geo = s.geometry, Lin = geo.positions, K = geo.patchSize
    let gx = wantInput ? Tensor(uninitialized: x.shape, dtype: x.dtype) : nil
    let gw = Tensor.zeros(w.shape, dtype: w.dtype)
    let partials = (0..<serialBLASWorkers(s.n)).map { _ in Tensor.zeros(w.shape, dtype: w.dtype) }
    let px = x.pointer(S.self), pw = w.pointer(S.self), pg = gOut.pointer(S.self), pgx = gx?.pointer(S.self)
    let outPlanes = geo.height * geo.width, outImage = s.outChannels * outPlanes
    let table = PatchTable.pays(for: geo) ? PatchTable(geo) : nil
    parallelWithSerialBLAS(s.n) { images, worker in
        let pgw = partials[worker].pointer(S.self)
        let chunk = imagesPerChunk(patchSize: K, positions: Lin, batch: images.count)
        let cols = Tensor(uninitialized: [K * chunk * Lin], dtype: x.dtype),
            tmp = Tensor(uninitialized: [s.inGroup * chunk * Lin], dtype: x.dtype)
        let pc = cols.pointer(S.self), pt = tmp.pointer(S.self)
        let patches = PatchCopies<S>(geo, table: table, dtype: x.dtype)
        for n0 in stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
            let nb = Swift.min(chunk, images.upperBound - n0), ld = nb * Lin
            for g in 0..<s.groups {
                for j in 0..<nb {
                    patches.im2col(
                        pg + (n0 + j) * outImage + g * s.outGroup * outPlanes, into: pc, ld: ld, column0: j * Lin)
                }
                let block = ChannelBlock(
                    n0: n0, nb: nb, c0: g * s.inGroup, cCount: s.inGroup, channels: s.inChannels, length: Lin)
                block.gather(px, into: pt)
                S.gemm(
                    transA: false, transB: true, m: s.inGroup, n: K, k: ld, alpha: 1, a: pt, lda: ld, b: pc, ldb: ld,
                    beta: 1, c: pgw + g * s.inGroup * K, ldc: K)
                if let pgx {
                    S.gemm(
                        transA: false, transB: false, m: s.inGroup, n: ld, k: K, alpha: 1, a: pw + g * s.inGroup * K,
                        lda: K,
                        b: pc, ldb: ld, beta: 0, c: pt, ldc: ld)
                    block.scatter(pt, into: pgx)
                }
            }
        }
    }
    sumPartials(partials, into: gw, S.self)
    return (gx, gw)
}

extension Tensor {
    /// 2-D convolution (torch.nn.functional.conv2d): input [N, C, H, W], weight [O, C/groups, kh, kw],
    /// bias [O]; stride, padding and dilation as (height, width).
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        dilation: (Int, Int) = (1, 1), groups: Int = 1
    ) -> Tensor {
        precondition(
            rank == 4 && weight.rank == 4,
            "conv2d: expected input [N, C, H, W] and weight [O, C/groups, kh, kw], got \(shape) and \(weight.shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]), o = weight.shape[0]
        precondition(
            groups >= 1 && c % groups == 0 && o % groups == 0 && weight.shape[1] == c / groups,
            "conv2d: weight \(weight.shape) does not fit \(c) input channels in \(groups) groups")
        let geo = ConvGeometry(
            channels: c / groups, height: h, width: w, kernel: (weight.shape[2], weight.shape[3]),
            stride: stride, padding: padding, dilation: dilation)
        precondition(geo.outH > 0 && geo.outW > 0, "conv2d: input \(h)×\(w) is smaller than the dilated kernel")
        let setup = Conv2dSetup(n: n, inChannels: c, outChannels: o, groups: groups, geometry: geo)
        let perImage = geo.positions >= perImageConvolutionPositions, direct = geo.takesDirectKernels
        // A recorded forward on the chunked path keeps its patch matrices for the weight gradient.
        let kept =
            !direct && !perImage && GradMode.isEnabled && weight.requiresGrad && KeptPatches.pay(for: setup)
            ? KeptPatches(setup, dtype: dtype) : nil
        let out =
            direct
            ? (dtype == .float32
                ? conv2dForwardDirect(self, weight, bias, setup, Float.self)
                : conv2dForwardDirect(self, weight, bias, setup, Double.self))
            : dtype == .float32
                ? (perImage
                    ? conv2dForwardPerImage(self, weight, bias, setup, Float.self)
                    : conv2dForward(self, weight, bias, setup, keeping: kept, Float.self))
                : (perImage
                    ? conv2dForwardPerImage(self, weight, bias, setup, Double.self)
                    : conv2dForward(self, weight, bias, setup, keeping: kept, Double.self))
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(out, "conv2d", inputs) { [self] g, _ in
            let want = self.requiresGrad
            let (gx, gw) =
                direct
                ? (g.dtype == .float32
                    ? conv2dBackwardDirect(g, self, weight, setup, wantInput: want, Float.self)
                    : conv2dBackwardDirect(g, self, weight, setup, wantInput: want, Double.self))
                : g.dtype == .float32
                    ? (perImage
                        ? conv2dBackwardPerImage(g, self, weight, setup, wantInput: want, Float.self)
                        : conv2dBackward(g, self, weight, setup, wantInput: want, kept: kept, Float.self))
                    : (perImage
                        ? conv2dBackwardPerImage(g, self, weight, setup, wantInput: want, Double.self)
                        : conv2dBackward(g, self, weight, setup, wantInput: want, kept: kept, Double.self))
            var grads: [Tensor?] = [gx, gw]
            if bias != nil {
                grads.append(
                    g.dtype == .float32
                        ? channelSums(g, channels: o, length: geo.positions, Float.self)
                        : channelSums(g, channels: o, length: geo.positions, Double.self))
            }
            return grads
        }
    }

    /// 1-D convolution (torch.nn.functional.conv1d): input [N, C, L], weight [O, C/groups, k].
    public func conv1d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
    ) -> Tensor {
        precondition(
            rank == 3 && weight.rank == 3,
            "conv1d: expected input [N, C, L] and weight [O, C/groups, k], got \(shape) and \(weight.shape)")
        let y = unsqueezed(axis: 2).conv2d(
            weight: weight.unsqueezed(axis: 2), bias: bias, stride: (1, stride), padding: (0, padding),
            dilation: (1, dilation), groups: groups)
        return y.squeezed(axis: 2)
    }

    /// Transposed 2-D convolution (torch.nn.functional.conv_transpose2d): input [N, Cin, H, W],
    /// weight [Cin, Cout/groups, kh, kw]; output size (H−1)·s − 2p + d(k−1) + output_padding + 1.
    public func convTranspose2d(
        weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1
    ) -> Tensor {
        precondition(
            rank == 4 && weight.rank == 4,
            "conv_transpose2d: expected input [N, C, H, W] and weight [Cin, Cout/groups, kh, kw], got \(shape) and \(weight.shape)"
        )
        let (n, cin, h, w) = (shape[0], shape[1], shape[2], shape[3])
        precondition(
            groups >= 1 && cin % groups == 0 && weight.shape[0] == cin,
            "conv_transpose2d: weight \(weight.shape) does not fit \(cin) input channels")
        precondition(
            outputPadding.0 < Swift.max(stride.0, dilation.0) && outputPadding.1 < Swift.max(stride.1, dilation.1),
            "conv_transpose2d: output_padding must be smaller than stride or dilation")
        let cout = weight.shape[1] * groups
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let ho = (h - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kh - 1) + outputPadding.0 + 1
        let wo = (w - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kw - 1) + outputPadding.1 + 1
        precondition(ho > 0 && wo > 0, "conv_transpose2d: non-positive output size \(ho)×\(wo)")
        let geo = ConvGeometry(
            channels: cout / groups, height: ho, width: wo, kernel: (kh, kw), stride: stride, padding: padding,
            dilation: dilation)
        precondition(geo.outH == h && geo.outW == w, "conv_transpose2d: inconsistent geometry")
        let setup = Conv2dSetup(n: n, inChannels: cin, outChannels: cout, groups: groups, geometry: geo)
        let out =
            dtype == .float32
            ? convTranspose2dForward(self, weight, bias, setup, Float.self)
            : convTranspose2dForward(self, weight, bias, setup, Double.self)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.record(out, "conv_transpose2d", inputs) { [self] g, _ in
            let want = self.requiresGrad
            let (gx, gw) =
                g.dtype == .float32
                ? convTranspose2dBackward(g, self, weight, setup, wantInput: want, Float.self)
                : convTranspose2dBackward(g, self, weight, setup, wantInput: want, Double.self)
            var grads: [Tensor?] = [gx, gw]
            if bias != nil {
                grads.append(
                    g.dtype == .float32
                        ? channelSums(g, channels: cout, length: ho * wo, Float.self)
                        : channelSums(g, channels: cout, length: ho * wo, Double.self))
            }
            return grads
        }
    }
}

import CKernels

/// conv2d of stride 1 and dilation 1 on images with many output positions, without patch matrices: the
/// kernels of conv_direct.c read each image (copied once into zero-padded planes) at "wide" positions
/// q = oh·Wp + ow, where every tap's inputs for consecutive positions are contiguous. The forward pass,
/// the weight gradient and the input gradient (the forward kernel's transpose, adding into zeroed padded
/// planes) have a kernel each; the columns ow ≥ Wo of each wide row are computed and dropped, or carry zeros. The im2col copies and OpenBLAS's packing of the patch matrices were a third of ddc.json's
/// step (Docs/benchmarks.md).

extension ConvGeometry {
    /// Whether the direct kernels compute this convolution: stride and dilation 1 and enough output
    /// positions per image.
    var takesDirectKernels: Bool {
        strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1 && positions >= directConvolutionPositions
    }
}

/// Output positions from which an image takes the direct kernels.
let directConvolutionPositions = 16

/// The wide-position layout of one direct convolution: padded planes, tap offsets and output rows.
struct DirectConvolutionLayout {
    let geometry: ConvGeometry
    let paddedHeight: Int, paddedWidth: Int
    /// Wide positions computed per output channel (a multiple of the forward kernel's two vectors).
    let widePositions: Int
    /// Elements from one padded plane to the next: the plane and the zeros the last vectors read past it.
    let plane: Int
    /// Flat offsets i·Wp + j of the taps, padded with zeros to a multiple of three.
    let offsets: [Int]

    var taps: Int { geometry.kernelH * geometry.kernelW }

    init(_ geometry: ConvGeometry, lanes: Int) {
        self.geometry = geometry
        paddedHeight = geometry.height + 2 * geometry.padH
        paddedWidth = geometry.width + 2 * geometry.padW
        let used = (geometry.outH - 1) * paddedWidth + geometry.outW, block = 2 * lanes
        widePositions = (used + block - 1) / block * block
        plane = paddedHeight * paddedWidth + widePositions - used
        var offsets = [Int]()
        for i in 0..<geometry.kernelH { for j in 0..<geometry.kernelW { offsets.append(i * paddedWidth + j) } }
        while offsets.count % 3 != 0 { offsets.append(0) }
        self.offsets = offsets
    }

    /// Copies `channels` planes [H, W] of `image` into the interiors of `padded`'s planes (whose borders and
    /// tails stay as they are: zero).
    func fillInterior<S: TensorScalar>(_ image: UnsafePointer<S>, channels: Int, into padded: UnsafeMutablePointer<S>) {
        let h = geometry.height, w = geometry.width
        for c in 0..<channels {
            let src = image + c * h * w
            let dst = padded + c * plane + geometry.padH * paddedWidth + geometry.padW
            for row in 0..<h { (dst + row * paddedWidth).update(from: src + row * w, count: w) }
        }
    }

    /// The inverse of `fillInterior`: image[c, h, w] = the interior of `padded`'s plane c.
    func extractInterior<S: TensorScalar>(
        _ padded: UnsafePointer<S>, channels: Int, into image: UnsafeMutablePointer<S>
    ) {
        let h = geometry.height, w = geometry.width
        for c in 0..<channels {
            let src = padded + c * plane + geometry.padH * paddedWidth + geometry.padW
            let dst = image + c * h * w
            for row in 0..<h { (dst + row * w).update(from: src + row * paddedWidth, count: w) }
        }
    }

    /// out[o, oh, ow] = wide[o, oh·Wp + ow] (+ bias[o]) for o < channels.
    func compact<S: TensorScalar>(
        _ wide: UnsafePointer<S>, channels: Int, into out: UnsafeMutablePointer<S>, bias: UnsafePointer<S>?
    ) {
        let oh = geometry.outH, ow = geometry.outW
        for o in 0..<channels {
            let b = bias?[o] ?? 0
            for row in 0..<oh {
                let src = wide + o * widePositions + row * paddedWidth, dst = out + (o * oh + row) * ow
                if bias == nil {
                    dst.update(from: src, count: ow)
                } else {
                    for l in 0..<ow { dst[l] = src[l] + b }
                }
            }
        }
    }

    /// wide[o, oh·Wp + ow] = g[o, oh, ow] for o < channels; the other wide entries stay zero.
    func spread<S: TensorScalar>(_ g: UnsafePointer<S>, channels: Int, into wide: UnsafeMutablePointer<S>) {
        let oh = geometry.outH, ow = geometry.outW
        for o in 0..<channels {
            for row in 0..<oh {
                (wide + o * widePositions + row * paddedWidth).update(from: g + (o * oh + row) * ow, count: ow)
            }
        }
    }
}

/// Channels per block: output channels of the forward kernel and input channels of the input-gradient
/// kernel (five), output channels of the weight-gradient kernel (four).
let directForwardBlock = 5, directWeightGradientBlock = 4

/// Weights [groups · outGroup, inGroup, kh, kw] packed for the forward kernel, per group
/// [blocks][inGroup][taps][5] with zeros for the output channels past outGroup.
func packedDirectWeights<S: TensorScalar>(
    _ w: UnsafePointer<S>, groups: Int, outGroup: Int, inGroup: Int, taps: Int, dtype: DType, _: S.Type
) -> Tensor {
    let block = directForwardBlock, blocks = (outGroup + block - 1) / block, groupSize = blocks * inGroup * taps * block
    let packed = Tensor.zeros([groups * groupSize], dtype: dtype)
    let pp = packed.pointer(S.self)
    for g in 0..<groups {
        for o in 0..<outGroup {
            let (b, k) = o.quotientAndRemainder(dividingBy: block)
            for c in 0..<inGroup {
                let src = w + ((g * outGroup + o) * inGroup + c) * taps
                let dst = pp + g * groupSize + ((b * inGroup + c) * taps) * block + k
                for t in 0..<taps { dst[t * block] = src[t] }
            }
        }
    }
    return packed
}

/// The lanes of one kernel vector: 8 floats or 4 doubles.
func directLanes<S: TensorScalar>(_: S.Type) -> Int { S.self == Float.self ? 8 : 4 }

/// The forward kernel's flat input offsets c·plane + i·Wp + j of every (channel, tap) pair, channel-major.
func directTermOffsets(_ layout: DirectConvolutionLayout, channels: Int) -> [Int] {
    var offsets = [Int]()
    offsets.reserveCapacity(channels * layout.taps)
    for c in 0..<channels { for t in 0..<layout.taps { offsets.append(c * layout.plane + layout.offsets[t]) } }
    return offsets
}

func directForwardKernel<S: TensorScalar>(
    _ x: UnsafePointer<S>, termOffsets: [Int], layout: DirectConvolutionLayout, weights: UnsafePointer<S>,
    blocks: Int, into out: UnsafeMutablePointer<S>
) {
    termOffsets.withUnsafeBufferPointer { offsets in
        let (terms, wide) = (offsets.count, layout.widePositions)
        if S.self == Float.self {
            recombine_conv_direct_forward_f32(
                UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), offsets.baseAddress, terms,
                UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self), blocks,
                UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), wide)
        } else {
            recombine_conv_direct_forward_f64(
                UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), offsets.baseAddress, terms,
                UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self), blocks,
                UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), wide)
        }
    }
}

func directWeightGradientKernel<S: TensorScalar>(
    _ x: UnsafePointer<S>, channels: Int, layout: DirectConvolutionLayout, outputGradient gy: UnsafePointer<S>,
    blocks: Int, outChannels: Int, into gw: UnsafeMutablePointer<S>
) {
    layout.offsets.withUnsafeBufferPointer { offsets in
        let (taps, wide, plane) = (layout.taps, layout.widePositions, layout.plane)
        if S.self == Float.self {
            recombine_conv_direct_weight_gradient_f32(
                UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), channels, plane, offsets.baseAddress, taps,
                offsets.count, UnsafeRawPointer(gy).assumingMemoryBound(to: Float.self), blocks, outChannels,
                UnsafeMutableRawPointer(gw).assumingMemoryBound(to: Float.self), wide)
        } else {
            recombine_conv_direct_weight_gradient_f64(
                UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), channels, plane, offsets.baseAddress, taps,
                offsets.count, UnsafeRawPointer(gy).assumingMemoryBound(to: Double.self), blocks, outChannels,
                UnsafeMutableRawPointer(gw).assumingMemoryBound(to: Double.self), wide)
        }
    }
}

func conv2dForwardDirect<S: TensorScalar>(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: Conv2dSetup, _: S.Type)
    -> Tensor
{
    if ChannelVectorChoice(s, S.self).forwardAndWeightGradient {
        return conv2dForwardChannelVectors(x, w, bias, s, S.self)
    }
    let geo = s.geometry, layout = DirectConvolutionLayout(geo, lanes: directLanes(S.self))
    let blocks = (s.outGroup + directForwardBlock - 1) / directForwardBlock
    let packed = packedDirectWeights(
        w.pointer(S.self), groups: s.groups, outGroup: s.outGroup, inGroup: s.inGroup, taps: layout.taps,
        dtype: w.dtype, S.self)
    let out = Tensor(uninitialized: [s.n, s.outChannels, geo.outH, geo.outW], dtype: x.dtype)
    let px = x.pointer(S.self), pp = packed.pointer(S.self), po = out.pointer(S.self), pb = bias?.pointer(S.self)
    let planes = geo.height * geo.width, imageSize = s.inChannels * planes, outImage = s.outChannels * geo.positions
    let packedGroup = blocks * s.inGroup * layout.taps * directForwardBlock,
        terms = directTermOffsets(layout, channels: s.inGroup)
    parallelWithSerialBLAS(s.n) { images, _ in
        let padded = Tensor.zeros([s.inGroup * layout.plane], dtype: x.dtype)
        let wide = Tensor(uninitialized: [blocks * directForwardBlock * layout.widePositions], dtype: x.dtype)
        let pd = padded.pointer(S.self), pw = wide.pointer(S.self)
        for i in images {
            for g in 0..<s.groups {
                layout.fillInterior(px + i * imageSize + g * s.inGroup * planes, channels: s.inGroup, into: pd)
                directForwardKernel(
                    pd, termOffsets: terms, layout: layout, weights: pp + g * packedGroup, blocks: blocks, into: pw)
                layout.compact(
                    pw, channels: s.outGroup, into: po + i * outImage + g * s.outGroup * geo.positions,
                    bias: pb.map { $0 + g * s.outGroup })
            }
        }
    }
    return out
}

func directInputGradientKernel<S: TensorScalar>(
    outputGradient gy: UnsafePointer<S>, outChannels: Int, layout: DirectConvolutionLayout, weights: UnsafePointer<S>,
    blocks: Int, into gx: UnsafeMutablePointer<S>
) {
    layout.offsets.withUnsafeBufferPointer { offsets in
        let (taps, wide, plane) = (layout.taps, layout.widePositions, layout.plane)
        if S.self == Float.self {
            recombine_conv_direct_input_gradient_f32(
                UnsafeRawPointer(gy).assumingMemoryBound(to: Float.self), outChannels, wide, offsets.baseAddress, taps,
                UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self), blocks,
                UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Float.self), plane)
        } else {
            recombine_conv_direct_input_gradient_f64(
                UnsafeRawPointer(gy).assumingMemoryBound(to: Double.self), outChannels, wide, offsets.baseAddress,
                taps, UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self), blocks,
                UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Double.self), plane)
        }
    }
}

/// Weights [groups · outGroup, inGroup, kh, kw] packed for the input-gradient kernel, per group
/// [blocks][taps][outGroup][5] with zeros for the input channels past inGroup.
func packedInputGradientWeights<S: TensorScalar>(
    _ w: UnsafePointer<S>, groups: Int, outGroup: Int, inGroup: Int, taps: Int, dtype: DType, _: S.Type
) -> Tensor {
    let block = directForwardBlock, blocks = (inGroup + block - 1) / block, groupSize = blocks * taps * outGroup * block
    let packed = Tensor.zeros([groups * groupSize], dtype: dtype)
    let pp = packed.pointer(S.self)
    for g in 0..<groups {
        for o in 0..<outGroup {
            for c in 0..<inGroup {
                let (b, k) = c.quotientAndRemainder(dividingBy: block)
                let src = w + ((g * outGroup + o) * inGroup + c) * taps
                let dst = pp + g * groupSize + (b * taps * outGroup + o) * block + k
                for t in 0..<taps { dst[t * outGroup * block] = src[t] }
            }
        }
    }
    return packed
}

/// Gradients of conv2d with respect to input (when wanted) and weight, by the direct kernels: each pass by the
/// channel-vector kernel when its channels fit (`ChannelVectorChoice`), by the wide-position kernel otherwise.
func conv2dBackwardDirect<S: TensorScalar>(
    _ gOut: Tensor, _ x: Tensor, _ w: Tensor, _ s: Conv2dSetup, wantInput: Bool, _: S.Type
) -> (Tensor?, Tensor) {
    let geo = s.geometry, L = geo.positions, layout = DirectConvolutionLayout(geo, lanes: directLanes(S.self))
    let choice = ChannelVectorChoice(s, S.self), block = channelVectorBlock(S.self)
    let vectorWeights = choice.forwardAndWeightGradient, vectorInput = wantInput && choice.inputGradient
    let wideInput = wantInput && !choice.inputGradient, wide = !vectorWeights || wideInput
    let outBlocks = (s.outGroup + directWeightGradientBlock - 1) / directWeightGradientBlock
    let inBlocks = (s.inGroup + directForwardBlock - 1) / directForwardBlock
    let packed =
        wideInput
        ? packedInputGradientWeights(
            w.pointer(S.self), groups: s.groups, outGroup: s.outGroup, inGroup: s.inGroup, taps: layout.taps,
            dtype: w.dtype, S.self)
        : vectorInput
            ? packedChannelVectorInputWeights(
                w.pointer(S.self), groups: s.groups, outGroup: s.outGroup, inGroup: s.inGroup, taps: layout.taps,
                block: block, dtype: w.dtype, S.self) : nil
    let gx = wantInput ? Tensor(uninitialized: x.shape, dtype: x.dtype) : nil
    let gw = Tensor.zeros(w.shape, dtype: w.dtype)
    // The channel-vector weight gradient accumulates [terms padded to six][outGroup] per group.
    let terms: [Int] = {
        var terms = directTermOffsets(layout, channels: s.inGroup)
        while vectorWeights && terms.count % channelVectorPositions != 0 { terms.append(0) }
        return terms
    }()
    let partialSize = vectorWeights ? s.groups * terms.count * s.outGroup : w.count
    let partials = (0..<serialBLASWorkers(s.n)).map { _ in Tensor.zeros([partialSize], dtype: w.dtype) }
    let px = x.pointer(S.self), pg = gOut.pointer(S.self), pgx = gx?.pointer(S.self), pp = packed?.pointer(S.self)
    let planes = geo.height * geo.width, imageSize = s.inChannels * planes, outImage = s.outChannels * L
    let weightGroup = s.outGroup * s.inGroup * layout.taps
    let bases = layout.channelVectorBases, basesCount = bases.count
    let tapOffsets = Array(layout.offsets[..<layout.taps]),
        gxVectorSize = layout.positionMajorPlanes(channels: s.inGroup)
    parallelWithSerialBLAS(s.n) { images, worker in
        let pgw = partials[worker].pointer(S.self)
        let padded = Tensor.zeros([s.inGroup * layout.plane], dtype: x.dtype)
        let gyWide =
            wide ? Tensor.zeros([outBlocks * directWeightGradientBlock * layout.widePositions], dtype: x.dtype) : nil
        let gxPadded =
            wideInput ? Tensor(uninitialized: [inBlocks * directForwardBlock * layout.plane], dtype: x.dtype) : nil
        let gyPositionMajor = vectorWeights ? Tensor(uninitialized: [L * s.outGroup], dtype: x.dtype) : nil
        let gyPadded = vectorInput ? Tensor.zeros([s.outGroup * basesCount], dtype: x.dtype) : nil
        let gxVector = vectorInput ? Tensor(uninitialized: [gxVectorSize], dtype: x.dtype) : nil
        let pd = padded.pointer(S.self), pyw = gyWide?.pointer(S.self), pxp = gxPadded?.pointer(S.self)
        let pym = gyPositionMajor?.pointer(S.self), pyp = gyPadded?.pointer(S.self), pxv = gxVector?.pointer(S.self)
        terms.withUnsafeBufferPointer { terms in
            bases.withUnsafeBufferPointer { bases in
                tapOffsets.withUnsafeBufferPointer { tapOffsets in
                    for i in images {
                        for g in 0..<s.groups {
                            layout.fillInterior(
                                px + i * imageSize + g * s.inGroup * planes, channels: s.inGroup, into: pd)
                            let gy = pg + i * outImage + g * s.outGroup * L
                            if let pyw { layout.spread(gy, channels: s.outGroup, into: pyw) }
                            if let pym {
                                transposeBlock(
                                    gy, rows: s.outGroup, columns: L, sourceStride: L, into: pym,
                                    destinationStride: s.outGroup)
                                channelVectorWeightGradientKernel(
                                    pd, termOffsets: terms, outputGradient: pym, gyStride: s.outGroup, bases: bases,
                                    positions: L, blocks: s.outGroup / block,
                                    into: pgw + g * terms.count * s.outGroup, gwStride: s.outGroup)
                            } else if let pyw {
                                directWeightGradientKernel(
                                    pd, channels: s.inGroup, layout: layout, outputGradient: pyw, blocks: outBlocks,
                                    outChannels: s.outGroup, into: pgw + g * weightGroup)
                            }
                            guard let pgx, let pp else { continue }
                            let gxImage = pgx + i * imageSize + g * s.inGroup * planes
                            if let pyp, let pxv {
                                for o in 0..<s.outGroup { (pyp + o * basesCount).update(from: gy + o * L, count: L) }
                                pxv.update(repeating: 0, count: gxVectorSize)
                                channelVectorInputGradientKernel(
                                    outputGradient: pyp, outChannels: s.outGroup, gyStride: basesCount, bases: bases,
                                    tapOffsets: tapOffsets, taps: layout.taps, weights: pp + g * weightGroup,
                                    blocks: s.inGroup / block, into: pxv, gxStride: s.inGroup)
                                layout.extractPositionMajorInterior(pxv, channels: s.inGroup, into: gxImage)
                            } else if let pxp, let pyw {
                                pxp.update(repeating: 0, count: inBlocks * directForwardBlock * layout.plane)
                                directInputGradientKernel(
                                    outputGradient: pyw, outChannels: s.outGroup, layout: layout,
                                    weights: pp + g * inBlocks * layout.taps * s.outGroup * directForwardBlock,
                                    blocks: inBlocks, into: pxp)
                                layout.extractInterior(pxp, channels: s.inGroup, into: gxImage)
                            }
                        }
                    }
                }
            }
        }
    }
    if vectorWeights {
        // gw[g·outGroup + o, k] = Σ over workers of partial[(g·terms + k)·outGroup + o], in worker order.
        let pw = gw.pointer(S.self), termsPerGroup = s.inGroup * layout.taps
        for partial in partials {
            let pt = partial.pointer(S.self)
            for g in 0..<s.groups {
                for k in 0..<termsPerGroup {
                    let row = pt + (g * terms.count + k) * s.outGroup
                    for o in 0..<s.outGroup { pw[(g * s.outGroup + o) * termsPerGroup + k] += row[o] }
                }
            }
        }
    } else {
        sumPartials(partials, into: gw, S.self)
    }
    return (gx, gw)
}

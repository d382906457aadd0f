import CKernels

/// Direct stride-1 convolution with vectors along channels (conv_channel_vectors.c): six output positions ×
/// two vectors of channels per accumulator block, each input value broadcast at its position's base in the
/// zero-padded planes. For channel counts that are multiples of the block it computes no column past an
/// output row and no channel past the last block, which the wide-position kernels (ConvolutionDirect.swift)
/// do; it takes each pass whose channels fit, the wide-position kernels take the others.

/// Channels per block of the channel-vector kernels: two vectors (16 floats or 8 doubles).
func channelVectorBlock<S: TensorScalar>(_: S.Type) -> Int { 2 * directLanes(S.self) }

/// Output positions per accumulator block of the channel-vector kernels.
let channelVectorPositions = 6

/// Which passes of a direct convolution take the channel-vector kernels: the forward pass and the weight
/// gradient when the output channels per group are a multiple of the block, the input gradient when the
/// input channels per group are.
struct ChannelVectorChoice: Equatable {
    let forwardAndWeightGradient: Bool
    let inputGradient: Bool

    init<S: TensorScalar>(_ s: Conv2dSetup, _: S.Type) {
        let block = channelVectorBlock(S.self)
        forwardAndWeightGradient = s.outGroup % block == 0
        inputGradient = s.inGroup % block == 0
    }
}

extension DirectConvolutionLayout {
    /// The bases oh·Wp + ow of the output positions in row-major order, then zeros up to a multiple of six.
    var channelVectorBases: [Int] {
        let count = geometry.positions
        let padded = (count + channelVectorPositions - 1) / channelVectorPositions * channelVectorPositions
        return (0..<padded).map { p in p < count ? p / geometry.outW * paddedWidth + p % geometry.outW : 0 }
    }

    /// Elements of one position-major padded image: every padded position × `channels`.
    func positionMajorPlanes(channels: Int) -> Int { paddedHeight * paddedWidth * channels }

    /// image[c, h, w] = positionMajor[((h + padH)·Wp + w + padW)·channels + c]: the interior of a
    /// position-major padded image, back in planes.
    func extractPositionMajorInterior<S: TensorScalar>(
        _ positionMajor: UnsafePointer<S>, channels: Int, into image: UnsafeMutablePointer<S>
    ) {
        let h = geometry.height, w = geometry.width
        for row in 0..<h {
            let src = positionMajor + ((row + geometry.padH) * paddedWidth + geometry.padW) * channels
            transposeBlock(
                src, rows: w, columns: channels, sourceStride: channels, into: image + row * w,
                destinationStride: h * w)
        }
    }
}

/// Weights [groups · outGroup, inGroup, kh, kw] packed per group [outGroup / block][inGroup · taps][block].
func packedChannelVectorWeights<S: TensorScalar>(
    _ w: UnsafePointer<S>, groups: Int, outGroup: Int, inGroup: Int, taps: Int, block: Int, dtype: DType, _: S.Type
) -> Tensor {
    let terms = inGroup * taps, groupSize = outGroup * terms
    let packed = Tensor(uninitialized: [groups * groupSize], dtype: dtype)
    let pp = packed.pointer(S.self)
    for g in 0..<groups {
        for o in 0..<outGroup {
            let (b, j) = o.quotientAndRemainder(dividingBy: block)
            let src = w + (g * outGroup + o) * terms, dst = pp + g * groupSize + b * terms * block + j
            for k in 0..<terms { dst[k * block] = src[k] }
        }
    }
    return packed
}

/// Weights [groups · outGroup, inGroup, kh, kw] packed for the input gradient per group
/// [inGroup / block][taps][outGroup][block].
func packedChannelVectorInputWeights<S: TensorScalar>(
    _ w: UnsafePointer<S>, groups: Int, outGroup: Int, inGroup: Int, taps: Int, block: Int, dtype: DType, _: S.Type
) -> Tensor {
    let groupSize = outGroup * inGroup * taps
    let packed = Tensor(uninitialized: [groups * groupSize], dtype: dtype)
    let pp = packed.pointer(S.self)
    for g in 0..<groups {
        for o in 0..<outGroup {
            for c in 0..<inGroup {
                let (b, j) = c.quotientAndRemainder(dividingBy: block)
                let src = w + ((g * outGroup + o) * inGroup + c) * taps
                let dst = pp + g * groupSize + (b * taps * outGroup + o) * block + j
                for t in 0..<taps { dst[t * outGroup * block] = src[t] }
            }
        }
    }
    return packed
}

/// [rows, columns] → [columns, rows], adding `columnBias[c]` to column c's values when given (transpose.c).
@inline(__always)
func transposeBlock<S: TensorScalar>(
    _ src: UnsafePointer<S>, rows: Int, columns: Int, sourceStride: Int, into dst: UnsafeMutablePointer<S>,
    destinationStride: Int, columnBias: UnsafePointer<S>? = nil
) {
    if S.self == Float.self {
        recombine_transpose_f32(
            UnsafeRawPointer(src).assumingMemoryBound(to: Float.self), rows, columns, sourceStride,
            UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Float.self), destinationStride,
            columnBias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) })
    } else {
        recombine_transpose_f64(
            UnsafeRawPointer(src).assumingMemoryBound(to: Double.self), rows, columns, sourceStride,
            UnsafeMutableRawPointer(dst).assumingMemoryBound(to: Double.self), destinationStride,
            columnBias.map { UnsafeRawPointer($0).assumingMemoryBound(to: Double.self) })
    }
}

func channelVectorForwardKernel<S: TensorScalar>(
    _ x: UnsafePointer<S>, termOffsets: UnsafeBufferPointer<Int>, weights: UnsafePointer<S>, blocks: Int,
    bases: UnsafeBufferPointer<Int>, into out: UnsafeMutablePointer<S>, stride: Int
) {
    let (terms, positions) = (termOffsets.count, bases.count)
    if S.self == Float.self {
        recombine_conv_cv_forward_f32(
            UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), termOffsets.baseAddress, terms,
            UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self), blocks, bases.baseAddress, positions,
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), stride)
    } else {
        recombine_conv_cv_forward_f64(
            UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), termOffsets.baseAddress, terms,
            UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self), blocks, bases.baseAddress, positions,
            UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), stride)
    }
}

func channelVectorWeightGradientKernel<S: TensorScalar>(
    _ x: UnsafePointer<S>, termOffsets: UnsafeBufferPointer<Int>, outputGradient gy: UnsafePointer<S>,
    gyStride: Int, bases: UnsafeBufferPointer<Int>, positions: Int, blocks: Int, into gw: UnsafeMutablePointer<S>,
    gwStride: Int
) {
    let terms = termOffsets.count
    if S.self == Float.self {
        recombine_conv_cv_weight_gradient_f32(
            UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), termOffsets.baseAddress, terms,
            UnsafeRawPointer(gy).assumingMemoryBound(to: Float.self), gyStride, bases.baseAddress, positions, blocks,
            UnsafeMutableRawPointer(gw).assumingMemoryBound(to: Float.self), gwStride)
    } else {
        recombine_conv_cv_weight_gradient_f64(
            UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), termOffsets.baseAddress, terms,
            UnsafeRawPointer(gy).assumingMemoryBound(to: Double.self), gyStride, bases.baseAddress, positions, blocks,
            UnsafeMutableRawPointer(gw).assumingMemoryBound(to: Double.self), gwStride)
    }
}

func channelVectorInputGradientKernel<S: TensorScalar>(
    outputGradient gy: UnsafePointer<S>, outChannels: Int, gyStride: Int, bases: UnsafeBufferPointer<Int>,
    tapOffsets: UnsafeBufferPointer<Int>, taps: Int, weights: UnsafePointer<S>, blocks: Int,
    into gx: UnsafeMutablePointer<S>, gxStride: Int
) {
    if S.self == Float.self {
        recombine_conv_cv_input_gradient_f32(
            UnsafeRawPointer(gy).assumingMemoryBound(to: Float.self), outChannels, gyStride, bases.baseAddress,
            bases.count, tapOffsets.baseAddress, taps, UnsafeRawPointer(weights).assumingMemoryBound(to: Float.self),
            blocks, UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Float.self), gxStride)
    } else {
        recombine_conv_cv_input_gradient_f64(
            UnsafeRawPointer(gy).assumingMemoryBound(to: Double.self), outChannels, gyStride, bases.baseAddress,
            bases.count, tapOffsets.baseAddress, taps, UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self),
            blocks, UnsafeMutableRawPointer(gx).assumingMemoryBound(to: Double.self), gxStride)
    }
}

/// The forward pass by the channel-vector kernel (output channels per group a multiple of the block).
func conv2dForwardChannelVectors<S: TensorScalar>(
    _ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ s: Conv2dSetup, _: S.Type
) -> Tensor {
    let geo = s.geometry, layout = DirectConvolutionLayout(geo, lanes: directLanes(S.self))
    let block = channelVectorBlock(S.self), blocks = s.outGroup / block, P = geo.positions
    let packed = packedChannelVectorWeights(
        w.pointer(S.self), groups: s.groups, outGroup: s.outGroup, inGroup: s.inGroup, taps: layout.taps,
        block: block, dtype: w.dtype, S.self)
    let out = Tensor(uninitialized: [s.n, s.outChannels, geo.outH, geo.outW], dtype: x.dtype)
    let px = x.pointer(S.self), pp = packed.pointer(S.self), po = out.pointer(S.self), pb = bias?.pointer(S.self)
    let imageSize = s.inChannels * geo.height * geo.width, outImage = s.outChannels * P
    let packedGroup = s.outGroup * s.inGroup * layout.taps
    let terms = directTermOffsets(layout, channels: s.inGroup), bases = layout.channelVectorBases
    parallelWithSerialBLAS(s.n) { images, _ in
        let padded = Tensor.zeros([s.inGroup * layout.plane], dtype: x.dtype)
        let positionMajor = Tensor(uninitialized: [bases.count * s.outGroup], dtype: x.dtype)
        let pd = padded.pointer(S.self), pm = positionMajor.pointer(S.self)
        terms.withUnsafeBufferPointer { terms in
            bases.withUnsafeBufferPointer { bases in
                for i in images {
                    for g in 0..<s.groups {
                        let planes = geo.height * geo.width
                        layout.fillInterior(px + i * imageSize + g * s.inGroup * planes, channels: s.inGroup, into: pd)
                        channelVectorForwardKernel(
                            pd, termOffsets: terms, weights: pp + g * packedGroup, blocks: blocks, bases: bases,
                            into: pm, stride: s.outGroup)
                        let dst = po + i * outImage + g * s.outGroup * P
                        transposeBlock(
                            pm, rows: P, columns: s.outGroup, sourceStride: s.outGroup, into: dst, destinationStride: P,
                            columnBias: pb.map { $0 + g * s.outGroup })
                    }
                }
            }
        }
    }
    return out
}

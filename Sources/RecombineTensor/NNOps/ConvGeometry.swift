/// The index arithmetic of a 2-D convolution window over one image [C, H, W]: output size and the
/// im2col / col2im copies between an image and its patch matrix [C·kh·kw, Ho·Wo].
/// 1-D convolutions and pools use it with H = 1.
public struct ConvGeometry: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    public let kernelH: Int, kernelW: Int
    public let strideH: Int, strideW: Int
    public let padH: Int, padW: Int
    public let dilationH: Int, dilationW: Int
    public let outH: Int, outW: Int

    /// torch's output size floor((in + 2p − d(k−1) − 1)/s) + 1 (or ceil, with the ceil_mode rule that
    /// the last window must start inside the input or left padding).
    public static func outputSize(
        _ size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool = false
    ) -> Int {
        let span = size + 2 * padding - dilation * (kernel - 1) - 1
        if span < 0 { return 0 }
        var out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1
        if ceilMode && (out - 1) * stride >= size + padding { out -= 1 }
        return out
    }

    public init(
        channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
        dilation: (Int, Int), ceilMode: Bool = false
    ) {
        self.channels = channels; self.height = height; self.width = width
        kernelH = kernel.0; kernelW = kernel.1; strideH = stride.0; strideW = stride.1
        padH = padding.0; padW = padding.1; dilationH = dilation.0; dilationW = dilation.1
        outH = Self.outputSize(
            height, kernel: kernelH, stride: strideH, padding: padH, dilation: dilationH, ceilMode: ceilMode)
        outW = Self.outputSize(
            width, kernel: kernelW, stride: strideW, padding: padW, dilation: dilationW, ceilMode: ceilMode)
    }

    /// Rows of the patch matrix: C·kh·kw.
    public var patchSize: Int { channels * kernelH * kernelW }
    /// Output positions per image: Ho·Wo.
    public var positions: Int { outH * outW }

    /// Whether every window lies inside the image (no padding read, no ceil-mode overhang).
    var windowsInsideInput: Bool {
        padH == 0 && padW == 0 && outH > 0 && outW > 0
            && (outH - 1) * strideH + dilationH * (kernelH - 1) < height
            && (outW - 1) * strideW + dilationW * (kernelW - 1) < width
    }

    /// Writes the patches of `image` [C, H, W] into columns `column0 ..< column0 + Ho·Wo` of `cols`
    /// (row-major, `ld` columns per row); padding reads as zero.
    @inline(__always)
    func im2col<S: TensorScalar>(_ image: UnsafePointer<S>, into cols: UnsafeMutablePointer<S>, ld: Int, column0: Int) {
        var row = 0
        for c in 0..<channels {
            let plane = image + c * height * width
            for ki in 0..<kernelH {
                for kj in 0..<kernelW {
                    let dst = cols + row * ld + column0
                    let rowOffset = ki * dilationH - padH, colOffset = kj * dilationW - padW
                    let (lo, hi) = columnsInside(offset: colOffset)
                    for oh in 0..<outH {
                        let ih = oh * strideH + rowOffset
                        let out = dst + oh * outW
                        if ih < 0 || ih >= height { for ow in 0..<outW { out[ow] = 0 }; continue }
                        // Zero the padded edges, copy the middle (a contiguous run at stride 1).
                        for ow in 0..<lo { out[ow] = 0 }
                        if hi > lo {
                            let from = plane + ih * width + lo * strideW + colOffset
                            if strideW == 1 {
                                copyRun(into: out + lo, from: from, count: hi - lo)
                            } else {
                                copyStridedRun(into: out + lo, from: from, stride: strideW, count: hi - lo)
                            }
                        }
                        for ow in Swift.max(hi, lo)..<outW { out[ow] = 0 }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds columns `column0 ..< column0 + Ho·Wo` of `cols` back into `image` [C, H, W] (the adjoint of im2col).
    @inline(__always)
    func col2im<S: TensorScalar>(_ cols: UnsafePointer<S>, ld: Int, column0: Int, into image: UnsafeMutablePointer<S>) {
        var row = 0
        for c in 0..<channels {
            let plane = image + c * height * width
            for ki in 0..<kernelH {
                for kj in 0..<kernelW {
                    let src = cols + row * ld + column0
                    let rowOffset = ki * dilationH - padH, colOffset = kj * dilationW - padW
                    let (lo, hi) = columnsInside(offset: colOffset)
                    for oh in 0..<outH where hi > lo {
                        let ih = oh * strideH + rowOffset
                        if ih < 0 || ih >= height { continue }
                        let dst = plane + ih * width + lo * strideW + colOffset, from = src + oh * outW + lo
                        if strideW == 1 {
                            addRun(into: dst, from: from, count: hi - lo)
                        } else {
                            addStridedRun(into: dst, stride: strideW, from: from, count: hi - lo)
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// The output columns `lo ..< hi` whose input column `ow·strideW + offset` lies inside the row (`hi ≤ lo`
    /// when none does); `lo ≤ outW`.
    @inline(__always)
    func columnsInside(offset: Int) -> (lo: Int, hi: Int) {
        let lo = offset >= 0 ? 0 : (strideW - 1 - offset) / strideW
        let last = width - 1 - offset  // the largest ow·strideW inside the row
        return (Swift.min(lo, outW), last < 0 ? 0 : Swift.min(outW, last / strideW + 1))
    }

    /// dst[i] = src[i·stride] for i < count, without bounds or overflow checks in the loop.
    @inline(__always)
    private func copyStridedRun<S: TensorScalar>(
        into dst: UnsafeMutablePointer<S>, from src: UnsafePointer<S>, stride: Int, count: Int
    ) {
        var i = 0, j = 0
        while i < count {
            dst[i] = src[j]
            i &+= 1
            j &+= stride
        }
    }

    /// dst[i·stride] += src[i] for i < count (the adjoint of copyStridedRun).
    @inline(__always)
    private func addStridedRun<S: TensorScalar>(
        into dst: UnsafeMutablePointer<S>, stride: Int, from src: UnsafePointer<S>, count: Int
    ) {
        var i = 0, j = 0
        while i < count {
            dst[j] += src[i]
            i &+= 1
            j &+= stride
        }
    }

    /// dst[i] = src[i] for i < count, inline: the runs are one output row (often tens of elements),
    /// too short to pay for a call to memmove.
    @inline(__always)
    func copyRun<S: TensorScalar>(into dst: UnsafeMutablePointer<S>, from src: UnsafePointer<S>, count: Int) {
        var i = 0
        while i < count {
            dst[i] = src[i]
            i &+= 1
        }
    }

    /// dst[i] += src[i] for i < count, in a loop the compiler vectorises (no overflow-checked indices).
    @inline(__always)
    private func addRun<S: TensorScalar>(into dst: UnsafeMutablePointer<S>, from src: UnsafePointer<S>, count: Int) {
        var i = 0
        while i < count {
            dst[i] += src[i]
            i &+= 1
        }
    }
}

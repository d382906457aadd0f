import CKernels

/// Max and average pooling (1-D and 2-D), adaptive average pooling and upsampling, with torch's
/// output-size and coordinate rules.

struct PoolSetup {
    let n: Int, channels: Int
    let geometry: ConvGeometry  // channels = 1: one plane at a time
}

/// Window maxima of `x` and, with `keepingArgmax`, each window's index of its maximum within its plane (for
/// the backward pass; evaluation passes skip it).
func maxPoolKernel<S: TensorScalar>(_ x: Tensor, _ s: PoolSetup, keepingArgmax: Bool, _: S.Type) -> (Tensor, [Int32]?) {
    let geo = s.geometry, planes = s.n * s.channels, inPlane = geo.height * geo.width, outPlane = geo.positions
    let out = Tensor(uninitialized: [s.n, s.channels, geo.outH, geo.outW], dtype: x.dtype)
    let px = x.pointer(S.self), po = out.pointer(S.self)
    let grain = Swift.max(1, 2048 / Swift.max(outPlane, 1))
    if geo.windowsInsideInput && geo.isTwoByTwoStrideTwo {
        var argmax = keepingArgmax ? [Int32](unsafeUninitializedCapacity: planes * outPlane) { $1 = $0.count } : nil
        func pool(_ pa: UnsafeMutablePointer<Int32>?) {
            parallelRanges(planes, grain: grain) { r in
                maxPoolTwoByTwo(
                    px + r.lowerBound * inPlane, planes: r.count, geo, po + r.lowerBound * outPlane,
                    pa.map { $0 + r.lowerBound * outPlane })
            }
        }
        if argmax == nil { pool(nil) } else { argmax!.withUnsafeMutableBufferPointer { pool($0.baseAddress) } }
        return (out, argmax)
    }
    var argmax = [Int32](repeating: -1, count: planes * outPlane)
    argmax.withUnsafeMutableBufferPointer { pa in
        let pa = pa.baseAddress!
        parallelRanges(planes, grain: grain) { r in
            if geo.windowsInsideInput {
                for p in r { maxPoolPlaneInside(geo, px + p * inPlane, po + p * outPlane, pa + p * outPlane) }
                return
            }
            for p in r {
                let src = px + p * inPlane
                for oh in 0..<geo.outH {
                    for ow in 0..<geo.outW {
                        var best = -S.infinity, bestIndex: Int32 = -1
                        scan: for ki in 0..<geo.kernelH {
                            let ih = oh * geo.strideH - geo.padH + ki * geo.dilationH
                            if ih < 0 || ih >= geo.height { continue }
                            for kj in 0..<geo.kernelW {
                                let iw = ow * geo.strideW - geo.padW + kj * geo.dilationW
                                if iw < 0 || iw >= geo.width { continue }
                                let v = src[ih * geo.width + iw]
                                if v > best || v.isNaN || bestIndex < 0 {
                                    best = v; bestIndex = Int32(ih * geo.width + iw); if v.isNaN { break scan }
                                }
                            }
                        }
                        po[p * outPlane + oh * geo.outW + ow] = best
                        pa[p * outPlane + oh * geo.outW + ow] = bestIndex
                    }
                }
            }
        }
    }
    return (out, argmax)
}

/// One plane of `maxPoolKernel` when every window lies inside the input (no bounds checks); the same
/// scan order, ties and NaN rule.
@inline(__always)
private func maxPoolPlaneInside<S: TensorScalar>(
    _ geo: ConvGeometry, _ src: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>, _ argmax: UnsafeMutablePointer<Int32>
) {
    var o = 0
    for oh in 0..<geo.outH {
        for ow in 0..<geo.outW {
            var best = -S.infinity, bestIndex = -1
            var ki = 0
            while ki < geo.kernelH {
                let row = (oh &* geo.strideH &+ ki &* geo.dilationH) &* geo.width &+ ow &* geo.strideW
                var kj = 0
                while kj < geo.kernelW {
                    let index = row &+ kj &* geo.dilationW, v = src[index]
                    if v > best || v.isNaN || bestIndex < 0 {
                        best = v; bestIndex = index
                        if v.isNaN { ki = geo.kernelH; break }
                    }
                    kj &+= 1
                }
                ki &+= 1
            }
            out[o] = best
            argmax[o] = Int32(truncatingIfNeeded: bestIndex)
            o &+= 1
        }
    }
}

extension ConvGeometry {
    /// A 2×2 window at stride 2 without dilation: the most common pooling, with a loop of its own.
    var isTwoByTwoStrideTwo: Bool {
        kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && dilationH == 1 && dilationW == 1
    }
}

/// `maxPoolPlaneInside` for 2×2 windows at stride 2 over `planes` planes, in C without branches (max_pool.c):
/// the same scan order (a, b on the first row, c, d on the second), ties (the first maximum) and NaN rule (the
/// first NaN wins).
private func maxPoolTwoByTwo<S: TensorScalar>(
    _ x: UnsafePointer<S>, planes: Int, _ geo: ConvGeometry, _ out: UnsafeMutablePointer<S>,
    _ argmax: UnsafeMutablePointer<Int32>?
) {
    if S.self == Float.self {
        recombine_max_pool_2x2_f32(
            UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), planes, geo.height, geo.width, geo.outH,
            geo.outW, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self), argmax)
    } else {
        recombine_max_pool_2x2_f64(
            UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), planes, geo.height, geo.width, geo.outH,
            geo.outW, UnsafeMutableRawPointer(out).assumingMemoryBound(to: Double.self), argmax)
    }
}

func avgPoolKernel<S: TensorScalar>(
    _ x: Tensor, _ s: PoolSetup, countIncludePad: Bool, backward gOut: Tensor?, _: S.Type
) -> Tensor {
    let geo = s.geometry, planes = s.n * s.channels, inPlane = geo.height * geo.width, outPlane = geo.positions
    let forward = gOut == nil
    let out =
        forward
        ? Tensor(uninitialized: [s.n, s.channels, geo.outH, geo.outW], dtype: x.dtype)
        : Tensor.zeros(x.shape, dtype: x.dtype)
    let px = x.pointer(S.self), po = out.pointer(S.self), pg = gOut?.pointer(S.self)
    parallelRanges(planes, grain: Swift.max(1, 2048 / Swift.max(outPlane, 1))) { r in
        for p in r {
            for oh in 0..<geo.outH {
                for ow in 0..<geo.outW {
                    let h0 = oh * geo.strideH - geo.padH, w0 = ow * geo.strideW - geo.padW
                    let h1 = Swift.min(h0 + geo.kernelH, geo.height + geo.padH),
                        w1 = Swift.min(w0 + geo.kernelW, geo.width + geo.padW)
                    let poolSize = (h1 - h0) * (w1 - w0)
                    let hs = Swift.max(h0, 0), ws = Swift.max(w0, 0), he = Swift.min(h1, geo.height),
                        we = Swift.min(w1, geo.width)
                    let divisor = S(countIncludePad ? poolSize : Swift.max((he - hs) * (we - ws), 1))
                    let o = p * outPlane + oh * geo.outW + ow
                    if forward {
                        var total: S = 0
                        for ih in hs..<Swift.max(he, hs) {
                            for iw in ws..<Swift.max(we, ws) { total += px[p * inPlane + ih * geo.width + iw] }
                        }
                        po[o] = total / divisor
                    } else {
                        let share = pg![o] / divisor
                        for ih in hs..<Swift.max(he, hs) {
                            for iw in ws..<Swift.max(we, ws) { po[p * inPlane + ih * geo.width + iw] += share }
                        }
                    }
                }
            }
        }
    }
    return out
}

extension Tensor {
    func poolSetup(
        _ name: String, kernel: (Int, Int), stride: (Int, Int)?, padding: (Int, Int), dilation: (Int, Int),
        ceilMode: Bool
    ) -> PoolSetup {
        precondition(rank == 4, "\(name): expected [N, C, H, W], got \(shape)")
        precondition(
            padding.0 * 2 <= kernel.0 && padding.1 * 2 <= kernel.1,
            "\(name): padding must be at most half the kernel size")
        let geo = ConvGeometry(
            channels: 1, height: shape[2], width: shape[3], kernel: kernel, stride: stride ?? kernel,
            padding: padding, dilation: dilation, ceilMode: ceilMode)
        precondition(geo.outH > 0 && geo.outW > 0, "\(name): input \(shape[2])×\(shape[3]) is smaller than the window")
        return PoolSetup(n: shape[0], channels: shape[1], geometry: geo)
    }

    /// Max over windows (torch.nn.functional.max_pool2d); stride defaults to the kernel. The gradient
    /// goes to the first maximal element of each window.
    public func maxPool2d(
        kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
        ceilMode: Bool = false
    ) -> Tensor {
        let s = poolSetup(
            "max_pool2d", kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        let keepingArgmax = GradMode.isEnabled && requiresGrad
        let (out, kept) =
            dtype == .float32
            ? maxPoolKernel(self, s, keepingArgmax: keepingArgmax, Float.self)
            : maxPoolKernel(self, s, keepingArgmax: keepingArgmax, Double.self)
        guard keepingArgmax, let argmax = kept else { return out }
        let inputShape = shape, inPlane = shape[2] * shape[3], outPlane = s.geometry.positions
        return Tensor.record(out, "max_pool2d", [self]) { g, _ in
            let gx = Tensor.zeros(inputShape, dtype: g.dtype)
            func scatter<S: TensorScalar>(_: S.Type) {
                let pg = g.pointer(S.self), px = gx.pointer(S.self)
                parallelRanges(s.n * s.channels, grain: 64) { r in
                    for p in r {
                        for o in 0..<outPlane where argmax[p * outPlane + o] >= 0 {
                            px[p * inPlane + Int(argmax[p * outPlane + o])] += pg[p * outPlane + o]
                        }
                    }
                }
            }
            if g.dtype == .float32 { scatter(Float.self) } else { scatter(Double.self) }
            return [gx]
        }
    }

    /// Window means (torch.nn.functional.avg_pool2d); `countIncludePad` counts padding in the divisor.
    public func avgPool2d(
        kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), ceilMode: Bool = false,
        countIncludePad: Bool = true
    ) -> Tensor {
        let s = poolSetup(
            "avg_pool2d", kernel: kernel, stride: stride, padding: padding, dilation: (1, 1), ceilMode: ceilMode)
        let out =
            dtype == .float32
            ? avgPoolKernel(self, s, countIncludePad: countIncludePad, backward: nil, Float.self)
            : avgPoolKernel(self, s, countIncludePad: countIncludePad, backward: nil, Double.self)
        return Tensor.record(out, "avg_pool2d", [self]) { [self] g, _ in
            [
                g.dtype == .float32
                    ? avgPoolKernel(self, s, countIncludePad: countIncludePad, backward: g, Float.self)
                    : avgPoolKernel(self, s, countIncludePad: countIncludePad, backward: g, Double.self)
            ]
        }
    }

    /// 1-D max pooling over [N, C, L].
    public func maxPool1d(kernel: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false)
        -> Tensor
    {
        precondition(rank == 3, "max_pool1d: expected [N, C, L], got \(shape)")
        return unsqueezed(axis: 2).maxPool2d(
            kernel: (1, kernel), stride: (1, stride ?? kernel), padding: (0, padding), dilation: (1, dilation),
            ceilMode: ceilMode
        ).squeezed(axis: 2)
    }

    /// 1-D average pooling over [N, C, L].
    public func avgPool1d(
        kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true
    ) -> Tensor {
        precondition(rank == 3, "avg_pool1d: expected [N, C, L], got \(shape)")
        return unsqueezed(axis: 2).avgPool2d(
            kernel: (1, kernel), stride: (1, stride ?? kernel), padding: (0, padding), ceilMode: ceilMode,
            countIncludePad: countIncludePad
        ).squeezed(axis: 2)
    }

    /// Average pooling to `outputSize` with torch's windows [⌊i·H/Ho⌋, ⌈(i+1)·H/Ho⌉).
    public func adaptiveAvgPool2d(outputSize: (Int, Int)) -> Tensor {
        precondition(
            rank == 4 && outputSize.0 > 0 && outputSize.1 > 0,
            "adaptive_avg_pool2d: expected [N, C, H, W] and a positive size, got \(shape)")
        let (h, w) = (shape[2], shape[3]), (ho, wo) = outputSize
        // Express as a linear map per plane: out = A_h · X · A_wᵀ, with A rows averaging each window.
        func averaging(_ n: Int, _ m: Int) -> Tensor {
            var values = [Double](repeating: 0, count: m * n)
            for i in 0..<m {
                let start = (i * n) / m, end = ((i + 1) * n + m - 1) / m
                for j in start..<end { values[i * n + j] = 1 / Double(end - start) }
            }
            return Tensor(doubles: values, shape: [m, n], dtype: dtype)
        }
        let ah = averaging(h, ho), aw = averaging(w, wo)
        let planes = reshaped([shape[0] * shape[1], h, w])
        let rows = ah.matmul(planes)  // [P, ho, w]
        let out = rows.matmul(aw, transposeOther: true)  // [P, ho, wo]
        return out.reshaped([shape[0], shape[1], ho, wo])
    }
}

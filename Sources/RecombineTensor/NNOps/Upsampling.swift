/// Nearest and bilinear upsampling of [N, C, H, W] with torch.nn.functional.interpolate's
/// coordinate rules, as separable linear maps (one small matrix per axis, applied by GEMM).

/// How source coordinates are computed (torch's `mode` and `align_corners`).
public enum UpsampleMode: String, Sendable {
    case nearest
    case bilinear
}

extension Tensor {
    /// Interpolation matrix [out, in] for one axis. `scale` is torch's source/destination ratio: in/out
    /// when a size is given, 1/scale_factor when a factor is given.
    static func interpolationMatrix(
        input n: Int, output m: Int, scale: Double, mode: UpsampleMode, alignCorners: Bool, dtype: DType
    ) -> Tensor {
        var values = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            switch mode {
            case .nearest:
                values[i * n + Swift.min(Int((Double(i) * scale).rounded(.down)), n - 1)] = 1
            case .bilinear:
                var source: Double
                if alignCorners {
                    source = m > 1 ? Double(i) * Double(n - 1) / Double(m - 1) : 0
                } else {
                    source = Swift.max((Double(i) + 0.5) * scale - 0.5, 0)
                }
                let lo = Swift.min(Int(source.rounded(.down)), n - 1), hi = Swift.min(lo + 1, n - 1)
                let t = source - Double(lo)
                values[i * n + lo] += 1 - t
                values[i * n + hi] += t
            }
        }
        return Tensor(doubles: values, shape: [m, n], dtype: dtype)
    }

    /// Upsamples [N, C, H, W] to `size`, or by `scaleFactor` (height, width).
    public func upsample(
        size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil, mode: UpsampleMode = .nearest,
        alignCorners: Bool = false
    ) -> Tensor {
        precondition(rank == 4, "upsample: expected [N, C, H, W], got \(shape)")
        precondition((size == nil) != (scaleFactor == nil), "upsample: give exactly one of size and scale_factor")
        let (h, w) = (shape[2], shape[3])
        let (ho, wo) =
            size ?? (Int((Double(h) * scaleFactor!.0).rounded(.down)), Int((Double(w) * scaleFactor!.1).rounded(.down)))
        precondition(ho > 0 && wo > 0, "upsample: empty output \(ho)×\(wo)")
        let scaleH = scaleFactor.map { 1 / $0.0 } ?? Double(h) / Double(ho),
            scaleW = scaleFactor.map { 1 / $0.1 } ?? Double(w) / Double(wo)
        let mh = Tensor.interpolationMatrix(
            input: h, output: ho, scale: scaleH, mode: mode, alignCorners: alignCorners, dtype: dtype)
        let mw = Tensor.interpolationMatrix(
            input: w, output: wo, scale: scaleW, mode: mode, alignCorners: alignCorners, dtype: dtype)
        let planes = reshaped([shape[0] * shape[1], h, w])
        let out = mh.matmul(planes).matmul(mw, transposeOther: true)
        return out.reshaped([shape[0], shape[1], ho, wo])
    }
}

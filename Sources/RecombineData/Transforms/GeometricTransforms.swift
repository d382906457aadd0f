import Foundation

/// A random crop of random area fraction (`scale`) and aspect ratio (`ratio`), resized bilinearly to
/// `size` — torchvision's RandomResizedCrop with its 10-attempt sampling and centre-crop fallback.
public struct RandomResizedCrop: ImageTransform {
    public let size: (Int, Int), scale: (Double, Double), ratio: (Double, Double)
    public init(size: (Int, Int), scale: (Double, Double) = (0.08, 1), ratio: (Double, Double) = (3.0 / 4, 4.0 / 3)) {
        self.size = size; self.scale = scale; self.ratio = ratio
    }

    func window(_ h: Int, _ w: Int, _ g: inout RandomGenerator) -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Double(h * w), logRatio = (Foundation.log(ratio.0), Foundation.log(ratio.1))
        for _ in 0..<10 {
            let target = area * uniform(&g, scale.0, scale.1)
            let aspect = Foundation.exp(uniform(&g, logRatio.0, logRatio.1))
            let cw = Int((target * aspect).squareRoot().rounded()), ch = Int((target / aspect).squareRoot().rounded())
            if cw > 0 && cw <= w && ch > 0 && ch <= h {
                return (randomInt(&g, 0, h - ch), randomInt(&g, 0, w - cw), ch, cw)
            }
        }
        let inRatio = Double(w) / Double(h)
        var cw = w, ch = h
        if inRatio < Swift.min(ratio.0, ratio.1) {
            cw = w; ch = Int((Double(cw) / Swift.min(ratio.0, ratio.1)).rounded())
        } else if inRatio > Swift.max(ratio.0, ratio.1) {
            ch = h; cw = Int((Double(ch) * Swift.max(ratio.0, ratio.1)).rounded())
        }
        return ((h - ch) / 2, (w - cw) / 2, ch, cw)
    }

    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let (top, left, ch, cw) = window(image.height, image.width, &g)
        return image.resizedWindow(
            top: top, left: left, windowHeight: ch, windowWidth: cw, height: size.0, width: size.1)
    }
    public func outputShape(_ s: [Int]) -> [Int] { [s[0], size.0, size.1] }
}

/// A random affine map about the image centre: rotation in `degrees`, translation up to
/// `translate`·size, scale in `scale`, shear in degrees — torchvision's RandomAffine (tensor path:
/// inverse matrix `_get_inverse_affine_matrix`, grid sampling at pixel centres, nearest by default).
public struct RandomAffine: ImageTransform {
    public let degrees: (Double, Double), translate: (Double, Double)?, scale: (Double, Double)?
    public let shear: (Double, Double, Double, Double)?, fill: Float, bilinear: Bool

    public init(
        degrees: (Double, Double), translate: (Double, Double)? = nil, scale: (Double, Double)? = nil,
        shear: (Double, Double, Double, Double)? = nil, fill: Double = 0, bilinear: Bool = false
    ) {
        self.degrees = degrees; self.translate = translate; self.scale = scale; self.shear = shear;
        self.fill = Float(fill); self.bilinear = bilinear
    }

    /// The 2×3 inverse matrix mapping output offsets from the centre to input offsets.
    static func inverseMatrix(angle: Double, translate: (Double, Double), scale: Double, shear: (Double, Double))
        -> [Double]
    {
        let rot = angle * .pi / 180, sx = shear.0 * .pi / 180, sy = shear.1 * .pi / 180
        let a = Foundation.cos(rot - sy) / Foundation.cos(sy)
        let b = -Foundation.cos(rot - sy) * Foundation.tan(sx) / Foundation.cos(sy) - Foundation.sin(rot)
        let c = Foundation.sin(rot - sy) / Foundation.cos(sy)
        let d = -Foundation.sin(rot - sy) * Foundation.tan(sx) / Foundation.cos(sy) + Foundation.cos(rot)
        var m = [d, -b, 0, -c, a, 0].map { $0 / scale }
        let (tx, ty) = translate
        m[2] += m[0] * -tx + m[1] * -ty
        m[5] += m[3] * -tx + m[4] * -ty
        return m
    }

    /// torchvision.transforms.functional.affine with fixed parameters (angle clockwise in degrees,
    /// translation in pixels, shear in degrees).
    public static func affine(
        _ image: FloatImage, angle: Double, translate: (Double, Double), scale: Double, shear: (Double, Double),
        fill: Double = 0, bilinear: Bool = false
    ) -> FloatImage {
        warp(
            image, inverseMatrix(angle: angle, translate: translate, scale: scale, shear: shear), fill: Float(fill),
            bilinear: bilinear)
    }

    /// Applies a given inverse matrix (used by RandomAffine and RandomRotation): each output pixel
    /// centre is mapped back into the input, sampled nearest (half to even, as grid_sample) or
    /// bilinearly, `fill` outside. The source position advances by a constant step along a row.
    static func warp(_ image: FloatImage, _ m: [Double], fill: Float, bilinear: Bool) -> FloatImage {
        let h = image.height, w = image.width, plane = h * w
        let cx = Double(w) / 2 - 0.5, cy = Double(h) / 2 - 0.5
        var out = FloatImage(channels: image.channels, height: h, width: w)
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                for y in 0..<h {
                    let v = Double(y) - cy
                    var sx = m[0] * -cx + m[1] * v + m[2] + cx, sy = m[3] * -cx + m[4] * v + m[5] + cy
                    for x in 0..<w {
                        if bilinear {
                            let x0 = FloatImage.floorToInt(sx), y0 = FloatImage.floorToInt(sy)
                            let tx = Float(sx - Double(x0)), ty = Float(sy - Double(y0))
                            for c in 0..<image.channels {
                                let base = src + c * plane
                                @inline(__always) func at(_ yy: Int, _ xx: Int) -> Float {
                                    yy >= 0 && yy < h && xx >= 0 && xx < w ? base[yy * w + xx] : fill
                                }
                                let top = at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx,
                                    bottom = at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx
                                dst[c * plane + y * w + x] = top * (1 - ty) + bottom * ty
                            }
                        } else {
                            let xi = FloatImage.roundHalfEvenToInt(sx), yi = FloatImage.roundHalfEvenToInt(sy)
                            let inside = yi >= 0 && yi < h && xi >= 0 && xi < w
                            for c in 0..<image.channels {
                                dst[c * plane + y * w + x] = inside ? src[c * plane + yi * w + xi] : fill
                            }
                        }
                        sx += m[0]; sy += m[3]
                    }
                }
            }
        }
        return out
    }

    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let angle = uniform(&g, degrees.0, degrees.1)
        var t = (0.0, 0.0)
        if let translate {
            let maxX = translate.0 * Double(image.width), maxY = translate.1 * Double(image.height)
            t = (uniform(&g, -maxX, maxX).rounded(), uniform(&g, -maxY, maxY).rounded())
        }
        let s = scale.map { uniform(&g, $0.0, $0.1) } ?? 1
        var sh = (0.0, 0.0)
        if let shear {
            sh.0 = uniform(&g, shear.0, shear.1);
            if shear.2 != 0 || shear.3 != 0 { sh.1 = uniform(&g, shear.2, shear.3) }
        }
        return Self.warp(
            image, Self.inverseMatrix(angle: angle, translate: t, scale: s, shear: sh), fill: fill, bilinear: bilinear)
    }
}

/// A random rotation about the centre (torchvision RandomRotation, nearest by default).
public struct RandomRotation: ImageTransform {
    public let degrees: (Double, Double), fill: Float, bilinear: Bool
    public init(degrees: (Double, Double), fill: Double = 0, bilinear: Bool = false) {
        self.degrees = degrees; self.fill = Float(fill); self.bilinear = bilinear
    }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        // torchvision rotates counter-clockwise for positive angles: the inverse map uses −angle.
        let angle = uniform(&g, degrees.0, degrees.1)
        return RandomAffine.warp(
            image, RandomAffine.inverseMatrix(angle: -angle, translate: (0, 0), scale: 1, shear: (0, 0)), fill: fill,
            bilinear: bilinear)
    }
}

/// A random perspective distortion with probability p (torchvision RandomPerspective, bilinear).
public struct RandomPerspective: ImageTransform {
    public let distortionScale: Double, p: Double, fill: Float, bilinear: Bool
    public init(distortionScale: Double = 0.5, p: Double = 0.5, fill: Double = 0, bilinear: Bool = true) {
        self.distortionScale = distortionScale; self.p = p; self.fill = Float(fill); self.bilinear = bilinear
    }

    /// Coefficients (a…h) of the map from output to input points, solving the 8×8 system of
    /// torchvision's `_get_perspective_coeffs`.
    static func coefficients(from start: [(Double, Double)], to end: [(Double, Double)]) -> [Double]? {
        var a = [[Double]](repeating: [Double](repeating: 0, count: 9), count: 8)
        for i in 0..<4 {
            let (x, y) = end[i], (u, v) = start[i]
            a[2 * i] = [x, y, 1, 0, 0, 0, -u * x, -u * y, u]
            a[2 * i + 1] = [0, 0, 0, x, y, 1, -v * x, -v * y, v]
        }
        for col in 0..<8 {
            guard let pivot = (col..<8).max(by: { Swift.abs(a[$0][col]) < Swift.abs(a[$1][col]) }),
                Swift.abs(a[pivot][col]) > 1e-12
            else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<8 where r != col {
                let f = a[r][col] / a[col][col]
                for c in col..<9 { a[r][c] -= f * a[col][c] }
            }
        }
        return (0..<8).map { a[$0][8] / a[$0][$0] }
    }

    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        guard g.nextDouble() < p else { return image }
        let h = image.height, w = image.width, halfH = h / 2, halfW = w / 2
        let dh = Int(distortionScale * Double(halfH)), dw = Int(distortionScale * Double(halfW))
        let topLeft = (Double(randomInt(&g, 0, dw)), Double(randomInt(&g, 0, dh)))
        let topRight = (Double(randomInt(&g, w - dw - 1, w - 1)), Double(randomInt(&g, 0, dh)))
        let bottomRight = (Double(randomInt(&g, w - dw - 1, w - 1)), Double(randomInt(&g, h - dh - 1, h - 1)))
        let bottomLeft = (Double(randomInt(&g, 0, dw)), Double(randomInt(&g, h - dh - 1, h - 1)))
        let start = [(0.0, 0.0), (Double(w - 1), 0.0), (Double(w - 1), Double(h - 1)), (0.0, Double(h - 1))]
        return Self.perspective(
            image, from: start, to: [topLeft, topRight, bottomRight, bottomLeft], fill: Double(fill), bilinear: bilinear
        )
    }

    /// torchvision.transforms.functional.perspective: the image point `start[i]` moves to `end[i]`
    /// (points as (x, y) pixel coordinates).
    public static func perspective(
        _ image: FloatImage, from start: [(Double, Double)], to end: [(Double, Double)], fill: Double = 0,
        bilinear: Bool = true
    ) -> FloatImage {
        guard let c = coefficients(from: start, to: end) else { return image }
        let (c0, c1, c2, c3, c4, c5, c6, c7) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
        return image.resampled(outHeight: image.height, outWidth: image.width, bilinear: bilinear, fill: Float(fill)) {
            y, x in
            // torchvision evaluates the map at pixel centres (x + 0.5) and samples with align_corners=False.
            let px = x + 0.5, py = y + 0.5
            let denominator = c6 * px + c7 * py + 1
            return ((c3 * px + c4 * py + c5) / denominator - 0.5, (c0 * px + c1 * py + c2) / denominator - 0.5)
        }
    }
}

/// Random brightness, contrast, saturation and hue changes in random order (torchvision ColorJitter).
public struct ColorJitter: ImageTransform {
    public let brightness: (Double, Double)?, contrast: (Double, Double)?, saturation: (Double, Double)?,
        hue: (Double, Double)?
    public init(
        brightness: (Double, Double)? = nil, contrast: (Double, Double)? = nil, saturation: (Double, Double)? = nil,
        hue: (Double, Double)? = nil
    ) {
        self.brightness = brightness; self.contrast = contrast; self.saturation = saturation; self.hue = hue
    }

    static func gray(_ image: FloatImage) -> FloatImage {
        var unused = RandomGenerator(seed: 0)  // Grayscale draws nothing
        return Grayscale(outputChannels: 1).apply(image, &unused)
    }

    static func blend(_ a: FloatImage, _ b: FloatImage, _ ratio: Float) -> FloatImage {
        var out = a
        let plane = a.height * a.width
        for i in out.pixels.indices {
            out.pixels[i] = Swift.min(
                1, Swift.max(0, ratio * a.pixels[i] + (1 - ratio) * b.pixels[b.channels == 1 ? i % plane : i]))
        }
        return out
    }

    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let order = g.permutation(4)
        let b = brightness.map { uniform(&g, $0.0, $0.1) }, c = contrast.map { uniform(&g, $0.0, $0.1) }
        let s = saturation.map { uniform(&g, $0.0, $0.1) }, h = hue.map { uniform(&g, $0.0, $0.1) }
        var out = image
        for step in order {
            switch step {
            case 0:
                if let b {
                    out = Self.blend(
                        out, FloatImage(channels: out.channels, height: out.height, width: out.width), Float(b))
                }
            case 1:
                if let c {
                    let gray = Self.gray(out), mean = gray.pixels.reduce(0, +) / Float(gray.pixels.count)
                    out = Self.blend(
                        out, FloatImage(channels: 1, height: out.height, width: out.width, fill: mean), Float(c))
                }
            case 2: if let s, out.channels == 3 { out = Self.blend(out, Self.gray(out), Float(s)) }
            default: if let h, out.channels == 3 { out = Self.shiftHue(out, h) }
            }
        }
        return out
    }

    static func shiftHue(_ image: FloatImage, _ shift: Double) -> FloatImage {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                let r = Double(image[0, y, x]), g = Double(image[1, y, x]), b = Double(image[2, y, x])
                let maxC = Swift.max(r, g, b), minC = Swift.min(r, g, b), delta = maxC - minC
                var hue = 0.0
                if delta > 0 {
                    if maxC == r {
                        hue = ((g - b) / delta).truncatingRemainder(dividingBy: 6)
                    } else if maxC == g {
                        hue = (b - r) / delta + 2
                    } else {
                        hue = (r - g) / delta + 4
                    }
                    hue /= 6
                }
                hue = (hue + shift + 1).truncatingRemainder(dividingBy: 1)
                let sat = maxC == 0 ? 0 : delta / maxC, value = maxC
                let i = Int(hue * 6) % 6, f = hue * 6 - Double(Int(hue * 6))
                let p = value * (1 - sat), q = value * (1 - f * sat), t = value * (1 - (1 - f) * sat)
                let (rr, gg, bb): (Double, Double, Double) = [
                    (value, t, p), (q, value, p), (p, value, t), (p, q, value), (t, p, value), (value, p, q),
                ][i]
                out[0, y, x] = Float(rr); out[1, y, x] = Float(gg); out[2, y, x] = Float(bb)
            }
        }
        return out
    }
}

import Foundation

/// One image [C, H, W] in floats, the unit transforms work on.
public struct FloatImage: Sendable {
    public var channels: Int, height: Int, width: Int
    public var pixels: [Float]

    public init(channels: Int, height: Int, width: Int, pixels: [Float]) {
        precondition(pixels.count == channels * height * width, "pixels do not fill \(channels)×\(height)×\(width)")
        self.channels = channels; self.height = height; self.width = width; self.pixels = pixels
    }

    public init(channels: Int, height: Int, width: Int, fill: Float = 0) {
        self.init(
            channels: channels, height: height, width: width,
            pixels: [Float](repeating: fill, count: channels * height * width))
    }

    public var shape: [Int] { [channels, height, width] }

    @inline(__always) public subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }

    /// Bilinear sample at continuous pixel coordinates (pixel centres at integers); `fill` outside.
    @inline(__always) func bilinear(_ c: Int, _ y: Double, _ x: Double, fill: Float) -> Float {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let tx = Float(x - Double(x0)), ty = Float(y - Double(y0))
        func at(_ yy: Int, _ xx: Int) -> Float {
            yy >= 0 && yy < height && xx >= 0 && xx < width ? self[c, yy, xx] : fill
        }
        let top = at(y0, x0) * (1 - tx) + at(y0, x0 + 1) * tx
        let bottom = at(y0 + 1, x0) * (1 - tx) + at(y0 + 1, x0 + 1) * tx
        return top * (1 - ty) + bottom * ty
    }

    /// Nearest sample (round half to even, as grid_sample) at continuous pixel coordinates.
    @inline(__always) func nearest(_ c: Int, _ y: Double, _ x: Double, fill: Float) -> Float {
        let xi = Int(x.rounded(.toNearestOrEven)), yi = Int(y.rounded(.toNearestOrEven))
        return yi >= 0 && yi < height && xi >= 0 && xi < width ? self[c, yi, xi] : fill
    }

    /// A new image of `outHeight`×`outWidth` whose pixel (y, x) samples this one at `source(y, x)`.
    func resampled(
        outHeight: Int, outWidth: Int, bilinear useBilinear: Bool, fill: Float,
        _ source: (Double, Double) -> (Double, Double)?
    ) -> FloatImage {
        var out = FloatImage(channels: channels, height: outHeight, width: outWidth)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                guard let (sy, sx) = source(Double(y), Double(x)) else {
                    for c in 0..<channels { out[c, y, x] = fill }; continue
                }
                for c in 0..<channels {
                    out[c, y, x] = useBilinear ? bilinear(c, sy, sx, fill: fill) : nearest(c, sy, sx, fill: fill)
                }
            }
        }
        return out
    }

    /// Bilinear resize (torch interpolate, align_corners = false, no antialiasing).
    func resized(height h: Int, width w: Int) -> FloatImage {
        resizedWindow(top: 0, left: 0, windowHeight: height, windowWidth: width, height: h, width: w)
    }

    /// The window (top, left, windowHeight × windowWidth) resized bilinearly to h × w without copying the
    /// window first: the same numbers as cropping then resizing.
    func resizedWindow(top: Int, left: Int, windowHeight: Int, windowWidth: Int, height h: Int, width w: Int)
        -> FloatImage
    {
        let sy = Double(windowHeight) / Double(h), sx = Double(windowWidth) / Double(w)
        var out = FloatImage(channels: channels, height: h, width: w)
        let xs = (0..<w).map { x -> (Int, Int, Float) in
            let fx = Swift.max((Double(x) + 0.5) * sx - 0.5, 0)
            let x0 = Swift.min(Int(fx), windowWidth - 1)
            return (left + x0, left + Swift.min(x0 + 1, windowWidth - 1), Float(fx - Double(x0)))
        }
        let plane = height * width, outPlane = h * w
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                for y in 0..<h {
                    let fy = Swift.max((Double(y) + 0.5) * sy - 0.5, 0)
                    let y0 = Swift.min(Int(fy), windowHeight - 1), y1 = Swift.min(y0 + 1, windowHeight - 1),
                        ty = Float(fy - Double(y0))
                    for c in 0..<channels {
                        let r0 = src + c * plane + (top + y0) * width, r1 = src + c * plane + (top + y1) * width
                        let o = dst + c * outPlane + y * w
                        for x in 0..<w {
                            let (x0, x1, tx) = xs[x]
                            let upper = r0[x0] * (1 - tx) + r0[x1] * tx, lower = r1[x0] * (1 - tx) + r1[x1] * tx
                            o[x] = upper * (1 - ty) + lower * ty
                        }
                    }
                }
            }
        }
        return out
    }

    /// The window rows top..<top+h, columns left..<left+w (zero outside).
    func cropped(top: Int, left: Int, height h: Int, width w: Int, fill: Float = 0) -> FloatImage {
        var out = FloatImage(channels: channels, height: h, width: w, fill: fill)
        for c in 0..<channels {
            for y in 0..<h {
                let sy = top + y
                guard sy >= 0 && sy < height else { continue }
                for x in 0..<w { let sx = left + x; if sx >= 0 && sx < width { out[c, y, x] = self[c, sy, sx] } }
            }
        }
        return out
    }
}

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

    /// Bilinear sample at continuous pixel coordinates (pixel centres at integers); `fill` outside. The
    /// definition `resampled` computes for every pixel at once (FloatImageTests compares the two).
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

    /// Nearest sample (round half to even, as grid_sample) at continuous pixel coordinates; the definition
    /// `resampled` computes for every pixel at once.
    @inline(__always) func nearest(_ c: Int, _ y: Double, _ x: Double, fill: Float) -> Float {
        let xi = Int(x.rounded(.toNearestOrEven)), yi = Int(y.rounded(.toNearestOrEven))
        return yi >= 0 && yi < height && xi >= 0 && xi < width ? self[c, yi, xi] : fill
    }

    /// `Int(v.rounded(.down))` without a call into the C library (the target has no inline rounding
    /// instruction): truncate, then step down where truncation went up. Traps where that does (NaN, out of
    /// Int's range).
    @inline(__always) static func floorToInt(_ v: Double) -> Int {
        let truncated = Int(v)
        return Double(truncated) > v ? truncated - 1 : truncated
    }

    /// `Int(v.rounded(.toNearestOrEven))` the same way: halves go to the even neighbour. `v − floor(v)` is
    /// exact for |v| ≥ 0.5; in (−0.5, 0) it may round, but only to values in [0.5, 1], which give 0 as well.
    @inline(__always) static func roundHalfEvenToInt(_ v: Double) -> Int {
        let below = floorToInt(v), fraction = v - Double(below)
        return fraction > 0.5 || (fraction == 0.5 && below & 1 == 1) ? below + 1 : below
    }

    /// A new image of `outHeight`×`outWidth` whose pixel (y, x) samples this one at `source(y, x)`
    /// (`bilinear(_:_:_:fill:)` or `nearest(_:_:_:fill:)` numbers, read through buffer pointers).
    func resampled(
        outHeight: Int, outWidth: Int, bilinear useBilinear: Bool, fill: Float,
        _ source: (Double, Double) -> (Double, Double)?
    ) -> FloatImage {
        var out = FloatImage(channels: channels, height: outHeight, width: outWidth)
        let h = height, w = width, plane = h * w, outPlane = outHeight * outWidth, channels = channels
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                guard let src = src.baseAddress, let dst = dst.baseAddress else { return }
                for y in 0..<outHeight {
                    for x in 0..<outWidth {
                        let o = dst + y * outWidth + x
                        guard let (sy, sx) = source(Double(y), Double(x)) else {
                            for c in 0..<channels { o[c * outPlane] = fill }
                            continue
                        }
                        if useBilinear {
                            let x0 = Self.floorToInt(sx), y0 = Self.floorToInt(sy)
                            let tx = Float(sx - Double(x0)), ty = Float(sy - Double(y0))
                            let rowsInside = (y0 >= 0 && y0 < h, y0 + 1 >= 0 && y0 + 1 < h)
                            let columnsInside = (x0 >= 0 && x0 < w, x0 + 1 >= 0 && x0 + 1 < w)
                            for c in 0..<channels {
                                let base = src + c * plane
                                let topLeft = rowsInside.0 && columnsInside.0 ? base[y0 * w + x0] : fill
                                let topRight = rowsInside.0 && columnsInside.1 ? base[y0 * w + x0 + 1] : fill
                                let bottomLeft = rowsInside.1 && columnsInside.0 ? base[(y0 + 1) * w + x0] : fill
                                let bottomRight = rowsInside.1 && columnsInside.1 ? base[(y0 + 1) * w + x0 + 1] : fill
                                let top = topLeft * (1 - tx) + topRight * tx
                                let bottom = bottomLeft * (1 - tx) + bottomRight * tx
                                o[c * outPlane] = top * (1 - ty) + bottom * ty
                            }
                        } else {
                            let xi = Self.roundHalfEvenToInt(sx), yi = Self.roundHalfEvenToInt(sy)
                            let inside = yi >= 0 && yi < h && xi >= 0 && xi < w
                            for c in 0..<channels { o[c * outPlane] = inside ? src[c * plane + yi * w + xi] : fill }
                        }
                    }
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

import Foundation

/// torchvision's RandomEqualize: with probability p, equalises each channel's histogram (`F.equalize`, PIL's
/// `ImageOps.equalize`). The channel is read as 8-bit levels (x·255 rounded to nearest, ties to even), and each
/// level maps through the cumulative histogram so that the levels in use spread over 0–255; a channel with one
/// level, or too few pixels outside its highest level, is left as it is. With p = 1 it is a per-image intensity
/// normalisation: a dark and a light picture of one shape come out alike.
public struct RandomEqualize: ImageTransform {
    public let p: Double
    public init(p: Double = 0.5) { self.p = p }

    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        guard g.nextDouble() < p else { return image }
        return Self.equalize(image)
    }

    /// Every channel equalised, values in [0, 1].
    public static func equalize(_ image: FloatImage) -> FloatImage {
        var out = image
        let plane = image.height * image.width
        guard plane > 0 else { return out }
        var levels = [Int](repeating: 0, count: plane)
        for c in 0..<image.channels {
            var histogram = [Int](repeating: 0, count: 256)
            for i in 0..<plane {
                let value = Double(Swift.min(Swift.max(image.pixels[c * plane + i], 0), 1))
                let level = Int((value * 255).rounded(.toNearestOrEven))
                levels[i] = level
                histogram[level] += 1
            }
            // step = (pixels below the highest level in use) / 255, as torchvision and PIL compute it.
            let highest = histogram.lastIndex { $0 > 0 } ?? 0
            let step = (plane - histogram[highest]) / 255
            guard step > 0 else { continue }
            var table = [Float](repeating: 0, count: 256)
            var running = step / 2
            for level in 0..<256 {
                table[level] = Float(Swift.min(running / step, 255)) / 255
                running += histogram[level]
            }
            for i in 0..<plane { out.pixels[c * plane + i] = table[levels[i]] }
        }
        return out
    }
}

import Foundation

/// torchvision ToTensor: samples are already floats in [0, 1], so this is the identity.
public struct ToTensor: ImageTransform {
    public init() {}
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage { image }
    public var isElementwise: Bool { true }
}

/// (x − mean_c) / std_c per channel.
public struct Normalize: ImageTransform {
    public let mean: [Double], std: [Double]
    public init(mean: [Double], std: [Double]) { self.mean = mean; self.std = std }
    /// Per value with one mean and std (per channel otherwise, which feature vectors do not have).
    public var isElementwise: Bool { mean.count <= 1 && std.count <= 1 }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        var out = image
        let plane = image.height * image.width
        for c in 0..<image.channels {
            let m = Float(mean[Swift.min(c, mean.count - 1)]), s = Float(std[Swift.min(c, std.count - 1)])
            for i in (c * plane)..<((c + 1) * plane) { out.pixels[i] = (out.pixels[i] - m) / s }
        }
        return out
    }
}

/// Bilinear resize to (height, width), or of the shorter side to `shorterSide` keeping the aspect ratio.
public struct Resize: ImageTransform {
    public let size: (Int, Int)?, shorterSide: Int?
    public init(size: (Int, Int)) { self.size = size; shorterSide = nil }
    public init(shorterSide: Int) { size = nil; self.shorterSide = shorterSide }
    func target(_ h: Int, _ w: Int) -> (Int, Int) {
        if let size { return size }
        let n = shorterSide!
        return h <= w ? (n, Int(Double(n) * Double(w) / Double(h))) : (Int(Double(n) * Double(h) / Double(w)), n)
    }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let (h, w) = target(image.height, image.width)
        return image.resized(height: h, width: w)
    }
    public func outputShape(_ s: [Int]) -> [Int] { let (h, w) = target(s[1], s[2]); return [s[0], h, w] }
}

/// The central (height, width) window (torchvision rounds the offsets).
public struct CenterCrop: ImageTransform {
    public let size: (Int, Int)
    public init(size: (Int, Int)) { self.size = size }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        // Python's round() (half to even), as torchvision.
        let top = Int((Double(image.height - size.0) / 2).rounded(.toNearestOrEven)),
            left = Int((Double(image.width - size.1) / 2).rounded(.toNearestOrEven))
        return image.cropped(top: top, left: left, height: size.0, width: size.1)
    }
    public func outputShape(_ s: [Int]) -> [Int] { [s[0], size.0, size.1] }
}

/// Constant padding of (vertical, horizontal) pixels on each side.
public struct Pad: ImageTransform {
    public let padding: (Int, Int), fill: Float
    public init(padding: (Int, Int), fill: Double = 0) { self.padding = padding; self.fill = Float(fill) }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        image.cropped(
            top: -padding.0, left: -padding.1, height: image.height + 2 * padding.0, width: image.width + 2 * padding.1,
            fill: fill)
    }
    public func outputShape(_ s: [Int]) -> [Int] { [s[0], s[1] + 2 * padding.0, s[2] + 2 * padding.1] }
}

/// A random (height, width) window after optional padding.
public struct RandomCrop: ImageTransform {
    public let size: (Int, Int), padding: (Int, Int), fill: Float
    public init(size: (Int, Int), padding: (Int, Int) = (0, 0), fill: Double = 0) {
        self.size = size; self.padding = padding; self.fill = Float(fill)
    }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let padded = padding == (0, 0) ? image : Pad(padding: padding, fill: Double(fill)).apply(image, &g)
        let top = randomInt(&g, 0, padded.height - size.0), left = randomInt(&g, 0, padded.width - size.1)
        return padded.cropped(top: top, left: left, height: size.0, width: size.1, fill: fill)
    }
    public func outputShape(_ s: [Int]) -> [Int] { [s[0], size.0, size.1] }
}

/// Mirror left–right with probability p.
public struct RandomHorizontalFlip: ImageTransform {
    public let p: Double
    public init(p: Double = 0.5) { self.p = p }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        guard g.nextDouble() < p else { return image }
        var out = image
        for c in 0..<image.channels {
            for y in 0..<image.height { for x in 0..<image.width { out[c, y, x] = image[c, y, image.width - 1 - x] } }
        }
        return out
    }
}

/// Mirror top–bottom with probability p.
public struct RandomVerticalFlip: ImageTransform {
    public let p: Double
    public init(p: Double = 0.5) { self.p = p }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        guard g.nextDouble() < p else { return image }
        var out = image
        for c in 0..<image.channels {
            for y in 0..<image.height { for x in 0..<image.width { out[c, y, x] = image[c, image.height - 1 - y, x] } }
        }
        return out
    }
}

/// Additive N(mean, std²) noise.
public struct GaussianNoise: ImageTransform {
    public let mean: Double, std: Double
    public init(mean: Double = 0, std: Double = 0.1) { self.mean = mean; self.std = std }
    public var isElementwise: Bool { true }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        var out = image
        for i in out.pixels.indices { out.pixels[i] += Float(mean + std * g.nextNormal()) }
        return out
    }
}

/// ITU-R 601-2 luma (0.299 R + 0.587 G + 0.114 B), replicated to `outputChannels`.
public struct Grayscale: ImageTransform {
    public let outputChannels: Int
    public init(outputChannels: Int = 1) { self.outputChannels = outputChannels }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        var out = FloatImage(channels: outputChannels, height: image.height, width: image.width)
        for y in 0..<image.height {
            for x in 0..<image.width {
                let v =
                    image.channels >= 3
                    ? 0.299 * image[0, y, x] + 0.587 * image[1, y, x] + 0.114 * image[2, y, x] : image[0, y, x]
                for c in 0..<outputChannels { out[c, y, x] = v }
            }
        }
        return out
    }
    public func outputShape(_ s: [Int]) -> [Int] { [outputChannels, s[1], s[2]] }
}

/// The listed transforms together, with probability p.
public struct RandomApply: ImageTransform {
    public let pipeline: TransformPipeline, p: Double
    public init(_ transforms: [ImageTransform], p: Double = 0.5) {
        pipeline = TransformPipeline(transforms); self.p = p
    }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        g.nextDouble() < p ? pipeline.apply(image, &g) : image
    }
    public func outputShape(_ s: [Int]) -> [Int] { pipeline.outputShape(s) }
    public var isElementwise: Bool { pipeline.transforms.allSatisfy(\.isElementwise) }
}

/// Gaussian blur with σ drawn from [σ₀, σ₁] (torchvision: kernel from σ, reflect padding).
public struct GaussianBlur: ImageTransform {
    public let kernel: (Int, Int), sigma: (Double, Double)
    public init(kernel: (Int, Int), sigma: (Double, Double) = (0.1, 2)) { self.kernel = kernel; self.sigma = sigma }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        let s = uniform(&g, sigma.0, sigma.1)
        func weights(_ k: Int) -> [Float] {
            let half = Double(k - 1) / 2
            let w = (0..<k).map { Foundation.exp(-0.5 * Foundation.pow((Double($0) - half) / s, 2)) }
            let total = w.reduce(0, +)
            return w.map { Float($0 / total) }
        }
        let wy = weights(kernel.0), wx = weights(kernel.1)
        func reflect(_ i: Int, _ n: Int) -> Int {
            var i = i; if i < 0 { i = -i }; if i >= n { i = 2 * n - 2 - i }; return Swift.min(Swift.max(i, 0), n - 1)
        }
        var tmp = image, out = image
        for c in 0..<image.channels {
            for y in 0..<image.height {
                for x in 0..<image.width {
                    var v: Float = 0
                    for k in 0..<kernel.1 { v += wx[k] * image[c, y, reflect(x + k - kernel.1 / 2, image.width)] }
                    tmp[c, y, x] = v
                }
            }
        }
        for c in 0..<image.channels {
            for y in 0..<image.height {
                for x in 0..<image.width {
                    var v: Float = 0
                    for k in 0..<kernel.0 { v += wy[k] * tmp[c, reflect(y + k - kernel.0 / 2, image.height), x] }
                    out[c, y, x] = v
                }
            }
        }
        return out
    }
}

/// Erase a random rectangle (area fraction in `scale`, aspect in `ratio`) with probability p.
public struct RandomErasing: ImageTransform {
    public let p: Double, scale: (Double, Double), ratio: (Double, Double), value: Float
    public init(
        p: Double = 0.5, scale: (Double, Double) = (0.02, 0.33), ratio: (Double, Double) = (0.3, 3.3), value: Double = 0
    ) {
        self.p = p; self.scale = scale; self.ratio = ratio; self.value = Float(value)
    }
    public func apply(_ image: FloatImage, _ g: inout RandomGenerator) -> FloatImage {
        guard g.nextDouble() < p else { return image }
        let area = Double(image.height * image.width)
        for _ in 0..<10 {
            let target = area * uniform(&g, scale.0, scale.1)
            let aspect = Foundation.exp(uniform(&g, Foundation.log(ratio.0), Foundation.log(ratio.1)))
            let h = Int((target * aspect).squareRoot().rounded()), w = Int((target / aspect).squareRoot().rounded())
            guard h < image.height, w < image.width, h > 0, w > 0 else { continue }
            let top = randomInt(&g, 0, image.height - h), left = randomInt(&g, 0, image.width - w)
            var out = image
            for c in 0..<image.channels {
                for y in top..<(top + h) { for x in left..<(left + w) { out[c, y, x] = value } }
            }
            return out
        }
        return image
    }
}

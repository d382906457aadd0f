import RecombineData

/// torchvision transforms from their method-file form.
public enum TransformFactory {
    /// The transform a method-file entry describes (nested `RandomApply` entries included).
    public static func make(_ spec: TransformSpec) throws -> ImageTransform {
        let a = spec.arguments
        func pair(_ key: String) -> (Int, Int)? {
            if let i = a[key]?.integer { return (i, i) }
            if let v = a[key]?.array, v.count == 2, let x = v[0].integer, let y = v[1].integer { return (x, y) }
            return nil
        }
        func range(_ key: String, symmetric: Bool = true, around center: Double = 0) -> (Double, Double)? {
            if let d = a[key]?.number { return symmetric ? (center - d, center + d) : (d, d) }
            if let v = a[key]?.array, v.count >= 2, let x = v[0].number, let y = v[1].number { return (x, y) }
            return nil
        }
        let fill = a["fill"]?.number ?? 0
        let bilinear = a["interpolation"]?.string == "bilinear"
        switch spec.type {
        case "ToTensor": return ToTensor()
        case "Normalize":
            return Normalize(
                mean: a["mean"]?.array?.compactMap(\.number) ?? [0], std: a["std"]?.array?.compactMap(\.number) ?? [1])
        case "Resize":
            if let n = a["size"]?.integer { return Resize(shorterSide: n) };
            return Resize(size: pair("size") ?? (28, 28))
        case "CenterCrop": return CenterCrop(size: pair("size") ?? (28, 28))
        case "RandomCrop":
            return RandomCrop(size: pair("size") ?? (28, 28), padding: pair("padding") ?? (0, 0), fill: fill)
        case "Pad": return Pad(padding: pair("padding") ?? (0, 0), fill: fill)
        case "RandomResizedCrop":
            return RandomResizedCrop(
                size: pair("size") ?? (28, 28), scale: range("scale") ?? (0.08, 1),
                ratio: range("ratio") ?? (3.0 / 4, 4.0 / 3))
        case "RandomAffine":
            var shear: (Double, Double, Double, Double)? = nil
            if let s = a["shear"]?.number {
                shear = (-s, s, 0, 0)
            } else if let v = a["shear"]?.array?.compactMap(\.number) {
                shear = v.count == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], 0, 0)
            }
            return RandomAffine(
                degrees: range("degrees") ?? (0, 0), translate: range("translate", symmetric: false),
                scale: range("scale", symmetric: false),
                shear: shear, fill: fill, bilinear: bilinear)
        case "RandomRotation":
            return RandomRotation(degrees: range("degrees") ?? (0, 0), fill: fill, bilinear: bilinear)
        case "RandomPerspective":
            return RandomPerspective(
                distortionScale: a["distortion_scale"]?.number ?? 0.5, p: a["p"]?.number ?? 0.5, fill: fill,
                bilinear: a["interpolation"]?.string != "nearest")
        case "RandomHorizontalFlip": return RandomHorizontalFlip(p: a["p"]?.number ?? 0.5)
        case "RandomVerticalFlip": return RandomVerticalFlip(p: a["p"]?.number ?? 0.5)
        case "ColorJitter":
            func factor(_ key: String) -> (Double, Double)? {
                if let d = a[key]?.number { return d == 0 ? nil : (Swift.max(0, 1 - d), 1 + d) }
                return range(key)
            }
            let hue: (Double, Double)? = a["hue"]?.number.map { (-$0, $0) } ?? range("hue")
            return ColorJitter(
                brightness: factor("brightness"), contrast: factor("contrast"), saturation: factor("saturation"),
                hue: hue)
        case "GaussianBlur":
            let sigma = a["sigma"]?.number.map { ($0, $0) } ?? range("sigma") ?? (0.1, 2)
            return GaussianBlur(kernel: pair("kernel_size") ?? (3, 3), sigma: sigma)
        case "RandomErasing":
            return RandomErasing(
                p: a["p"]?.number ?? 0.5, scale: range("scale") ?? (0.02, 0.33), ratio: range("ratio") ?? (0.3, 3.3),
                value: a["value"]?.number ?? 0)
        case "Grayscale": return Grayscale(outputChannels: a["num_output_channels"]?.integer ?? 1)
        case "RandomApply":
            let inner = try (a["transforms"]?.array ?? []).enumerated().map { i, v in
                try make(
                    TransformSpec(
                        type: v["type"]?.string ?? "", arguments: v.object ?? JSONObject(),
                        pointer: spec.pointer.appending("transforms").appending(i)))
            }
            return RandomApply(inner, p: a["p"]?.number ?? 0.5)
        case "GaussianNoise": return GaussianNoise(mean: a["mean"]?.number ?? 0, std: a["std"]?.number ?? 0.1)
        default: throw CompileError(spec.pointer.appending("type"), "unknown transform '\(spec.type)'")
        }
    }

    /// A dataset's transform chain.
    public static func pipeline(_ specs: [TransformSpec]) throws -> TransformPipeline {
        TransformPipeline(try specs.map(make))
    }
}

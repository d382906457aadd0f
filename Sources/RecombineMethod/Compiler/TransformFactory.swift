import RecombineData

/// torchvision transforms from their method-file form.
public enum TransformFactory {
    /// The transform a method-file entry describes (nested `RandomApply` entries included).
    public static func make(_ spec: TransformSpec) throws -> ImageTransform {
        let a = Arguments(object: spec.arguments, pointer: spec.pointer)
        /// A number d as the range (center − d, center + d) (or (d, d)), or a range [low, high].
        func range(_ key: String, symmetric: Bool = true, around center: Double = 0) throws -> (Double, Double) {
            guard let value = a.object[key] else { throw a.missing(key) }
            if let d = value.number { return symmetric ? (center - d, center + d) : (d, d) }
            if let v = value.array, v.count >= 2, let x = v[0].number, let y = v[1].number { return (x, y) }
            throw CompileError(
                spec.pointer.appending(key), "expected a number or a pair of numbers, found \(value.compactText())")
        }
        func optionalRange(_ key: String, symmetric: Bool = true) throws -> (Double, Double)? {
            a.object[key] == nil ? nil : try range(key, symmetric: symmetric)
        }
        func bilinear() throws -> Bool { try a.string("interpolation") == "bilinear" }
        switch spec.type {
        case "ToTensor": return ToTensor()
        case "Normalize": return Normalize(mean: try a.numbers("mean"), std: try a.numbers("std"))
        case "Resize":
            if let n = a.object["size"]?.integer { return Resize(shorterSide: n) }
            return Resize(size: try a.pair("size"))
        case "CenterCrop": return CenterCrop(size: try a.pair("size"))
        case "RandomCrop":
            return RandomCrop(size: try a.pair("size"), padding: try a.pair("padding"), fill: try a.double("fill"))
        case "Pad": return Pad(padding: try a.pair("padding"), fill: try a.double("fill"))
        case "RandomResizedCrop":
            return RandomResizedCrop(size: try a.pair("size"), scale: try range("scale"), ratio: try range("ratio"))
        case "RandomAffine":
            var shear: (Double, Double, Double, Double)? = nil
            if let s = a.object["shear"]?.number {
                shear = (-s, s, 0, 0)
            } else if let v = a.object["shear"]?.array?.compactMap(\.number), v.count >= 2 {
                shear = v.count == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], 0, 0)
            }
            return RandomAffine(
                degrees: try range("degrees"), translate: try optionalRange("translate", symmetric: false),
                scale: try optionalRange("scale", symmetric: false), shear: shear, fill: try a.double("fill"),
                bilinear: try bilinear())
        case "RandomRotation":
            return RandomRotation(degrees: try range("degrees"), fill: try a.double("fill"), bilinear: try bilinear())
        case "RandomPerspective":
            return RandomPerspective(
                distortionScale: try a.double("distortion_scale"), p: try a.double("p"), fill: try a.double("fill"),
                bilinear: try bilinear())
        case "RandomHorizontalFlip": return RandomHorizontalFlip(p: try a.double("p"))
        case "RandomVerticalFlip": return RandomVerticalFlip(p: try a.double("p"))
        case "RandomEqualize": return RandomEqualize(p: try a.double("p"))
        case "ColorJitter":
            func factor(_ key: String) throws -> (Double, Double)? {
                if let d = a.object[key]?.number { return d == 0 ? nil : (Swift.max(0, 1 - d), 1 + d) }
                return try optionalRange(key)
            }
            return ColorJitter(
                brightness: try factor("brightness"), contrast: try factor("contrast"),
                saturation: try factor("saturation"), hue: try optionalRange("hue"))
        case "GaussianBlur":
            let sigma = try a.object["sigma"]?.number.map { ($0, $0) } ?? range("sigma")
            return GaussianBlur(kernel: try a.pair("kernel_size"), sigma: sigma)
        case "RandomErasing":
            return RandomErasing(
                p: try a.double("p"), scale: try range("scale"), ratio: try range("ratio"), value: try a.double("value")
            )
        case "Grayscale": return Grayscale(outputChannels: try a.int("num_output_channels"))
        case "RandomApply":
            let inner = try (a.object["transforms"]?.array ?? []).enumerated().map { i, v in
                let pointer = spec.pointer.appending("transforms").appending(i)
                let arguments = v.object ?? JSONObject()
                return try make(
                    TransformSpec(
                        type: try Arguments(object: arguments, pointer: pointer).string("type"), arguments: arguments,
                        pointer: pointer))
            }
            return RandomApply(inner, p: try a.double("p"))
        case "GaussianNoise": return GaussianNoise(mean: try a.double("mean"), std: try a.double("std"))
        default: throw CompileError(spec.pointer.appending("type"), "unknown transform '\(spec.type)'")
        }
    }

    /// A dataset's transform chain.
    public static func pipeline(_ specs: [TransformSpec]) throws -> TransformPipeline {
        TransformPipeline(try specs.map(make))
    }
}

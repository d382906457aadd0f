import Foundation
import RecombineData
import RecombineMethod

/// Builds the data of a dataset entry: the samples (with the index range applied) and the transform
/// chains of the main batch and of each batch augmentation.
struct DatasetFactory {
    let baseDirectory: String
    /// Directories searched for built-in datasets after `root` (--data-root, RECOMBINE_DATA).
    let searchDirectories: [String]

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// Files read by the last `load`, for provenance.
    final class FileLog { var paths: [String] = [] }
    let files = FileLog()

    func load(_ spec: DatasetSpec, seed: UInt64) throws -> Dataset {
        let o = spec.options
        var data: Dataset
        switch spec.dataset {
        case "MNIST", "FashionMNIST", "USPS":
            let kind = BuiltinImageDataset(rawValue: spec.dataset)!
            let root = o["root"]?.string.map(resolve)
            let train = o["train"]?.bool ?? true
            let located: (images: String, labels: String)
            do { located = try kind.locate(train: train, root: root, searchDirectories: searchDirectories) }
            catch where o["download"]?.bool == true {
                let target = ((root ?? resolve("data")) as NSString).appendingPathComponent("\(kind.rawValue)/raw")
                let paths = try Downloader.fetch(kind, train: train, into: target)
                located = (paths[0], paths[1])
            }
            files.paths += [located.images, located.labels]
            data = try ImageDataset(name: spec.name, imagesFile: located.images, labelsFile: located.labels)
        case "IDX":
            let root = resolve(o["root"]?.string ?? ".")
            let images = (root as NSString).appendingPathComponent(o["images_file"]?.string ?? "")
            let labels = o["labels_file"]?.string.map { (root as NSString).appendingPathComponent($0) }
            files.paths += [images] + (labels.map { [$0] } ?? [])
            data = try ImageDataset(name: spec.name, imagesFile: images, labelsFile: labels)
        case "CSV":
            let path = resolve(o["path"]?.string ?? "")
            let header: Bool? = o["header"]?.bool
            let labelColumn = o["label_column"].flatMap { $0.string ?? $0.integer.map(String.init) }
            data = try FeatureFiles.csv(path: path, delimiter: o["delimiter"]?.string?.first ?? ",", header: header, labelColumn: labelColumn,
                                        labelsPath: o["labels_path"]?.string.map(resolve), name: spec.name)
            files.paths.append(path)
        case "NPY":
            let path = resolve(o["path"]?.string ?? "")
            data = try FeatureFiles.npyDataset(path: path, labelsPath: o["labels_path"]?.string.map(resolve), name: spec.name)
            files.paths.append(path)
        case "GaussianMixture":
            let s = UInt64(o["seed"]?.integer ?? 0)
            if o["preset"]?.string == "three_gaussians" { data = SyntheticDatasets.threeGaussians(seed: s) }
            else {
                let counts = o["num_samples_per_component"]?.array?.compactMap(\.integer) ?? []
                let means = o["means"]?.array?.map { $0.array?.compactMap(\.number) ?? [] } ?? []
                let stds = o["std"]?.array?.compactMap(\.number) ?? Array(repeating: o["std"]?.number ?? 1, count: means.count)
                data = try SyntheticDatasets.gaussianMixture(counts: counts, means: means, stds: stds, seed: s)
            }
        case "Blobs":
            let centers = o["centers"]?.array?.map { $0.array?.compactMap(\.number) ?? [] }
            let box = o["center_box"]?.array?.compactMap(\.number) ?? [-10, 10]
            data = SyntheticDatasets.blobs(samples: o["n_samples"]?.integer ?? 100, features: centers?.first?.count ?? o["n_features"]?.integer ?? 2,
                                           centers: centers, centerCount: o["centers"]?.integer ?? 3, std: o["cluster_std"]?.number ?? 1,
                                           box: (box.first ?? -10, box.last ?? 10), seed: UInt64(o["seed"]?.integer ?? 0))
        default:
            throw TrainingError("dataset type '\(spec.dataset)' of dataset '\(spec.name)' is not available in this build (supported: MNIST, FashionMNIST, USPS, IDX, CSV, NPY, GaussianMixture, Blobs)")
        }
        if spec.firstSampleIndex != nil || spec.lastSampleIndex != nil {
            data = try SubsetDataset(data, first: spec.firstSampleIndex ?? 0, last: spec.lastSampleIndex ?? data.count - 1)
        }
        return data
    }
}

/// torchvision transforms from their method-file form.
enum TransformFactory {
    static func make(_ spec: TransformSpec) throws -> ImageTransform {
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
        case "Normalize": return Normalize(mean: a["mean"]?.array?.compactMap(\.number) ?? [0], std: a["std"]?.array?.compactMap(\.number) ?? [1])
        case "Resize": if let n = a["size"]?.integer { return Resize(shorterSide: n) }; return Resize(size: pair("size") ?? (28, 28))
        case "CenterCrop": return CenterCrop(size: pair("size") ?? (28, 28))
        case "RandomCrop": return RandomCrop(size: pair("size") ?? (28, 28), padding: pair("padding") ?? (0, 0), fill: fill)
        case "Pad": return Pad(padding: pair("padding") ?? (0, 0), fill: fill)
        case "RandomResizedCrop":
            return RandomResizedCrop(size: pair("size") ?? (28, 28), scale: range("scale") ?? (0.08, 1), ratio: range("ratio") ?? (3.0 / 4, 4.0 / 3))
        case "RandomAffine":
            var shear: (Double, Double, Double, Double)? = nil
            if let s = a["shear"]?.number { shear = (-s, s, 0, 0) }
            else if let v = a["shear"]?.array?.compactMap(\.number) { shear = v.count == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], 0, 0) }
            return RandomAffine(degrees: range("degrees") ?? (0, 0), translate: range("translate", symmetric: false), scale: range("scale", symmetric: false),
                                shear: shear, fill: fill, bilinear: bilinear)
        case "RandomRotation": return RandomRotation(degrees: range("degrees") ?? (0, 0), fill: fill, bilinear: bilinear)
        case "RandomPerspective":
            return RandomPerspective(distortionScale: a["distortion_scale"]?.number ?? 0.5, p: a["p"]?.number ?? 0.5, fill: fill, bilinear: a["interpolation"]?.string != "nearest")
        case "RandomHorizontalFlip": return RandomHorizontalFlip(p: a["p"]?.number ?? 0.5)
        case "RandomVerticalFlip": return RandomVerticalFlip(p: a["p"]?.number ?? 0.5)
        case "ColorJitter":
            func factor(_ key: String) -> (Double, Double)? {
                if let d = a[key]?.number { return d == 0 ? nil : (Swift.max(0, 1 - d), 1 + d) }
                return range(key)
            }
            let hue: (Double, Double)? = a["hue"]?.number.map { (-$0, $0) } ?? range("hue")
            return ColorJitter(brightness: factor("brightness"), contrast: factor("contrast"), saturation: factor("saturation"), hue: hue)
        case "GaussianBlur":
            let sigma = a["sigma"]?.number.map { ($0, $0) } ?? range("sigma") ?? (0.1, 2)
            return GaussianBlur(kernel: pair("kernel_size") ?? (3, 3), sigma: sigma)
        case "RandomErasing":
            return RandomErasing(p: a["p"]?.number ?? 0.5, scale: range("scale") ?? (0.02, 0.33), ratio: range("ratio") ?? (0.3, 3.3), value: a["value"]?.number ?? 0)
        case "Grayscale": return Grayscale(outputChannels: a["num_output_channels"]?.integer ?? 1)
        case "RandomApply":
            let inner = try (a["transforms"]?.array ?? []).enumerated().map { i, v in
                try make(TransformSpec(type: v["type"]?.string ?? "", arguments: v.object ?? JSONObject(), pointer: spec.pointer.appending("transforms").appending(i)))
            }
            return RandomApply(inner, p: a["p"]?.number ?? 0.5)
        case "GaussianNoise": return GaussianNoise(mean: a["mean"]?.number ?? 0, std: a["std"]?.number ?? 0.1)
        default: throw TrainingError("\(spec.pointer): unknown transform '\(spec.type)'")
        }
    }

    static func pipeline(_ specs: [TransformSpec]) throws -> TransformPipeline { TransformPipeline(try specs.map(make)) }
}

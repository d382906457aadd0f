import Foundation
import RecombineData
import RecombineMethod

/// Builds the data of a dataset entry: the samples (with the index range applied) and the transform
/// chains of the main batch and of each batch augmentation.
struct DatasetFactory {
    let baseDirectory: String
    /// Where built-in datasets are looked for after `root`, and where downloads go.
    let locations: DataLocations
    /// Hears each download as it starts.
    var log: (String) -> Void = { _ in }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/")
            ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
    }

    /// Files read by the last `load`, for provenance.
    final class FileLog { var paths: [String] = [] }
    let files = FileLog()

    /// `data` with standardised columns when the entry's `standardize` (or its default) says so.
    func standardizedIfAsked(_ data: FeatureDataset, _ options: JSONObject) throws -> FeatureDataset {
        try options["standardize"]?.bool ?? ColumnStandardization.appliedByDefault ? data.standardized() : data
    }

    func load(_ spec: DatasetSpec, seed: UInt64) throws -> Dataset {
        let o = spec.options
        var data: Dataset
        switch spec.dataset {
        case "MNIST", "FashionMNIST", "USPS":
            let kind = BuiltinImageDataset(rawValue: spec.dataset)!
            let root = o["root"]?.string.map(resolve)
            let train = o["train"]?.bool ?? true
            let located = try kind.obtain(
                train: train, root: root, locations: locations,
                download: o["download"]?.bool ?? BuiltinImageDataset.downloadsByDefault, log: log)
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
            let labelColumn = o["label_column"].flatMap { v in
                v.integer.map(CSVColumn.index) ?? v.string.map(CSVColumn.name)
            }
            data = try standardizedIfAsked(
                FeatureFiles.csv(
                    path: path, delimiter: o["delimiter"]?.string?.first ?? ",", header: header,
                    labelColumn: labelColumn,
                    labelsPath: o["labels_path"]?.string.map(resolve), name: spec.name), o)
            files.paths.append(path)
        case "NPY":
            let path = resolve(o["path"]?.string ?? "")
            data = try standardizedIfAsked(
                FeatureFiles.npyDataset(path: path, labelsPath: o["labels_path"]?.string.map(resolve), name: spec.name),
                o)
            files.paths.append(path)
        case "ImageFolder":
            let options = ImageFolderOptions(spec)
            let path = resolve(options.path)
            data = try ImageFolderDataset(
                name: spec.name, path: path, imageSize: options.imageSize.map { ($0[0], $0[1]) },
                channels: options.channels, skipUnreadable: options.skipUnreadable, warn: log)
            files.paths.append(path)
        case "GaussianMixture":
            let s = UInt64(o["seed"]?.integer ?? 0)
            if o["preset"]?.string == "three_gaussians" {
                data = SyntheticDatasets.threeGaussians(seed: s)
            } else {
                let counts = o["num_samples_per_component"]?.array?.compactMap(\.integer) ?? []
                let means = o["means"]?.array?.map { $0.array?.compactMap(\.number) ?? [] } ?? []
                let stds =
                    o["std"]?.array?.compactMap(\.number) ?? Array(repeating: o["std"]?.number ?? 1, count: means.count)
                data = try SyntheticDatasets.gaussianMixture(counts: counts, means: means, stds: stds, seed: s)
            }
        case "Blobs":
            let centers = o["centers"]?.array?.map { $0.array?.compactMap(\.number) ?? [] }
            let box = o["center_box"]?.array?.compactMap(\.number) ?? [-10, 10]
            data = SyntheticDatasets.blobs(
                samples: o["n_samples"]?.integer ?? 100,
                features: centers?.first?.count ?? o["n_features"]?.integer ?? 2,
                centers: centers, centerCount: o["centers"]?.integer ?? 3, std: o["cluster_std"]?.number ?? 1,
                box: (box.first ?? -10, box.last ?? 10), seed: UInt64(o["seed"]?.integer ?? 0))
        default:
            throw TrainingError(
                "dataset type '\(spec.dataset)' of dataset '\(spec.name)' is not available in this build (supported: MNIST, FashionMNIST, USPS, IDX, CSV, NPY, ImageFolder, GaussianMixture, Blobs)"
            )
        }
        if spec.firstSampleIndex != nil || spec.lastSampleIndex != nil {
            data = try SubsetDataset(
                data, first: spec.firstSampleIndex ?? 0, last: spec.lastSampleIndex ?? data.count - 1)
        }
        return data
    }
}

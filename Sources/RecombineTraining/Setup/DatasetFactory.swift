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

    /// Files read by every `load` so far, in order (each call appends its own), for provenance.
    final class FileLog { var paths: [String] = [] }
    let files = FileLog()

    func load(_ spec: DatasetSpec, seed: UInt64) throws -> Dataset {
        guard let kind = spec.kind else {
            throw TrainingError(
                "dataset type '\(spec.dataset)' of dataset '\(spec.name)' is not available in this build (supported: \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        var data: Dataset
        switch kind {
        case .mnist, .fashionMNIST, .usps:
            guard let builtin = BuiltinImageDataset(rawValue: spec.dataset) else {
                throw TrainingError("dataset '\(spec.name)': \(spec.dataset) has no download source")
            }
            let o = try spec.options(DatasetOptions.Builtin.self)
            let obtained = try builtin.obtainDataset(
                splits: o.includeTestSplit ? [true, false] : [o.train], root: o.root.map(resolve),
                locations: locations, download: o.download, name: spec.name, log: log)
            files.paths += obtained.files
            data = obtained.data
        case .idx:
            let o = try spec.options(DatasetOptions.IDX.self)
            let root = resolve(o.root)
            let images = (root as NSString).appendingPathComponent(o.imagesFile)
            let labels = o.labelsFile.map { (root as NSString).appendingPathComponent($0) }
            files.paths += [images] + (labels.map { [$0] } ?? [])
            data = try ImageDataset(name: spec.name, imagesFile: images, labelsFile: labels)
        case .csv:
            let o = try spec.options(DatasetOptions.CSV.self)
            let path = resolve(o.path), labelsPath = o.labelsPath.map(resolve)
            let labelColumn = o.labelColumn.map { column -> CSVColumn in
                switch column {
                case .index(let i): .index(i)
                case .name(let n): .name(n)
                }
            }
            guard let delimiter = o.delimiter.first, o.delimiter.count == 1 else {
                throw TrainingError("\(spec.pointer)/delimiter: expected one character, found \"\(o.delimiter)\"")
            }
            let features = try FeatureFiles.csv(
                path: path, delimiter: delimiter, header: o.header.given, labelColumn: labelColumn,
                labelsPath: labelsPath, name: spec.name)
            data = o.standardize ? try features.standardized() : features
            files.paths += [path, labelsPath].compactMap { $0 }
        case .npy:
            let o = try spec.options(DatasetOptions.NPY.self)
            let path = resolve(o.path), labelsPath = o.labelsPath.map(resolve)
            let features = try FeatureFiles.npyDataset(path: path, labelsPath: labelsPath, name: spec.name)
            data = o.standardize ? try features.standardized() : features
            files.paths += [path, labelsPath].compactMap { $0 }
        case .imageFolder:
            let options = try ImageFolderOptions.of(spec)
            let path = resolve(options.path)
            data = try ImageFolderDataset(
                name: spec.name, path: path, imageSize: options.imageSize.map { ($0[0], $0[1]) },
                channels: options.channels, skipUnreadable: options.skipUnreadable, warn: log)
            files.paths.append(path)
        case .gaussianMixture:
            let o = try spec.options(DatasetOptions.GaussianMixture.self)
            if o.preset == "three_gaussians" {
                data = SyntheticDatasets.threeGaussians(seed: o.seed)
            } else {
                let means = o.means ?? []
                data = try SyntheticDatasets.gaussianMixture(
                    counts: o.numSamplesPerComponent ?? [], means: means, stds: o.std.values(count: means.count),
                    seed: o.seed)
            }
        case .blobs:
            let o = try spec.options(DatasetOptions.Blobs.self)
            guard o.centerBox.count == 2 else {
                throw TrainingError(
                    "\(spec.pointer)/center_box: expected [low, high], found \(o.centerBox.count) numbers")
            }
            let given: [[Double]]?, count: Int
            switch o.centers {
            case .count(let n): (given, count) = (nil, n)
            case .given(let c): (given, count) = (c, c.count)
            }
            data = SyntheticDatasets.blobs(
                samples: o.nSamples, features: given?.first?.count ?? o.nFeatures, centers: given, centerCount: count,
                std: o.clusterStd, box: (o.centerBox[0], o.centerBox[1]), seed: o.seed)
        }
        if spec.firstSampleIndex != nil || spec.lastSampleIndex != nil {
            data = try SubsetDataset(
                data, first: spec.firstSampleIndex ?? 0, last: spec.lastSampleIndex ?? data.count - 1)
        }
        return data
    }
}

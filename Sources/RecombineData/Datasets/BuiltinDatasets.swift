import Foundation

/// The image datasets recombine knows by name, their files and where they are looked for.
public enum BuiltinImageDataset: String, CaseIterable, Sendable {
    case mnist = "MNIST"
    case fashionMNIST = "FashionMNIST"
    case usps = "USPS"

    /// Folder name in a --data-root or `RECOMBINE_DATA` directory and in the cache.
    public var dataFolder: String {
        switch self {
        case .mnist: return "mnist";
        case .fashionMNIST: return "fashion-mnist";
        case .usps: return "usps"
        }
    }

    /// Whether a split found nowhere is downloaded when the method file does not say (the default of
    /// `download`, Schema/common.json's builtin_dataset_download, which a test keeps equal to this).
    public static let downloadsByDefault = true

    /// IDX file names (without .gz) of a split.
    public func fileNames(train: Bool) -> (images: String, labels: String) {
        train
            ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
            : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    }

    /// The directories searched, in order: `root` flat and in torchvision's `<root>/<Name>/raw/`
    /// layout, then `<dir>/<folder>/` and `<dir>/` for each search directory (--data-root,
    /// RECOMBINE_DATA), then the cache folder `<cache>/<folder>/`.
    public func candidateDirectories(root: String?, locations: DataLocations) -> [String] {
        var dirs: [String] = []
        if let root { dirs += [root, (root as NSString).appendingPathComponent("\(rawValue)/raw")] }
        for d in locations.searchDirectories { dirs += [(d as NSString).appendingPathComponent(dataFolder), d] }
        return dirs + [locations.cacheDirectory(for: self)]
    }

    /// Finds the image and label files of a split, gzip-compressed or not; the error lists every
    /// place looked and how to get the files.
    public func locate(train: Bool, root: String?, locations: DataLocations) throws -> (images: String, labels: String)
    {
        try obtain(train: train, root: root, locations: locations, download: false)
    }

    /// Finds the files of a split like `locate`, and when they are nowhere and `download` is set,
    /// downloads them into the cache (`mirrors` nil: `Downloader.mirrors`). The error lists every
    /// place looked, why the download failed and how to get the files.
    public func obtain(
        train: Bool, root: String?, locations: DataLocations, download: Bool, mirrors: [String]? = nil,
        log: (String) -> Void = { _ in }
    ) throws -> (images: String, labels: String) {
        let (images, labels) = fileNames(train: train)
        var looked: [String] = []
        let fm = FileManager.default
        for dir in candidateDirectories(root: root, locations: locations) {
            for suffix in ["", ".gz"] {
                let i = (dir as NSString).appendingPathComponent(images + suffix),
                    l = (dir as NSString).appendingPathComponent(labels + suffix)
                looked.append(i)
                if fm.fileExists(atPath: i) && fm.fileExists(atPath: l) { return (i, l) }
            }
        }
        let missing =
            "\(rawValue) (\(train ? "train" : "test") split) not found. Looked for \(images)[.gz] with \(labels)[.gz] in:\n  "
            + looked.joined(separator: "\n  ")
        guard download else { throw DataError(missing + "\n" + advice(locations, downloadTried: false)) }
        let target = locations.cacheDirectory(for: self)
        do { return try Downloader.fetch(self, train: train, into: target, mirrors: mirrors, log: log) } catch {
            throw DataError(
                missing + "\nDownloading into \(target) failed: \(error)\n" + advice(locations, downloadTried: true))
        }
    }

    /// How to get the files, for the message of a failed lookup.
    func advice(_ locations: DataLocations, downloadTried: Bool) -> String {
        let copy =
            "point --data-root or RECOMBINE_DATA at a directory holding \(dataFolder)/ with these files, or put them into \(locations.cacheDirectory(for: self))/"
        switch self {
        case .usps:
            return "No public mirror serves USPS as IDX files. Convert LIBSVM's usps.bz2 and usps.t.bz2 "
                + "(https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#usps) or Kaggle's usps.h5 (bistaumanga/usps-dataset) "
                + "with `Scripts/usps-to-idx FILE... --output \(locations.cacheDirectory(for: self))` (README, \"Datasets\"), "
                + "or \(copy); RECOMBINE_MIRROR may name a mirror of the IDX files."
        case .mnist, .fashionMNIST:
            return
                (downloadTried
                ? "Check the network or set RECOMBINE_MIRROR to the base URL of another mirror, or "
                : "Set \"download\": true to download them into the cache (RECOMBINE_MIRROR names another mirror), or ")
                + copy + "."
        }
    }

    /// The given splits (true: train) one after another as one dataset (`include_test_split`, `MNIST:all`),
    /// their files found or downloaded as by `obtain`; also the files read, in order.
    public func obtainDataset(
        splits: [Bool], root: String?, locations: DataLocations, download: Bool, name: String? = nil,
        log: (String) -> Void = { _ in }
    ) throws -> (data: ImageDataset, files: [String]) {
        var parts: [ImageDataset] = [], files: [String] = []
        for train in splits {
            let located = try obtain(train: train, root: root, locations: locations, download: download, log: log)
            files += [located.images, located.labels]
            parts.append(
                try ImageDataset(name: name ?? rawValue, imagesFile: located.images, labelsFile: located.labels))
        }
        return (try ImageDataset(name: name ?? rawValue, concatenating: parts), files)
    }

    /// Loads a split.
    public func load(train: Bool, root: String?, locations: DataLocations, name: String? = nil) throws -> ImageDataset {
        let files = try locate(train: train, root: root, locations: locations)
        return try ImageDataset(name: name ?? rawValue, imagesFile: files.images, labelsFile: files.labels)
    }
}

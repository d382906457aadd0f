import Foundation

/// The image datasets recombine knows by name, their files and where they are looked for.
public enum BuiltinImageDataset: String, CaseIterable, Sendable {
    case mnist = "MNIST"
    case fashionMNIST = "FashionMNIST"
    case usps = "USPS"

    /// Folder name in a `RECOMBINE_DATA` directory (laid out like ../shared/datasets).
    public var dataFolder: String {
        switch self { case .mnist: return "mnist"; case .fashionMNIST: return "fashion-mnist"; case .usps: return "usps" }
    }

    /// IDX file names (without .gz) of a split.
    public func fileNames(train: Bool) -> (images: String, labels: String) {
        train ? ("train-images-idx3-ubyte", "train-labels-idx1-ubyte") : ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    }

    /// The directories searched, in order: `root` flat, torchvision's `<root>/<Name>/raw/`, then
    /// `<dir>/<folder>/` and `<dir>/` for each search directory (RECOMBINE_DATA, --data-root).
    public func candidateDirectories(root: String?, searchDirectories: [String]) -> [String] {
        var dirs: [String] = []
        if let root { dirs += [root, (root as NSString).appendingPathComponent("\(rawValue)/raw")] }
        for d in searchDirectories { dirs += [(d as NSString).appendingPathComponent(dataFolder), d] }
        return dirs
    }

    /// Finds the image and label files of a split, gzip-compressed or not; the error lists every
    /// place looked.
    public func locate(train: Bool, root: String?, searchDirectories: [String]) throws -> (images: String, labels: String) {
        let (images, labels) = fileNames(train: train)
        var looked: [String] = []
        let fm = FileManager.default
        for dir in candidateDirectories(root: root, searchDirectories: searchDirectories) {
            for suffix in ["", ".gz"] {
                let i = (dir as NSString).appendingPathComponent(images + suffix), l = (dir as NSString).appendingPathComponent(labels + suffix)
                looked.append(i)
                if fm.fileExists(atPath: i) && fm.fileExists(atPath: l) { return (i, l) }
            }
        }
        throw DataError("\(rawValue) (\(train ? "train" : "test") split) not found. Looked for \(images)[.gz] with \(labels)[.gz] in:\n  " + looked.joined(separator: "\n  ")
                        + "\nSet \"download\": true, pass --data-root DIR, or set RECOMBINE_DATA to a directory with \(dataFolder)/.")
    }

    /// Loads a split.
    public func load(train: Bool, root: String?, searchDirectories: [String], name: String? = nil) throws -> ImageDataset {
        let files = try locate(train: train, root: root, searchDirectories: searchDirectories)
        return try ImageDataset(name: name ?? rawValue, imagesFile: files.images, labelsFile: files.labels)
    }
}

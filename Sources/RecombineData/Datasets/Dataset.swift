/// A finite collection of samples (images or feature vectors) with optional integer labels.
public protocol Dataset: AnyObject {
    /// Name used in messages.
    var name: String { get }
    var count: Int { get }
    /// Shape of one sample as a float tensor: [C, H, W] for images (scaled to [0, 1], torchvision's
    /// ToTensor), [D] for feature vectors.
    var sampleShape: [Int] { get }
    /// Ground-truth labels, nil for unlabelled data (evaluation is then skipped).
    var labels: [Int]? { get }
    /// What each label number stands for (`labelNames[k]` for label k) when the file held text labels.
    var labelNames: [String]? { get }
    /// Writes sample `index` as floats into `destination` (`sampleShape` elements).
    func writeSample(_ index: Int, to destination: UnsafeMutablePointer<Float>)
}

extension Dataset {
    public var labelNames: [String]? { nil }
    /// Elements per sample.
    public var sampleSize: Int { sampleShape.reduce(1, *) }
    /// Whether samples are images [C, H, W] (so image transforms apply).
    public var isImageData: Bool { sampleShape.count == 3 }

    /// Samples `indices` stacked into a float32 tensor [B, sampleShape…].
    public func batch(_ indices: [Int]) -> Tensor {
        let out = Tensor(uninitialized: [indices.count] + sampleShape, dtype: .float32)
        let p = out.floats, size = sampleSize
        parallelRanges(indices.count, grain: Swift.max(1, 8192 / Swift.max(size, 1))) { r in
            for i in r { writeSample(indices[i], to: p + i * size) }
        }
        return out
    }
}

/// Images stored as bytes [N, C, H, W] (0–255), served as floats in [0, 1].
public final class ImageDataset: Dataset, @unchecked Sendable {
    public let name: String
    public let pixels: [UInt8]
    public let sampleShape: [Int]
    public let labels: [Int]?
    public var count: Int { pixels.count / Swift.max(sampleSize, 1) }

    public init(name: String, pixels: [UInt8], sampleShape: [Int], labels: [Int]?) {
        precondition(
            labels == nil || labels!.count * sampleShape.reduce(1, *) == pixels.count, "labels do not match the images")
        self.name = name; self.pixels = pixels; self.sampleShape = sampleShape; self.labels = labels
    }

    /// Images [N, H, W] (and labels [N]) from IDX files.
    public convenience init(name: String, imagesFile: String, labelsFile: String?) throws {
        let images = try IDXArray.read(imagesFile)
        let shape: [Int]
        switch images.dimensions.count {
        case 3: shape = [1, images.dimensions[1], images.dimensions[2]]
        case 4: shape = Array(images.dimensions.dropFirst())
        case 2: shape = [1, 1, images.dimensions[1]]
        default:
            throw DataError(
                "\(imagesFile): expected images [N, H, W] in the IDX file, found dimensions \(images.dimensions)")
        }
        var labels: [Int]? = nil
        if let labelsFile {
            let l = try IDXArray.read(labelsFile)
            guard l.dimensions.count == 1 else {
                throw DataError("\(labelsFile): expected a 1-D label array, found dimensions \(l.dimensions)")
            }
            guard l.dimensions[0] == images.dimensions[0] else {
                throw DataError(
                    "\(labelsFile): \(l.dimensions[0]) labels for \(images.dimensions[0]) images in \(imagesFile)")
            }
            labels = l.bytes.map(Int.init)
        }
        self.init(name: name, pixels: images.bytes, sampleShape: shape, labels: labels)
    }

    public func writeSample(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        let size = sampleSize
        pixels.withUnsafeBufferPointer { p in
            let src = p.baseAddress! + index * size
            for i in 0..<size { destination[i] = Float(src[i]) * (1 / 255) }
        }
    }
}

/// Feature vectors [N, D] in float32.
public final class FeatureDataset: Dataset, @unchecked Sendable {
    public let name: String
    public let features: [Float]
    public let dimension: Int
    public let labels: [Int]?
    public let labelNames: [String]?
    /// The column statistics the features were standardised with, nil when they were not.
    public let standardization: ColumnStandardization?
    public var count: Int { features.count / Swift.max(dimension, 1) }
    public var sampleShape: [Int] { [dimension] }

    public init(
        name: String, features: [Float], dimension: Int, labels: [Int]?, labelNames: [String]? = nil,
        standardization: ColumnStandardization? = nil
    ) {
        precondition(dimension > 0 && features.count % dimension == 0, "features do not fill rows of \(dimension)")
        precondition(labels == nil || labels!.count == features.count / dimension, "labels do not match the samples")
        self.name = name; self.features = features; self.dimension = dimension; self.labels = labels;
        self.labelNames = labelNames
        self.standardization = standardization
    }

    public func writeSample(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        features.withUnsafeBufferPointer { p in
            destination.update(from: p.baseAddress! + index * dimension, count: dimension)
        }
    }
}

/// Samples `first…last` (inclusive) of another dataset.
public final class SubsetDataset: Dataset {
    public let base: Dataset
    public let offset: Int
    public let count: Int
    public init(_ base: Dataset, first: Int, last: Int) throws {
        guard first >= 0, last >= first, last < base.count else {
            throw DataError("\(base.name): sample range \(first)…\(last) is outside 0…\(base.count - 1)")
        }
        self.base = base; offset = first; count = last - first + 1
    }
    public var name: String { base.name }
    public var sampleShape: [Int] { base.sampleShape }
    public var labels: [Int]? { base.labels.map { Array($0[offset..<(offset + count)]) } }
    public var labelNames: [String]? { base.labelNames }
    public func writeSample(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        base.writeSample(offset + index, to: destination)
    }
}

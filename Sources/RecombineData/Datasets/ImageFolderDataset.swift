import Foundation

/// The PNG and JPEG images of a folder (`ImageFolderListing`'s layout and order) as an image dataset:
/// every image decoded, converted to `channels` (gray ↔ RGB) and resized bilinearly to `imageSize`
/// (both default to the first readable image's), kept as bytes and served as floats in [0, 1].
/// A file that cannot be read is an error naming it, or — with `skipUnreadable` — left out with a warning.
public final class ImageFolderDataset: Dataset, @unchecked Sendable {
    public let name: String
    public let root: String
    /// The sample files, relative to `root`, in sample order.
    public let files: [String]
    /// Class folder names (`labelNames[k]` for label k); nil for a flat folder.
    public let labelNames: [String]?
    /// One message per file left out (with `skipUnreadable`).
    public let skipped: [String]
    let images: ImageDataset

    public var count: Int { images.count }
    public var sampleShape: [Int] { images.sampleShape }
    public var labels: [Int]? { images.labels }

    public init(
        name: String, path: String, imageSize: (height: Int, width: Int)? = nil, channels: Int? = nil,
        skipUnreadable: Bool = false, warn: (String) -> Void = { _ in }
    ) throws {
        if let channels, channels != 1, channels != 3 {
            throw DataError("\(path): channels must be 1 or 3, found \(channels)")
        }
        if let imageSize, imageSize.height < 1 || imageSize.width < 1 {
            throw DataError(
                "\(path): image_size must be two positive numbers [H, W], found [\(imageSize.height), \(imageSize.width)]"
            )
        }
        let listing = try ImageFolderListing(root: path)
        var pixels: [UInt8] = [], labels: [Int] = [], files: [String] = [], skipped: [String] = []
        var shape: [Int]? = nil
        for (i, file) in listing.files.enumerated() {
            let full = (path as NSString).appendingPathComponent(file)
            do {
                let ext = (file as NSString).pathExtension.lowercased()
                guard ImageFile.readableExtensions.contains(ext) else {
                    throw DataError("\(full): .\(ext) images are not supported (ImageFolder reads PNG and JPEG)")
                }
                let image = try ImageFile.decode(full)
                let target =
                    shape ?? [
                        channels ?? image.channels, imageSize?.height ?? image.height, imageSize?.width ?? image.width,
                    ]
                shape = target
                pixels += Self.fitted(image, to: target)
            } catch let error as DataError {
                guard skipUnreadable else { throw error }
                skipped.append(error.message)
                warn("Warning: skipped \(error.message)")
                continue
            }
            files.append(file)
            if let l = listing.labels { labels.append(l[i]) }
        }
        guard let shape else {
            throw DataError("\(path): none of its \(listing.files.count) image files could be read")
        }
        self.name = name; self.root = path; self.files = files; self.skipped = skipped
        labelNames = listing.classNames
        images = ImageDataset(
            name: name, pixels: pixels, sampleShape: shape, labels: listing.labels == nil ? nil : labels)
    }

    /// `image` as planar bytes of `shape` [C, H, W]: channels converted, then resized bilinearly (the
    /// `Resize` transform's arithmetic) and rounded back to bytes.
    static func fitted(_ image: DecodedImage, to shape: [Int]) -> [UInt8] {
        let planar = image.planar(channels: shape[0])
        if image.height == shape[1] && image.width == shape[2] { return planar }
        let floats = FloatImage(
            channels: shape[0], height: image.height, width: image.width, pixels: planar.map { Float($0) })
        return floats.resized(height: shape[1], width: shape[2]).pixels.map { UInt8(clamping: Int($0.rounded())) }
    }

    public func writeSample(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        images.writeSample(index, to: destination)
    }
}

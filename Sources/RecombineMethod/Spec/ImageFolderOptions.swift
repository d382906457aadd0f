/// The options of an `ImageFolder` dataset entry (Schema/dataset.json), with the schema's defaults.
public struct ImageFolderOptions: Sendable, Decodable {
    /// The folder, as written (relative to the method file's folder).
    public let path: String
    /// [height, width] every image is resized to; nil: the first image's size.
    public let imageSize: [Int]?
    /// 1 or 3; nil: the first image's channels.
    public let channels: Int?
    public let skipUnreadable: Bool

    /// The ImageFolder options of the entry `d` (read from the method with its schema defaults filled in).
    public static func of(_ d: DatasetSpec) throws -> ImageFolderOptions {
        try d.options(ImageFolderOptions.self)
    }

    /// The sample shape [C, H, W] when the method file states both size and channels.
    public var statedShape: [Int]? {
        guard let imageSize, let channels else { return nil }
        return [channels] + imageSize
    }
}

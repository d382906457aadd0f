import Foundation

/// The image files of a folder in torchvision's ImageFolder layout: one subfolder per class (labels
/// numbered by the sorted folder names; files found at any depth inside a class folder), or a flat
/// folder of unlabelled images. Names sort by their Unicode code points (Python's `sorted`), so the order
/// is the same on every machine. Hidden entries (starting with ".") and files whose extension names no
/// image format are ignored; files of image formats other than PNG and JPEG are listed, for the reader
/// to refuse or skip.
public struct ImageFolderListing: Sendable {
    public let root: String
    /// Paths relative to `root`, in sample order.
    public let files: [String]
    /// The class index of each file; nil for a flat folder.
    public let labels: [Int]?
    /// Class folder names; `classNames[k]` is label k.
    public let classNames: [String]?

    public init(root: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw DataError(
                "\(root): no such folder (ImageFolder expects a folder of images, or of class folders of images)")
        }
        guard isDirectory.boolValue else {
            throw DataError(
                "\(root): not a folder (ImageFolder expects a folder of images, or of class folders of images)")
        }
        let entries = try Self.visibleEntries(root)
        let folders = entries.filter { Self.isDirectory((root as NSString).appendingPathComponent($0)) }
        let images = entries.filter { !folders.contains($0) && Self.isImageName($0) }
        self.root = root
        if folders.isEmpty {
            guard !images.isEmpty else { throw DataError("\(root): holds no PNG or JPEG images") }
            files = images; labels = nil; classNames = nil
            return
        }
        guard images.isEmpty else {
            throw DataError(
                "\(root): holds both class folders (\(folders.prefix(3).joined(separator: ", "))) and image files (\(images.prefix(3).joined(separator: ", "))); put every image into a class folder, or use a folder of images only"
            )
        }
        var files: [String] = [], labels: [Int] = []
        var visited: Set<String> = []
        for (label, folder) in folders.enumerated() {
            let classFiles = try Self.imagesBelow(root, folder, visited: &visited)
            guard !classFiles.isEmpty else {
                throw DataError(
                    "\((root as NSString).appendingPathComponent(folder)): class folder '\(folder)' holds no PNG or JPEG images"
                )
            }
            files += classFiles
            labels += Array(repeating: label, count: classFiles.count)
        }
        self.files = files; self.labels = labels; classNames = folders
    }

    /// SHA-256 over every listed file's relative path and SHA-256, one line each: the folder's content
    /// as one digest for a run's provenance.
    public func sha256() throws -> String {
        var h = SHA256()
        for file in files {
            h.update(Data("\(file)\t\(try SHA256.hex(ofFile: (root as NSString).appendingPathComponent(file)))\n".utf8))
        }
        return h.finalize()
    }

    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    public static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func isImageName(_ name: String) -> Bool {
        let ext = (name as NSString).pathExtension.lowercased()
        return ImageFile.readableExtensions.contains(ext) || ImageFile.unsupportedExtensions.contains(ext)
    }

    static func visibleEntries(_ folder: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted(
                by: precedes)
        } catch {
            throw DataError("\(folder): cannot list the folder (\(error.localizedDescription))")
        }
    }

    /// Image files at any depth below `root/folder`, as paths relative to `root`, sorted. Links to folders
    /// are followed; one that leads to a folder already read (a loop) is an error.
    static func imagesBelow(_ root: String, _ folder: String, visited: inout Set<String>) throws -> [String] {
        let path = (root as NSString).appendingPathComponent(folder)
        guard visited.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().path).inserted else {
            throw DataError("\(path): leads to a folder already read (a loop of folder links)")
        }
        var found: [String] = []
        for entry in try visibleEntries(path) {
            let relative = (folder as NSString).appendingPathComponent(entry)
            if isDirectory((root as NSString).appendingPathComponent(relative)) {
                found += try imagesBelow(root, relative, visited: &visited)
            } else if isImageName(entry) {
                found.append(relative)
            }
        }
        return found
    }
}

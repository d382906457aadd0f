import Foundation

/// A fresh folder under the system's temporary directory; removed by `remove()` (call it in `defer`).
public struct TemporaryDirectory {
    public let url: URL
    public var path: String { url.path }

    public init(_ prefix: String = "recombine-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }
    public func remove() { try? FileManager.default.removeItem(at: url) }
}

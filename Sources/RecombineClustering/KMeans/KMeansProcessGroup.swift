/// Processes that fit one k-means together (`KMeans.processes`): restart r runs on process r mod `size`,
/// the best restart is chosen alike on every process and its result sent to all, so every process ends
/// with what one process would have computed alone. Every process must call `fit` with the same data
/// and settings. Data-parallel training's process group is one; this module knows nothing of how the
/// processes exchange data.
public protocol KMeansProcessGroup: AnyObject, Sendable {
    /// This process's position, 0 ..< size.
    var rank: Int { get }
    var size: Int { get }
    /// In place: the element-wise sum over every process.
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// In place: process `root`'s bytes on every process.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
}

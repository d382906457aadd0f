import RecombineClustering

/// The processes that train one run together, PyTorch DDP's process group: each holds the whole model,
/// works on its share of every batch, and the collectives below keep them in step. Every process must
/// call the same collectives in the same order. Training uses `SingleProcessGroup` unless the command
/// was started by an MPI launcher and built with the `MPI` trait (`RecombineDistributed`). k-means shares
/// its restarts over the same processes (`KMeansProcessGroup`).
public protocol DataParallelGroup: KMeansProcessGroup {
    /// This process's position, 0 ..< size; rank 0 alone writes the run directory.
    var rank: Int { get }
    var size: Int { get }
    /// The message-passing library, for provenance (nil for a single process).
    var libraryVersion: String? { get }
    /// In place: the element-wise sum over every process.
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// In place: the element-wise maximum over every process.
    func allreduceMax(_ values: UnsafeMutableBufferPointer<Double>)
    /// In place: process `root`'s bytes on every process.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
    /// Every process's `local` bytes concatenated in rank order into `output`; `counts[r]` is process r's
    /// byte count and `output` holds their sum.
    func allgather(_ local: UnsafeRawBufferPointer, counts: [Int], into output: UnsafeMutableRawBufferPointer)
}

extension DataParallelGroup {
    /// Whether this process writes the run directory, logs and reports.
    public var isPrimary: Bool { rank == 0 }
}

/// One process training alone: every collective is the identity.
public final class SingleProcessGroup: DataParallelGroup {
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var libraryVersion: String? { nil }
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {}
    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func allreduceMax(_ values: UnsafeMutableBufferPointer<Double>) {}
    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
    public func allgather(_ local: UnsafeRawBufferPointer, counts: [Int], into output: UnsafeMutableRawBufferPointer) {
        output.copyMemory(from: local)
    }
}

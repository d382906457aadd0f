/// A batch's rows spread over the processes of a data-parallel group, PyTorch's DistributedSampler for
/// one batch: contiguous blocks in rank order whose sizes differ by at most one row (the first rows of
/// a global batch of 256 go to rank 0, the next to rank 1, …).
public struct RowPartition: Equatable, Sendable {
    public let rows: Int
    public let parts: Int

    public init(rows: Int, parts: Int) {
        self.rows = max(0, rows); self.parts = max(1, parts)
    }

    /// The rows of process `part`.
    public func range(of part: Int) -> Range<Int> { start(part)..<start(part + 1) }

    /// Rows per process, in rank order (they add up to `rows`).
    public var counts: [Int] { (0..<parts).map { range(of: $0).count } }

    /// Whether every process gets at least one row.
    public var coversEveryPart: Bool { rows >= parts }

    private func start(_ part: Int) -> Int { part * rows / parts }
}

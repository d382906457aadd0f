/// This process's share of a batch whose rows are spread over several processes (data-parallel
/// training): how many rows the whole batch has, which of them this process holds, and the sum over
/// the processes of a buffer. Batch normalisation given a share normalises with the whole batch's
/// statistics and sums its backward's batch reductions over the processes (SyncBN); dropout draws its
/// mask for the whole batch from its stream and keeps this process's rows. Either then computes on its
/// rows what one process computing the whole batch would.
public struct BatchRowShare: @unchecked Sendable {
    /// Rows of the whole batch.
    public let rows: Int
    /// The rows this process holds (its input's rows are these rows of the whole batch).
    public let own: Range<Int>
    /// In place: the element-wise sum over every process (every process must call it alike).
    public let sumOverProcesses: (UnsafeMutableBufferPointer<Double>) -> Void

    public init(rows: Int, own: Range<Int>, sumOverProcesses: @escaping (UnsafeMutableBufferPointer<Double>) -> Void) {
        self.rows = rows; self.own = own; self.sumOverProcesses = sumOverProcesses
    }

    /// The share the layers being computed take their rows from: set by data-parallel training
    /// around a mapping computed on this process's rows, nil otherwise.
    public nonisolated(unsafe) static var current: BatchRowShare?

    /// `values` summed over the processes.
    func summed(_ values: [Double]) -> [Double] {
        var total = values
        total.withUnsafeMutableBufferPointer { sumOverProcesses($0) }
        return total
    }

    /// Whether a tensor with `batchRows` rows is this process's share (else the share does not apply).
    func holds(batchRows: Int) -> Bool { own.count == batchRows && own.upperBound <= rows }
}

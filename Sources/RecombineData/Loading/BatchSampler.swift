/// The order in which a training loop visits samples: batches of `batchSize` with the
/// incomplete last batch dropped, a fresh permutation every epoch when shuffling. The main batch and
/// all augmented views of an iteration use the same indices.
public struct BatchSampler: Sendable {
    public let count: Int
    public let batchSize: Int
    public let shuffle: Bool
    public private(set) var generator: RandomGenerator
    /// Epochs started so far.
    public private(set) var epoch = 0

    public init(count: Int, batchSize: Int, shuffle: Bool, seed: UInt64) {
        precondition(batchSize > 0, "batch size must be positive")
        self.count = count; self.batchSize = batchSize; self.shuffle = shuffle
        generator = RandomGenerator(seed: seed)
    }

    /// Full batches per epoch.
    public var batchesPerEpoch: Int { count / batchSize }

    /// The index batches of the next epoch.
    public mutating func nextEpoch() -> [[Int]] {
        epoch += 1
        let order = shuffle ? generator.permutation(count) : Array(0..<count)
        return (0..<batchesPerEpoch).map { Array(order[($0 * batchSize)..<(($0 + 1) * batchSize)]) }
    }

    /// Consecutive chunks over every sample, unshuffled (evaluation).
    public static func evaluationChunks(count: Int, chunkSize: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: Swift.max(chunkSize, 1)).map { $0..<Swift.min($0 + chunkSize, count) }
    }

    /// State for checkpoints: epoch and generator.
    public var checkpointState: (epoch: Int, generator: [UInt64]) { (epoch, generator.state) }

    public mutating func restore(epoch: Int, generator state: [UInt64]) {
        self.epoch = epoch
        generator = RandomGenerator(state: state)
    }
}

import RecombineMethod
import RecombineTensor

/// What a design pattern is built with: the phase's mappings and strategy, whole-dataset passes, the
/// run's log, the schedule scale and the random streams.
final class PatternContext {
    let mappings: MappingSet
    let strategy: ClusterAssignment
    let sweep: DatasetSweep
    let log: RunLog
    /// Scales an iteration budget by `--iterations-scale`.
    let scaled: (Int) -> Int
    /// The phase's generator; patterns that draw random numbers split their own stream from it, in
    /// the order the phase lists them.
    private(set) var generator: RandomGenerator
    let datasetSeed: UInt64

    init(
        mappings: MappingSet, strategy: ClusterAssignment, sweep: DatasetSweep, log: RunLog,
        scaled: @escaping (Int) -> Int,
        generator: RandomGenerator, datasetSeed: UInt64
    ) {
        self.mappings = mappings; self.strategy = strategy; self.sweep = sweep; self.log = log; self.scaled = scaled
        self.generator = generator; self.datasetSeed = datasetSeed
    }

    /// A random stream of the pattern's own, split from the phase's generator.
    func splitGenerator() -> RandomGenerator { generator.split() }

    /// A seed for a pattern's own random choices that does not draw from the run's streams (FNV-1a of
    /// its pointer mixed with the dataset seed), so adding such a pattern leaves other streams alone.
    func seed(for pointer: JSONPointer) -> UInt64 { Self.seed(for: pointer.description, datasetSeed: datasetSeed) }

    /// FNV-1a of `text` mixed with the dataset seed.
    static func seed(for text: String, datasetSeed: UInt64) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ datasetSeed
    }

    /// The mapping named by option `option` of the pattern at `pointer`.
    func mapping(_ name: String, option: String, of pointer: JSONPointer) throws -> Mapping {
        guard let mapping = mappings[name] else {
            throw TrainingError(
                "\(pointer)/\(option): no mapping named '\(name)' (mappings: \(mappings.mappings.map(\.name).joined(separator: ", ")))"
            )
        }
        return mapping
    }
}

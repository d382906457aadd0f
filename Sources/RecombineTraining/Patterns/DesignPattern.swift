import RecombineMethod
import RecombineTensor

/// One weighted loss of a pattern, routed to an optimizer group.
struct PatternLoss {
    let name: String
    let group: String
    let value: Tensor
}

/// What a pattern sees in one training iteration.
struct StepInput {
    /// The main batch (default transforms).
    let batch: Tensor
    /// Augmented views of the same samples, by batch-augmentation name.
    let views: [String: Tensor]
    /// Dataset indices of the batch's samples.
    let indices: [Int]
    let phaseIteration: Int
    let epoch: Int
}

/// A design pattern instance in a phase: built from its spec (options already carrying the schema's
/// defaults) and the phase's context, it names the inputs it needs and computes its losses.
/// A new pattern is one type conforming to this, listed in `PatternCatalogue`.
protocol DesignPattern: AnyObject {
    /// The ontology id this type implements.
    static var kind: PatternKind { get }
    init(spec: PatternSpec, context: PatternContext) throws
    var spec: PatternSpec { get }
    /// Batch augmentations this pattern reads.
    var augmentationNames: [String] { get }
    func losses(_ input: StepInput) throws -> [PatternLoss]
    /// Layer outputs this pattern reads through `Mapping.forward(_:capturing:)`, by mapping: every
    /// pass of the step keeps them, so the patterns of a step share one pass of each mapping.
    var capturedLayers: [(mapping: Mapping, layers: Set<String>)] { get }
    /// Writes whatever the pattern carries between steps (targets, random streams) under `prefix`.
    func save(into archive: CheckpointArchive, prefix: String)
    /// Restores what `save(into:prefix:)` wrote.
    func restore(from archive: CheckpointArchive, prefix: String) throws
}

extension DesignPattern {
    /// Patterns that read only mapping outputs capture nothing.
    var capturedLayers: [(mapping: Mapping, layers: Set<String>)] { [] }
    /// Stateless patterns save nothing.
    func save(into archive: CheckpointArchive, prefix: String) {}
    func restore(from archive: CheckpointArchive, prefix: String) throws {}
}

/// A pattern with one loss weight and optimizer group, reading the plain batch or one augmentation.
protocol RoutedPattern: DesignPattern {
    var routing: LossRouting { get }
}

extension RoutedPattern {
    var weight: Double { routing.lossWeight }
    var group: String { routing.lossOptimizerGroupName }
    var augmentationNames: [String] { [routing.batchAugmentationName].compactMap { $0 } }

    /// The batch this pattern uses: its augmentation, or the main batch.
    func input(_ step: StepInput) -> Tensor {
        routing.batchAugmentationName.flatMap { step.views[$0] } ?? step.batch
    }
}

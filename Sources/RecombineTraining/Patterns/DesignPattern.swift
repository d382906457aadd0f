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

/// A design pattern instance in a phase: it names the inputs it needs and computes its losses.
protocol DesignPattern: AnyObject {
    var spec: PatternSpec { get }
    /// Batch augmentations this pattern reads.
    var augmentationNames: [String] { get }
    func losses(_ input: StepInput) throws -> [PatternLoss]
    /// Writes whatever the pattern carries between steps (targets, random streams) under `prefix`.
    func save(into archive: CheckpointArchive, prefix: String)
    /// Restores what `save(into:prefix:)` wrote.
    func restore(from archive: CheckpointArchive, prefix: String) throws
}

extension DesignPattern {
    var options: JSONObject { spec.options }
    var weight: Double { options["loss_weight"]?.number ?? 1 }
    var group: String { options["loss_optimizer_group_name"]?.string ?? "default" }
    var augmentationNames: [String] { [options["batch_augmentation_name"]?.string].compactMap { $0 } }

    /// Stateless patterns save nothing.
    func save(into archive: CheckpointArchive, prefix: String) {}
    func restore(from archive: CheckpointArchive, prefix: String) throws {}

    /// The batch a single-input pattern uses: its augmentation, or the main batch.
    func input(_ step: StepInput) -> Tensor {
        options["batch_augmentation_name"]?.string.flatMap { step.views[$0] } ?? step.batch
    }
}

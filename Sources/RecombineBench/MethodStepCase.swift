import ArgumentParser
import Foundation
import RecombineMethod
import RecombineNN
import RecombineTensor
import RecombineTraining

/// A benchmark case that is one phase's training step of a method file, built by the trainer's own
/// setup (`IsolatedPhaseStep`), with what PyTorch needs to start from the same state.
struct MethodStepCase {
    let name: String
    let file: String
    let phase: String
    /// FLOPs of one step for the GFLOP/s column (GEMMs and convolutions of forward and backward).
    let flops: Double
    let description: String
    /// Start from Kaiming-normal weights instead of the file's initialisation (see `IsolatedPhaseStep`).
    var pretrainedLike = false

    static let all: [MethodStepCase] = [
        MethodStepCase(
            name: "ddc_step", file: "ddc.json", phase: "training", flops: ddcFLOPs(batch: 120),
            description:
                "ddc.json: cnn_small + DDC head on 120 images, the three Cauchy–Schwarz terms, backward, Adam step"),
        MethodStepCase(
            name: "dec_cc_hybrid_finetune_step", file: "dec_cc_hybrid.json", phase: "finetuning",
            flops: decCCFinetuneFLOPs(batch: 256),
            description:
                "dec_cc_hybrid.json finetuning: encoder on the clean batch and two augmented views (augmentation precomputed once), head on the views, NT-Xent (instance and cluster level), DEC KL with fixed targets, two entropy terms, backward, SGD step; Kaiming-normal weights stand in for the pretrained ones",
            pretrainedLike: true),
    ]

    static func named(_ name: String) -> MethodStepCase? { all.first { $0.name == name } }

    /// Loads the method file (schema defaults filled in) from `directory`.
    func load(from directory: String) throws -> MethodSpec {
        let path = (directory as NSString).appendingPathComponent(file)
        let outcome = MethodLoader(store: try SchemaStore.embedded()).load(path: path)
        guard let spec = outcome.spec, outcome.isValid else {
            throw ValidationError(
                "\(path) does not load: "
                    + (outcome.issues.isEmpty ? "not found" : outcome.issues.map(\.description).joined(separator: "; "))
            )
        }
        return spec
    }

    /// The step, the losses before and after one step, and the starting state written for PyTorch.
    struct Prepared {
        let benchmark: BenchmarkCase
        let lossesBefore: [(name: String, value: Double)]
        let lossesAfter: [Double]
        let stateFile: URL
    }

    /// Builds the step, writes its starting state (weights, centroids, batch, views, targets and the
    /// method with defaults as metadata) to a temporary safetensors file, then takes one step.
    func prepare(configurations: String) throws -> Prepared {
        let spec = try load(from: configurations)
        let step = try IsolatedPhaseStep(method: spec, phaseName: phase, pretrainedLike: pretrainedLike)
        let before = try step.losses()
        let stateFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-bench-\(name)-\(getpid()).safetensors")
        try Safetensors.write(
            step.state(),
            metadata: ["method": (spec.withDefaults ?? spec.document.root).serialized(), "phase": phase],
            to: stateFile.path)
        try step.engineStep()
        let after = try step.losses().map(\.value)
        return Prepared(
            benchmark: BenchmarkCase(name: name, flops: flops) { try step.engineStep() }, lossesBefore: before,
            lossesAfter: after, stateFile: stateFile)
    }

    /// Throws unless PyTorch's losses (before and after its first step) equal ours within `tolerance`
    /// (relative to max(1, |ours|)).
    static func check(
        _ name: String, ours: Prepared, torch: (before: [Double], after: [Double]), tolerance: Double = 1e-4
    ) throws {
        let names = ours.lossesBefore.map(\.name)
        var problems: [String] = []
        func compare(_ label: String, _ a: [Double], _ b: [Double]) {
            guard a.count == b.count else {
                problems.append("\(label): \(a.count) loss terms here, \(b.count) from PyTorch")
                return
            }
            for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(x))) {
                problems.append(
                    "\(label) \(i < names.count ? names[i] : String(i)): ours \(x), PyTorch \(y)")
            }
        }
        compare("before the step", ours.lossesBefore.map(\.value), torch.before)
        compare("after one step", ours.lossesAfter, torch.after)
        if !problems.isEmpty {
            throw ValidationError(
                "\(name): PyTorch's step does not compute our losses from the same state (tolerance \(tolerance)): "
                    + problems.joined(separator: "; "))
        }
    }
}

/// ddc.json's cnn_small (28×28 input: 5×5 convs 1→32 and 32→32, pool, 3×3 convs 32→32 twice, pool)
/// and its head 288→100→10, forward and backward (no input gradient for the first layer), plus the
/// kernel's pairwise products (N²·100) and AᵀKA.
func ddcFLOPs(batch n: Int) -> Double {
    let conv = [576.0 * 25 * 32, 400.0 * 25 * 32 * 32, 64.0 * 9 * 32 * 32, 36.0 * 9 * 32 * 32]
    let dense = [288.0 * 100, 100.0 * 10]
    let macs = (conv + dense).reduce(0, +)
    let kernel = Double(n * n) * (100 + 2 * 10)
    return 2 * Double(n) * (3 * macs - conv[0]) + 2 * 3 * kernel
}

/// dec_cc_hybrid's encoder 784-500-500-2000-10 on three batches, its head 10-512-128 on two views
/// (input gradients included: the head follows the encoder), and the instance-level NT-Xent's three
/// N×N similarity products of 128-dimensional rows, forward and backward.
func decCCFinetuneFLOPs(batch n: Int) -> Double {
    let encoder = linearStepFLOPs([(784, 500), (500, 500), (500, 2000), (2000, 10)], batch: 3 * n)
    let head = Double(2 * 2 * n) * Double(10 * 512 + 512 * 128) * 3
    let similarity = 3 * Double(2 * n * n * 128) * 3
    return encoder + head + similarity
}

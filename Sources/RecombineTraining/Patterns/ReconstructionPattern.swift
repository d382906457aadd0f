import RecombineMethod
import RecombineTensor

/// P1: x̂ = decoder(encoder(x)); L = w · Σ(x − x̂)²/B (`mean_across_samples`), the mean over
/// elements, or the plain sum.
final class ReconstructionPattern: DesignPattern {
    let spec: PatternSpec
    let encoder: Mapping, decoder: Mapping
    let reduction: String

    init(spec: PatternSpec, mappings: MappingSet) throws {
        self.spec = spec
        guard let e = spec.options["encoder_name"]?.string.flatMap({ mappings[$0] }), let d = spec.options["decoder_name"]?.string.flatMap({ mappings[$0] }) else {
            throw TrainingError("\(spec.pointer): encoder or decoder not found")
        }
        encoder = e; decoder = d
        reduction = spec.options["loss_reduction_method"]?.string ?? "mean_across_samples"
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        let squared = (decoder(encoder(x)) - x).squared()
        let loss: Tensor
        switch reduction {
        case "mean_across_elements": loss = squared.mean()
        case "sum": loss = squared.sum()
        default: loss = squared.sum() / Double(x.shape[0])
        }
        return [PatternLoss(name: "reconstruction_loss", group: group, value: loss * weight)]
    }
}

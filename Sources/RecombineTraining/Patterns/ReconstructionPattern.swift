import RecombineMethod
import RecombineTensor

/// P1: x̂ = decoder(encoder(x)); L = w · Σ(x − x̂)²/B (`mean_across_samples`), the mean over
/// elements, or the plain sum.
final class ReconstructionPattern: RoutedPattern {
    static let kind = PatternKind.reconstruction

    struct Options: Decodable {
        let encoderName: String
        let decoderName: String
        let lossReductionMethod: String
    }

    let spec: PatternSpec
    let routing: LossRouting
    let encoder: Mapping, decoder: Mapping
    let reduction: String

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        let options = try spec.decodeOptions(Options.self)
        encoder = try context.mapping(options.encoderName, option: "encoder_name", of: spec.pointer)
        decoder = try context.mapping(options.decoderName, option: "decoder_name", of: spec.pointer)
        reduction = options.lossReductionMethod
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

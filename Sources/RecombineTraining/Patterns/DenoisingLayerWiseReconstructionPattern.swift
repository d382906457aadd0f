import RecombineMethod
import RecombineTensor

/// DEPICT's reconstruction: the decoder is fed from the noisy pathway (the encoder in
/// training mode: dropout active) and each named decoder output ẑ^l is compared with the matching
/// activation z^l of the clean pathway (the same encoder in evaluation mode: dropout off), or with the
/// input itself: L = w · Σ_l c_l · mean((z^l − ẑ^l)²). The official code lets gradients flow through
/// the clean targets; `clean_target_gradient: false` detaches them.
final class DenoisingLayerWiseReconstructionPattern: RoutedPattern {
    static let kind = PatternKind.denoisingLayerWiseReconstruction

    struct LayerPair: Decodable {
        /// An encoder layer, or `input` for the encoder's input.
        let encoderLayerName: String
        let decoderLayerName: String
        let weight: Double
    }

    struct Options: Decodable {
        let encoderName: String
        let decoderName: String
        let layerPairs: [LayerPair]
        let cleanTargetGradient: Bool
    }

    /// One reconstructed activation: an encoder layer's output (nil: the encoder's input) and the
    /// decoder layer whose output reconstructs it.
    struct Pair {
        let encoderLayer: String?
        let decoderLayer: String
        let weight: Double
    }

    static let inputName = "input"

    let spec: PatternSpec
    let routing: LossRouting
    let encoder: Mapping, decoder: Mapping
    let pairs: [Pair]
    let cleanTargetGradient: Bool

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        let options = try spec.decodeOptions(Options.self)
        let e = try context.mapping(options.encoderName, option: "encoder_name", of: spec.pointer)
        let d = try context.mapping(options.decoderName, option: "decoder_name", of: spec.pointer)
        encoder = e; decoder = d
        pairs = try options.layerPairs.enumerated().map { i, item in
            let pointer = "\(spec.pointer)/layer_pairs/\(i)"
            if item.encoderLayerName != Self.inputName && e.layersByName[item.encoderLayerName] == nil {
                throw TrainingError(
                    "\(pointer)/encoder_layer_name: mapping '\(e.name)' has no layer named '\(item.encoderLayerName)' (use \"input\" for the encoder's input)"
                )
            }
            if d.layersByName[item.decoderLayerName] == nil {
                throw TrainingError(
                    "\(pointer)/decoder_layer_name: mapping '\(d.name)' has no layer named '\(item.decoderLayerName)'")
            }
            return Pair(
                encoderLayer: item.encoderLayerName == Self.inputName ? nil : item.encoderLayerName,
                decoderLayer: item.decoderLayerName, weight: item.weight)
        }
        cleanTargetGradient = options.cleanTargetGradient
    }

    var capturedLayers: [(mapping: Mapping, layers: Set<String>)] {
        [(decoder, Set(pairs.map(\.decoderLayer))), (encoder, Set(pairs.compactMap(\.encoderLayer)))]
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        // Noisy pathway: the encoder as trained (dropout active), the decoder after it.
        let noisy = decoder.forward(encoder(x), capturing: Set(pairs.map(\.decoderLayer))).captured
        // Clean pathway: the same weights with dropout off.
        encoder.train(false)
        let clean = encoder.forward(x, capturing: Set(pairs.compactMap(\.encoderLayer))).captured
        encoder.train(true)
        var total: Tensor? = nil
        for pair in pairs {
            guard let reconstruction = noisy[pair.decoderLayer] else {
                throw TrainingError("\(spec.pointer): decoder layer '\(pair.decoderLayer)' produced no output")
            }
            var target =
                try pair.encoderLayer.map { name -> Tensor in
                    guard let t = clean[name] else {
                        throw TrainingError("\(spec.pointer): encoder layer '\(name)' produced no output")
                    }
                    return t
                } ?? x
            if !cleanTargetGradient { target = target.detached() }
            guard target.count == reconstruction.count else {
                throw TrainingError(
                    "\(spec.pointer): decoder layer '\(pair.decoderLayer)' gives \(reconstruction.shape) but encoder \(pair.encoderLayer.map { "layer '\($0)'" } ?? "input") is \(target.shape)"
                )
            }
            let term = (reconstruction.reshaped(target.shape) - target).squared().mean() * pair.weight
            total = total.map { $0 + term } ?? term
        }
        guard let total else { return [] }
        return [PatternLoss(name: "layer_wise_reconstruction_loss", group: group, value: total * weight)]
    }
}

import RecombineMethod
import RecombineTensor

/// DEPICT's reconstruction (methods.md §5): the decoder is fed from the noisy pathway (the encoder in
/// training mode: dropout active) and each named decoder output ẑ^l is compared with the matching
/// activation z^l of the clean pathway (the same encoder in evaluation mode: dropout off), or with the
/// input itself: L = w · Σ_l c_l · mean((z^l − ẑ^l)²). The official code lets gradients flow through
/// the clean targets; `clean_target_gradient: false` detaches them.
final class DenoisingLayerWiseReconstructionPattern: DesignPattern {
    /// One reconstructed activation: an encoder layer's output (nil: the encoder's input) and the
    /// decoder layer whose output reconstructs it.
    struct Pair {
        let encoderLayer: String?
        let decoderLayer: String
        let weight: Double
    }

    static let inputName = "input"

    let spec: PatternSpec
    let encoder: Mapping, decoder: Mapping
    let pairs: [Pair]
    let cleanTargetGradient: Bool

    init(spec: PatternSpec, mappings: MappingSet) throws {
        self.spec = spec
        let o = spec.options
        guard let e = o["encoder_name"]?.string.flatMap({ mappings[$0] }), let d = o["decoder_name"]?.string.flatMap({ mappings[$0] }) else {
            throw TrainingError("\(spec.pointer): encoder or decoder not found")
        }
        encoder = e; decoder = d
        var pairs: [Pair] = []
        for (i, item) in (o["layer_pairs"]?.array ?? []).enumerated() {
            let pointer = "\(spec.pointer)/layer_pairs/\(i)"
            let encoderLayer = item["encoder_layer_name"]?.string ?? Self.inputName
            let decoderLayer = item["decoder_layer_name"]?.string ?? ""
            if encoderLayer != Self.inputName && e.layersByName[encoderLayer] == nil {
                throw TrainingError("\(pointer)/encoder_layer_name: mapping '\(e.name)' has no layer named '\(encoderLayer)' (use \"input\" for the encoder's input)")
            }
            if d.layersByName[decoderLayer] == nil {
                throw TrainingError("\(pointer)/decoder_layer_name: mapping '\(d.name)' has no layer named '\(decoderLayer)'")
            }
            pairs.append(Pair(encoderLayer: encoderLayer == Self.inputName ? nil : encoderLayer, decoderLayer: decoderLayer,
                              weight: item["weight"]?.number ?? 1))
        }
        self.pairs = pairs
        cleanTargetGradient = o["clean_target_gradient"]?.bool ?? true
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
            guard let reconstruction = noisy[pair.decoderLayer] else { throw TrainingError("\(spec.pointer): decoder layer '\(pair.decoderLayer)' produced no output") }
            var target = try pair.encoderLayer.map { name -> Tensor in
                guard let t = clean[name] else { throw TrainingError("\(spec.pointer): encoder layer '\(name)' produced no output") }
                return t
            } ?? x
            if !cleanTargetGradient { target = target.detached() }
            guard target.count == reconstruction.count else {
                throw TrainingError("\(spec.pointer): decoder layer '\(pair.decoderLayer)' gives \(reconstruction.shape) but encoder \(pair.encoderLayer.map { "layer '\($0)'" } ?? "input") is \(target.shape)")
            }
            let term = (reconstruction.reshaped(target.shape) - target).squared().mean() * pair.weight
            total = total.map { $0 + term } ?? term
        }
        guard let total else { return [] }
        return [PatternLoss(name: "layer_wise_reconstruction_loss", group: group, value: total * weight)]
    }
}

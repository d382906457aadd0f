import RecombineMethod
import RecombineNN
import RecombineTensor

/// P7: stacked denoising-autoencoder pretraining. The stages (encoder/decoder layer pairs) run in turn
/// for their iteration budgets; at stage s the input passes, without gradients, through dropout and the
/// encoder layers of the earlier stages, and the current pair reconstructs it from the dropout-corrupted
/// code: L = w · Σ(u − dec(dropout(enc(u))))² / B. After the last stage the pattern contributes no loss.
final class LayerWisePretrainingPattern: RoutedPattern {
    static let kind = PatternKind.layerWisePretraining

    struct LayerPair: Decodable {
        let encoderLayerNames: [String]
        let decoderLayerNames: [String]
        let trainForIterations: Int
    }

    struct Options: Decodable {
        let encoderName: String
        let decoderName: String
        let dropoutRate: Double
        let encoderDecoderLayerPairs: [LayerPair]
    }

    let spec: PatternSpec
    let routing: LossRouting
    struct Stage { let encoder: [Module]; let decoder: [Module]; let iterations: Int; let names: ([String], [String]) }
    let stages: [Stage]
    let dropoutRate: Double
    var generator: RandomGenerator
    var announcedStage = -1
    let log: RunLog

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        let options = try spec.decodeOptions(Options.self)
        let encoder = try context.mapping(options.encoderName, option: "encoder_name", of: spec.pointer)
        let decoder = try context.mapping(options.decoderName, option: "decoder_name", of: spec.pointer)
        func layers(_ mapping: Mapping, _ names: [String]) throws -> [Module] {
            try names.map { name in
                guard let layer = mapping.layersByName[name] else {
                    throw TrainingError("\(spec.pointer): no layer named '\(name)' in mapping '\(mapping.name)'")
                }
                return layer
            }
        }
        stages = try options.encoderDecoderLayerPairs.map { pair in
            Stage(
                encoder: try layers(encoder, pair.encoderLayerNames),
                decoder: try layers(decoder, pair.decoderLayerNames),
                iterations: context.scaled(pair.trainForIterations),
                names: (pair.encoderLayerNames, pair.decoderLayerNames))
        }
        dropoutRate = options.dropoutRate
        generator = context.splitGenerator()
        log = context.log
    }

    func announce(_ line: String) { log.line(line) }

    func stage(at phaseIteration: Int) -> Int? {
        var remaining = phaseIteration - 1
        for (i, s) in stages.enumerated() {
            if remaining < s.iterations { return i }
            remaining -= s.iterations
        }
        return nil
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        guard let s = stage(at: step.phaseIteration) else {
            if announcedStage != stages.count {
                announcedStage = stages.count; announce("Pattern \"\(spec.id)\": finished pretraining all layers")
            }
            return []
        }
        if s != announcedStage {
            announcedStage = s
            announce(
                "Pattern \"\(spec.id)\": now pretraining layers \(stages[s].names.0) of encoder and \(stages[s].names.1) of decoder"
            )
        }
        let x = input(step)
        let u = withoutGradients { () -> Tensor in
            var h = x
            for earlier in stages[..<s] {
                h = h.dropout(p: dropoutRate, training: true, generator: &generator)
                for layer in earlier.encoder { h = layer(h) }
            }
            return h
        }.detached()
        var h = u
        for layer in stages[s].encoder { h = layer(h) }
        h = h.dropout(p: dropoutRate, training: true, generator: &generator)
        for layer in stages[s].decoder { h = layer(h) }
        guard h.shape == u.shape else {
            throw TrainingError(
                "\(spec.pointer): stage \(s) decoder layers output \(h.shape) but must reconstruct their input \(u.shape)"
            )
        }
        let loss = (u - h).squared().sum() / Double(x.shape[0])
        return [PatternLoss(name: "reconstruction_loss", group: group, value: loss * weight)]
    }

    func save(into archive: CheckpointArchive, prefix: String) {
        archive.values[prefix + "generator"] = CheckpointArchive.encode(generator)
        archive.values[prefix + "announced_stage"] = announcedStage
    }

    func restore(from archive: CheckpointArchive, prefix: String) throws {
        generator = try archive.generator(prefix + "generator")
        announcedStage = (archive.values[prefix + "announced_stage"] as? Int) ?? -1
    }
}

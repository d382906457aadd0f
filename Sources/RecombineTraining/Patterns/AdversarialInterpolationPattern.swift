import RecombineMethod
import RecombineNN
import RecombineTensor

/// P6 (ACAI): an autoencoder regularised by a critic that predicts the mixing coefficient α of
/// decoded latent interpolations (critic variant), or by a discriminator of real vs reconstructed
/// samples. Two losses in separate optimizer groups: `adversarial_mapping_loss` trains the critic or
/// discriminator on stopped-gradient inputs, `autoencoder_loss` trains encoder and decoder to fool it.
final class AdversarialInterpolationPattern: DesignPattern {
    let spec: PatternSpec
    let encoder: Mapping, decoder: Mapping
    let critic: Mapping?, discriminator: Mapping?
    let gamma: Double
    var generator: RandomGenerator

    init(spec: PatternSpec, mappings: MappingSet, generator: RandomGenerator) throws {
        self.spec = spec
        let o = spec.options
        guard let e = o["encoder_name"]?.string.flatMap({ mappings[$0] }), let d = o["decoder_name"]?.string.flatMap({ mappings[$0] }) else {
            throw TrainingError("\(spec.pointer): encoder or decoder not found")
        }
        encoder = e; decoder = d
        critic = o["critic_name"]?.string.flatMap { mappings[$0] }
        discriminator = critic == nil ? o["discriminator_name"]?.string.flatMap { mappings[$0] } : nil
        guard critic != nil || discriminator != nil else { throw TrainingError("\(spec.pointer): neither critic nor discriminator found") }
        gamma = o["critic_regularizing_hyperparameter"]?.number ?? 0.2
        self.generator = generator
    }

    var autoencoderGroup: String { options["autoencoder_loss_optimizer_group_name"]?.string ?? "default" }
    var adversarialGroup: String {
        options[critic != nil ? "critic_loss_optimizer_group_name" : "discriminator_loss_optimizer_group_name"]?.string ?? "default"
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        let autoencoderWeight = options["autoencoder_loss_weight"]?.number ?? 1
        if let critic {
            let h = x.shape[0] / 2
            guard h >= 1 else { throw TrainingError("\(spec.pointer): adversarial interpolation needs batches of at least 2 samples") }
            let x1 = x.slice(axis: 0, start: 0, end: h), x2 = x.slice(axis: 0, start: h, end: 2 * h)
            let z1 = encoder(x1), z2 = encoder(x2)
            let reconstruction = decoder(z1)
            let blended = x1 * gamma + reconstruction * (1 - gamma)
            let alphaValues = (0..<h).map { _ in 0.5 * generator.nextDouble() }
            let alpha = Tensor(doubles: alphaValues, shape: [h] + Array(repeating: 1, count: z1.rank - 1), dtype: z1.dtype)
            let mixed = decoder(alpha * z1 + (1.0 - alpha) * z2)
            let alphaColumn = Tensor(doubles: alphaValues, shape: [h, 1], dtype: z1.dtype)
            let criticWeight = options["critic_loss_weight"]?.number ?? 1
            let adversarial = (critic(blended.detached()).reshaped([h, 1]).squared().mean()
                               + (critic(mixed.detached()).reshaped([h, 1]) - alphaColumn).squared().mean()) * criticWeight
            let fooling = critic(mixed).reshaped([h, 1]).squared().mean() * autoencoderWeight
            return [PatternLoss(name: "adversarial_mapping_loss", group: adversarialGroup, value: adversarial),
                    PatternLoss(name: "autoencoder_loss", group: autoencoderGroup, value: fooling)]
        }
        let dis = discriminator!
        let b = x.shape[0]
        let reconstruction = decoder(encoder(x))
        let realAndFake = Tensor.concatenate([dis(x).reshaped([b]), dis(reconstruction.detached()).reshaped([b])], axis: 0)
        let targets = Tensor.concatenate([Tensor.ones([b], dtype: x.dtype), Tensor.zeros([b], dtype: x.dtype)], axis: 0)
        let discriminatorWeight = options["discriminator_loss_weight"]?.number ?? 1
        let adversarial = binaryCrossEntropy(probabilities: realAndFake, targets: targets) * discriminatorWeight
        let fooling = binaryCrossEntropy(probabilities: dis(reconstruction).reshaped([b]), targets: Tensor.ones([b], dtype: x.dtype)) * autoencoderWeight
        return [PatternLoss(name: "adversarial_mapping_loss", group: adversarialGroup, value: adversarial),
                PatternLoss(name: "autoencoder_loss", group: autoencoderGroup, value: fooling)]
    }

    func save(into archive: CheckpointArchive, prefix: String) {
        archive.values[prefix + "generator"] = CheckpointArchive.encode(generator)
    }

    func restore(from archive: CheckpointArchive, prefix: String) throws {
        generator = try archive.generator(prefix + "generator")
    }
}

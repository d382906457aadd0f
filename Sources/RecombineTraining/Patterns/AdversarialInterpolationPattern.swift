import RecombineMethod
import RecombineNN
import RecombineTensor

/// P6 (ACAI): an autoencoder regularised by a critic that predicts the mixing coefficient α of
/// decoded latent interpolations (critic variant), or by a discriminator of real vs reconstructed
/// samples. Two losses in separate optimizer groups: `adversarial_mapping_loss` trains the critic or
/// discriminator on stopped-gradient inputs, `autoencoder_loss` trains encoder and decoder to fool it.
final class AdversarialInterpolationPattern: DesignPattern {
    static let kind = PatternKind.adversarialInterpolation

    struct Options: Decodable {
        let encoderName: String
        let decoderName: String
        let criticName: String?
        let discriminatorName: String?
        /// γ of the blended reconstructions the critic must score 0 (critic variant only).
        let criticRegularizingHyperparameter: Double?
        let autoencoderLossWeight: Double
        /// The critic's or the discriminator's weight, whichever the pattern uses (the schema gives
        /// the discriminator's no default when a critic is named).
        let criticLossWeight: Double?
        let discriminatorLossWeight: Double?
        let autoencoderLossOptimizerGroupName: String
        let criticLossOptimizerGroupName: String?
        let discriminatorLossOptimizerGroupName: String?
        let batchAugmentationName: String?
    }

    let spec: PatternSpec
    let options: Options
    let encoder: Mapping, decoder: Mapping
    let critic: Mapping?, discriminator: Mapping?
    /// The critic's or the discriminator's loss weight and optimizer group.
    let adversarialWeight: Double, adversarialGroup: String
    var generator: RandomGenerator
    var augmentationNames: [String] { [options.batchAugmentationName].compactMap { $0 } }

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        let options = try spec.decodeOptions(Options.self)
        self.options = options
        encoder = try context.mapping(options.encoderName, option: "encoder_name", of: spec.pointer)
        decoder = try context.mapping(options.decoderName, option: "decoder_name", of: spec.pointer)
        critic = try options.criticName.map { try context.mapping($0, option: "critic_name", of: spec.pointer) }
        discriminator =
            critic != nil
            ? nil
            : try options.discriminatorName.map {
                try context.mapping($0, option: "discriminator_name", of: spec.pointer)
            }
        let adversarial =
            critic != nil
            ? (options.criticLossWeight, options.criticLossOptimizerGroupName)
            : (options.discriminatorLossWeight, options.discriminatorLossOptimizerGroupName)
        guard critic != nil || discriminator != nil, let weight = adversarial.0, let group = adversarial.1 else {
            throw TrainingError(
                "\(spec.pointer): adversarial interpolation needs a critic (critic_name, critic_loss_optimizer_group_name) or a discriminator (discriminator_name, discriminator_loss_optimizer_group_name)"
            )
        }
        adversarialWeight = weight; adversarialGroup = group
        generator = context.splitGenerator()
    }

    var autoencoderGroup: String { options.autoencoderLossOptimizerGroupName }

    func input(_ step: StepInput) -> Tensor {
        options.batchAugmentationName.flatMap { step.views[$0] } ?? step.batch
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        let autoencoderWeight = options.autoencoderLossWeight
        if let critic {
            guard let gamma = options.criticRegularizingHyperparameter else {
                throw TrainingError("\(spec.pointer): the critic variant needs critic_regularizing_hyperparameter")
            }
            let h = x.shape[0] / 2
            guard h >= 1 else {
                throw TrainingError("\(spec.pointer): adversarial interpolation needs batches of at least 2 samples")
            }
            let x1 = x.slice(axis: 0, start: 0, end: h), x2 = x.slice(axis: 0, start: h, end: 2 * h)
            let z1 = encoder(x1), z2 = encoder(x2)
            let reconstruction = decoder(z1)
            let blended = x1 * gamma + reconstruction * (1 - gamma)
            let alphaValues = (0..<h).map { _ in 0.5 * generator.nextDouble() }
            let alpha = Tensor(
                doubles: alphaValues, shape: [h] + Array(repeating: 1, count: z1.rank - 1), dtype: z1.dtype)
            let mixed = decoder(alpha * z1 + (1.0 - alpha) * z2)
            let alphaColumn = Tensor(doubles: alphaValues, shape: [h, 1], dtype: z1.dtype)
            let adversarial =
                (critic(blended.detached()).reshaped([h, 1]).squared().mean()
                    + (critic(mixed.detached()).reshaped([h, 1]) - alphaColumn).squared().mean()) * adversarialWeight
            let fooling = critic(mixed).reshaped([h, 1]).squared().mean() * autoencoderWeight
            return [
                PatternLoss(name: "adversarial_mapping_loss", group: adversarialGroup, value: adversarial),
                PatternLoss(name: "autoencoder_loss", group: autoencoderGroup, value: fooling),
            ]
        }
        let dis = discriminator!
        let b = x.shape[0]
        let reconstruction = decoder(encoder(x))
        let realAndFake = Tensor.concatenate(
            [dis(x).reshaped([b]), dis(reconstruction.detached()).reshaped([b])], axis: 0)
        let targets = Tensor.concatenate(
            [Tensor.ones([b], dtype: x.dtype), Tensor.zeros([b], dtype: x.dtype)], axis: 0)
        let adversarial = binaryCrossEntropy(probabilities: realAndFake, targets: targets) * adversarialWeight
        let fooling =
            binaryCrossEntropy(
                probabilities: dis(reconstruction).reshaped([b]), targets: Tensor.ones([b], dtype: x.dtype))
            * autoencoderWeight
        return [
            PatternLoss(name: "adversarial_mapping_loss", group: adversarialGroup, value: adversarial),
            PatternLoss(name: "autoencoder_loss", group: autoencoderGroup, value: fooling),
        ]
    }

    func save(into archive: CheckpointArchive, prefix: String) {
        archive.values[prefix + "generator"] = CheckpointArchive.encode(generator)
    }

    func restore(from archive: CheckpointArchive, prefix: String) throws {
        generator = try archive.generator(prefix + "generator")
    }
}

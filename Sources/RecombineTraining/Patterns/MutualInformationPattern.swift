import RecombineMethod
import RecombineTensor

/// IIC (Ji et al. 2019): maximises the mutual information between the cluster assignments of two
/// views of the same samples. P = sym(Qaᵀ Qb) / Σ, L = −Σ_jk P_jk (ln P_jk − λ ln P_j − λ ln P_k).
final class MutualInformationPattern: DesignPattern {
    static let kind = PatternKind.mutualInformation

    struct Options: Decodable {
        let classifierName: String?
        /// The first view; nil for the plain batch.
        let batchAugmentationName1: String?
        let batchAugmentationName2: String
        let entropyCoefficient: Double
        let epsilon: Double
        let lossWeight: Double
        let lossOptimizerGroupName: String
    }

    let spec: PatternSpec
    let options: Options
    let strategy: ClusterAssignment
    var augmentationNames: [String] {
        [options.batchAugmentationName1, options.batchAugmentationName2].compactMap { $0 }
    }

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        options = try spec.decodeOptions()
        strategy = context.strategy
    }

    /// −I(a; b) (for λ = 1) of two batches of soft assignments [B, K].
    static func loss(_ qa: Tensor, _ qb: Tensor, entropyCoefficient lambda: Double, epsilon: Double) -> Tensor {
        let joint = qa.matmul(qb, transposeSelf: true)
        let symmetric = (joint + joint.T) / 2
        let p = symmetric / symmetric.sum()
        let rows = p.sum(axis: 1, keepDims: true).clamped(min: epsilon),
            columns = p.sum(axis: 0, keepDims: true).clamped(min: epsilon)
        let clamped = p.clamped(min: epsilon)
        return -(clamped * (clamped.log() - rows.log() * lambda - columns.log() * lambda)).sum()
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let first = options.batchAugmentationName1.map { step.views[$0] } ?? step.batch
        guard let xa = first, let xb = step.views[options.batchAugmentationName2] else {
            throw TrainingError(
                "\(spec.pointer): the views \(augmentationNames.map { "'\($0)'" }.joined(separator: " and ")) are missing"
            )
        }
        let qa = try strategy.assignments(xa, logits: false, classifierName: options.classifierName)
        let qb = try strategy.assignments(xb, logits: false, classifierName: options.classifierName)
        let loss = Self.loss(qa, qb, entropyCoefficient: options.entropyCoefficient, epsilon: options.epsilon)
        return [
            PatternLoss(
                name: "mutual_information_loss", group: options.lossOptimizerGroupName, value: loss * options.lossWeight
            )
        ]
    }
}

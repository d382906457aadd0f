import RecombineMethod
import RecombineTensor

/// NT-Xent over two sets of n vectors a, b (rows): for each i, rows [cos(a_i, b_·)/τ, cos(a_i, a_j≠i)/τ]
/// and [cos(b_i, a_·)/τ, cos(b_i, b_j≠i)/τ] with target i, averaged cross-entropy over the 2n rows.
/// With `reusedRows` the second block starts with cos(a_i, b_·) instead, as the reference framework
/// computed it (B18 in Docs/reference-differences.md).
func contrastiveLoss(_ a: Tensor, _ b: Tensor, temperature: Double, reusedRows: Bool) -> Tensor {
    let n = a.shape[0]
    let an = a.normalized(axis: 1), bn = b.normalized(axis: 1)
    let ab = Tensor.cosineSimilarityMatrix(an, bn) / temperature
    let diagonal = Tensor.eye(n, dtype: a.dtype), minusInfinity = Tensor.full([], value: -.infinity, dtype: a.dtype)
    let aa = Tensor.where(diagonal, minusInfinity, Tensor.cosineSimilarityMatrix(an, an) / temperature)
    let bb = Tensor.where(diagonal, minusInfinity, Tensor.cosineSimilarityMatrix(bn, bn) / temperature)
    let targets = Array(0..<n)
    let first = crossEntropy(logits: Tensor.concatenate([ab, aa], axis: 1), targets: targets)
    let second = crossEntropy(logits: Tensor.concatenate([reusedRows ? ab : ab.T, bb], axis: 1), targets: targets)
    return (first + second) / 2
}

/// The two augmented views a contrastive pattern compares, and its NT-Xent settings.
struct ContrastiveOptions: Decodable {
    let batchAugmentationName1: String
    let batchAugmentationName2: String
    let temperatureParameter: Double
    /// `symmetric` or `reference` (see `contrastiveLoss`).
    let similarityRows: String
    let classifierName: String?

    var augmentationNames: [String] { [batchAugmentationName1, batchAugmentationName2] }
    var reusedRows: Bool { similarityRows == "reference" }

    /// The two views of this step.
    func views(_ step: StepInput, pointer: JSONPointer) throws -> (Tensor, Tensor) {
        guard let a = step.views[batchAugmentationName1], let b = step.views[batchAugmentationName2] else {
            throw TrainingError(
                "\(pointer): the augmented views '\(batchAugmentationName1)' and '\(batchAugmentationName2)' are missing"
            )
        }
        return (a, b)
    }
}

/// P3: instance-level contrastive learning on a head's outputs for two augmented views.
final class InstanceContrastivePattern: RoutedPattern {
    static let kind = PatternKind.instanceContrastive

    struct HeadOption: Decodable { let contrastiveLearningHeadName: String }

    let spec: PatternSpec
    let routing: LossRouting
    let options: ContrastiveOptions
    let head: Mapping
    var augmentationNames: [String] { options.augmentationNames }

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        options = try spec.decodeOptions()
        head = try context.mapping(
            try spec.decodeOptions(HeadOption.self).contrastiveLearningHeadName,
            option: "contrastive_learning_head_name", of: spec.pointer)
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let (xa, xb) = try options.views(step, pointer: spec.pointer)
        let a = head(xa).flattened(startDim: 1), b = head(xb).flattened(startDim: 1)
        let loss = contrastiveLoss(a, b, temperature: options.temperatureParameter, reusedRows: options.reusedRows)
        return [PatternLoss(name: "contrastive_loss", group: group, value: loss * weight)]
    }
}

/// P4: cluster-level contrastive learning (Contrastive Clustering) on the K columns of the
/// assignment matrices of two views.
final class ClusterContrastivePattern: RoutedPattern {
    static let kind = PatternKind.clusterContrastive

    let spec: PatternSpec
    let routing: LossRouting
    let options: ContrastiveOptions
    let strategy: ClusterAssignment
    var augmentationNames: [String] { options.augmentationNames }

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        options = try spec.decodeOptions()
        strategy = context.strategy
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let (xa, xb) = try options.views(step, pointer: spec.pointer)
        let qa = try strategy.assignments(xa, logits: false, classifierName: options.classifierName)
        let qb = try strategy.assignments(xb, logits: false, classifierName: options.classifierName)
        let loss = contrastiveLoss(
            qa.T, qb.T, temperature: options.temperatureParameter, reusedRows: options.reusedRows)
        return [PatternLoss(name: "contrastive_loss", group: group, value: loss * weight)]
    }
}

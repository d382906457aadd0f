import RecombineMethod
import RecombineTensor

/// NT-Xent over two sets of n vectors a, b (rows): for each i, rows [cos(a_i, b_·)/τ, cos(a_i, a_j≠i)/τ]
/// and [cos(b_i, a_·)/τ, cos(b_i, b_j≠i)/τ] with target i, averaged cross-entropy over the 2n rows.
/// With `reusedRows` the second block starts with cos(a_i, b_·) instead, as the reference framework
/// computed it (spec P3, B18).
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

/// P3: instance-level contrastive learning on a head's outputs for two augmented views.
final class InstanceContrastivePattern: DesignPattern {
    let spec: PatternSpec
    let head: Mapping
    let temperature: Double
    var augmentationNames: [String] { [spec.options["batch_augmentation_name_1"]?.string, spec.options["batch_augmentation_name_2"]?.string].compactMap { $0 } }

    let reusedRows: Bool

    init(spec: PatternSpec, mappings: MappingSet, referenceNumerics: Bool) throws {
        self.spec = spec
        reusedRows = (spec.options["similarity_rows"]?.string ?? (referenceNumerics ? "reference" : "symmetric")) == "reference"
        guard let h = spec.options["contrastive_learning_head_name"]?.string.flatMap({ mappings[$0] }) else { throw TrainingError("\(spec.pointer): contrastive head not found") }
        head = h
        temperature = spec.options["temperature_parameter"]?.number ?? 0.5
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        guard augmentationNames.count == 2, let xa = step.views[augmentationNames[0]], let xb = step.views[augmentationNames[1]] else {
            throw TrainingError("\(spec.pointer): the two augmented views are missing")
        }
        let a = head(xa).flattened(startDim: 1), b = head(xb).flattened(startDim: 1)
        return [PatternLoss(name: "contrastive_loss", group: group, value: contrastiveLoss(a, b, temperature: temperature, reusedRows: reusedRows) * weight)]
    }
}

/// P4: cluster-level contrastive learning (Contrastive Clustering) on the K columns of the
/// assignment matrices of two views.
final class ClusterContrastivePattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    let temperature: Double
    var augmentationNames: [String] { [spec.options["batch_augmentation_name_1"]?.string, spec.options["batch_augmentation_name_2"]?.string].compactMap { $0 } }

    let reusedRows: Bool

    init(spec: PatternSpec, strategy: ClusterAssignment, referenceNumerics: Bool) {
        self.spec = spec; self.strategy = strategy
        reusedRows = (spec.options["similarity_rows"]?.string ?? (referenceNumerics ? "reference" : "symmetric")) == "reference"
        temperature = spec.options["temperature_parameter"]?.number ?? 1
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        guard augmentationNames.count == 2, let xa = step.views[augmentationNames[0]], let xb = step.views[augmentationNames[1]] else {
            throw TrainingError("\(spec.pointer): the two augmented views are missing")
        }
        let qa = try strategy.assignments(xa, logits: false, classifierName: options["classifier_name"]?.string), qb = try strategy.assignments(xb, logits: false, classifierName: options["classifier_name"]?.string)
        let loss = contrastiveLoss(qa.T, qb.T, temperature: temperature, reusedRows: reusedRows)
        return [PatternLoss(name: "contrastive_loss", group: group, value: loss * weight)]
    }
}

/// P5: L = w · (ln K − H(p̄)), p̄_k = Σ_i q_ik / Σ|q|, which pushes the batch's cluster sizes apart from collapse.
final class EntropyPattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    init(spec: PatternSpec, strategy: ClusterAssignment) { self.spec = spec; self.strategy = strategy }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let q = try strategy.assignments(input(step), logits: false, classifierName: options["classifier_name"]?.string)
        let p = q.sum(axis: 0) / q.abs().sum()
        let k = Double(q.shape[1])
        let loss = (p * p.clamped(min: 1e-8).log()).sum() + Foundation.log(k)
        return [PatternLoss(name: "entropy_loss", group: group, value: loss * weight)]
    }
}

import Foundation

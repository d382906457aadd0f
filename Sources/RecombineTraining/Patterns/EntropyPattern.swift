import Foundation
import RecombineMethod
import RecombineTensor

/// P5: L = w · (ln K − H(p̄)), p̄_k = Σ_i q_ik / Σ|q|, which pushes the batch's cluster sizes apart from collapse.
final class EntropyPattern: RoutedPattern {
    static let kind = PatternKind.entropy

    struct Options: Decodable { let classifierName: String? }

    let spec: PatternSpec
    let routing: LossRouting
    let classifierName: String?
    let strategy: ClusterAssignment

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        classifierName = try spec.decodeOptions(Options.self).classifierName
        strategy = context.strategy
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let q = try strategy.assignments(input(step), logits: false, classifierName: classifierName)
        let p = q.sum(axis: 0) / q.abs().sum()
        let k = Double(q.shape[1])
        let loss = (p * p.clamped(min: 1e-8).log()).sum() + Foundation.log(k)
        return [PatternLoss(name: "entropy_loss", group: group, value: loss * weight)]
    }
}

import RecombineMethod

/// The implementation of each design pattern of the ontology. The switch is exhaustive over
/// `PatternKind`, so a new kind does not compile until its type is listed here.
enum PatternCatalogue {
    static func type(of kind: PatternKind) -> any DesignPattern.Type {
        switch kind {
        case .reconstruction: return ReconstructionPattern.self
        case .denoisingLayerWiseReconstruction: return DenoisingLayerWiseReconstructionPattern.self
        case .adversarialInterpolation: return AdversarialInterpolationPattern.self
        case .layerWisePretraining: return LayerWisePretrainingPattern.self
        case .instanceContrastive: return InstanceContrastivePattern.self
        case .clusterContrastive: return ClusterContrastivePattern.self
        case .targetDivergence: return DivergencePattern.self
        case .reinforcement: return ReinforcementPattern.self
        case .cauchySchwarzDivergence: return CauchySchwarzDivergencePattern.self
        case .entropy: return EntropyPattern.self
        case .companionObjectives: return CompanionObjectivesPattern.self
        case .mutualInformation: return MutualInformationPattern.self
        }
    }

    /// The pattern a phase's entry describes.
    static func make(_ spec: PatternSpec, context: PatternContext) throws -> any DesignPattern {
        guard let kind = spec.kind else {
            throw TrainingError("\(spec.pointer): design pattern '\(spec.id)' is not one of the ontology's patterns")
        }
        return try type(of: kind).init(spec: spec, context: context)
    }
}

import RecombineMethod
import RecombineTensor

/// DDC's three terms (Kampffmeyer et al. 2019): cluster separation d_cs(A, K_h),
/// orthogonality of the assignment vectors, and closeness to the simplex corners d_cs(M, K_h), with
/// K_h a Gaussian kernel (median bandwidth rule) on a named hidden layer of the classifier. One
/// forward pass of the classifier gives both A and h.
final class CauchySchwarzDivergencePattern: RoutedPattern {
    static let kind = PatternKind.cauchySchwarzDivergence

    struct Options: Decodable {
        let classifierName: String?
        let hiddenLayerName: String
        let clusterSeparationWeight: Double
        let orthogonalityWeight: Double
        let simplexCornerWeight: Double
    }

    let spec: PatternSpec
    let routing: LossRouting
    let options: Options
    let strategy: ClusterAssignment
    let classifier: Mapping
    var hiddenLayer: String { options.hiddenLayerName }
    let kernelOptions: CauchySchwarz.KernelOptions

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        let options = try spec.decodeOptions(Options.self)
        self.options = options
        kernelOptions = try spec.decodeOptions()
        strategy = context.strategy
        let classifier =
            try options.classifierName.map { try context.mapping($0, option: "classifier_name", of: spec.pointer) }
            ?? context.mappings.mappings.first(where: { $0.spec.kind.isClassifier })
        guard let classifier else { throw TrainingError("\(spec.pointer): the DDC pattern needs a classifier mapping") }
        guard classifier.layersByName[options.hiddenLayerName] != nil else {
            throw TrainingError(
                "\(spec.pointer)/hidden_layer_name: classifier '\(classifier.name)' has no layer named '\(options.hiddenLayerName)' (its layers: \(classifier.spec.layers.enumerated().map { $0.element.name ?? String($0.offset) }.joined(separator: ", ")))"
            )
        }
        self.classifier = classifier
    }

    var capturedLayers: [(mapping: Mapping, layers: Set<String>)] { [(classifier, [hiddenLayer])] }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let (a, captured) = classifier.forward(
            strategy.classifierInput(classifier, input(step)), capturing: [hiddenLayer])
        guard let h = captured[hiddenLayer] else {
            throw TrainingError("\(spec.pointer): layer '\(hiddenLayer)' produced no output")
        }
        let hidden = h.rank == 2 ? h : h.flattened(startDim: 1)
        let kernel = CauchySchwarz.gaussianKernel(
            hidden, relSigma: kernelOptions.relSigma, tensorflowGradient: kernelOptions.tensorflowGradient)
        var out: [PatternLoss] = []
        if options.clusterSeparationWeight > 0 {
            let l1 = CauchySchwarz.dcs(
                a, kernel, numeratorEpsilon: kernelOptions.numeratorEpsilon,
                denominatorEpsilon: kernelOptions.denominatorEpsilon)
            out.append(
                PatternLoss(
                    name: "cluster_separation_loss", group: group,
                    value: l1 * (options.clusterSeparationWeight * weight)))
        }
        if options.orthogonalityWeight > 0 {
            out.append(
                PatternLoss(
                    name: "orthogonality_loss", group: group,
                    value: CauchySchwarz.orthogonality(a) * (options.orthogonalityWeight * weight)))
        }
        if options.simplexCornerWeight > 0 {
            let l3 = CauchySchwarz.dcs(
                CauchySchwarz.simplexCornerSimilarities(a), kernel, numeratorEpsilon: kernelOptions.numeratorEpsilon,
                denominatorEpsilon: kernelOptions.denominatorEpsilon)
            out.append(
                PatternLoss(
                    name: "simplex_corner_loss", group: group, value: l3 * (options.simplexCornerWeight * weight)))
        }
        return out
    }
}

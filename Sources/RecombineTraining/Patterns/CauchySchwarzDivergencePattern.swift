import RecombineMethod
import RecombineTensor

/// DDC's three terms (Kampffmeyer et al. 2019; methods.md §1): cluster separation d_cs(A, K_h),
/// orthogonality of the assignment vectors, and closeness to the simplex corners d_cs(M, K_h), with
/// K_h a Gaussian kernel (median bandwidth rule) on a named hidden layer of the classifier. One
/// forward pass of the classifier gives both A and h.
final class CauchySchwarzDivergencePattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    let classifier: Mapping
    let hiddenLayer: String
    let relSigma: Double, numeratorEpsilon: Double, denominatorEpsilon: Double
    let weights: (separation: Double, orthogonality: Double, simplex: Double)
    let tensorflowGradient: Bool

    init(spec: PatternSpec, strategy: ClusterAssignment, mappings: MappingSet) throws {
        self.spec = spec; self.strategy = strategy
        let o = spec.options
        let name = o["classifier_name"]?.string
        guard let classifier = name.flatMap({ mappings[$0] }) ?? mappings.mappings.first(where: { $0.spec.kind.isClassifier }) else {
            throw TrainingError("\(spec.pointer): the DDC pattern needs a classifier mapping" + (name.map { " (no mapping named '\($0)')" } ?? ""))
        }
        hiddenLayer = o["hidden_layer_name"]?.string ?? ""
        guard classifier.layersByName[hiddenLayer] != nil else {
            throw TrainingError("\(spec.pointer)/hidden_layer_name: classifier '\(classifier.name)' has no layer named '\(hiddenLayer)' (its layers: \(classifier.spec.layers.enumerated().map { $0.element.name ?? String($0.offset) }.joined(separator: ", ")))")
        }
        self.classifier = classifier
        relSigma = o["rel_sigma"]?.number ?? 0.15
        numeratorEpsilon = o["numerator_epsilon"]?.number ?? 1e-9
        denominatorEpsilon = o["denominator_epsilon"]?.number ?? 1e-18
        tensorflowGradient = o["pdist_gradient"]?.string == "tensorflow"
        weights = (o["cluster_separation_weight"]?.number ?? 1, o["orthogonality_weight"]?.number ?? 1, o["simplex_corner_weight"]?.number ?? 1)
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let (a, captured) = classifier.forward(strategy.classifierInput(classifier, input(step)), capturing: [hiddenLayer])
        guard let h = captured[hiddenLayer] else { throw TrainingError("\(spec.pointer): layer '\(hiddenLayer)' produced no output") }
        let hidden = h.rank == 2 ? h : h.flattened(startDim: 1)
        let kernel = CauchySchwarz.gaussianKernel(hidden, relSigma: relSigma, tensorflowGradient: tensorflowGradient)
        var out: [PatternLoss] = []
        if weights.separation > 0 {
            let l1 = CauchySchwarz.dcs(a, kernel, numeratorEpsilon: numeratorEpsilon, denominatorEpsilon: denominatorEpsilon)
            out.append(PatternLoss(name: "cluster_separation_loss", group: group, value: l1 * (weights.separation * weight)))
        }
        if weights.orthogonality > 0 {
            out.append(PatternLoss(name: "orthogonality_loss", group: group, value: CauchySchwarz.orthogonality(a) * (weights.orthogonality * weight)))
        }
        if weights.simplex > 0 {
            let l3 = CauchySchwarz.dcs(CauchySchwarz.simplexCornerSimilarities(a), kernel, numeratorEpsilon: numeratorEpsilon, denominatorEpsilon: denominatorEpsilon)
            out.append(PatternLoss(name: "simplex_corner_loss", group: group, value: l3 * (weights.simplex * weight)))
        }
        return out
    }
}

import Foundation
import RecombineMethod
import RecombineTensor

/// UCO (methods.md §2.2–§2.5): λ · w_ℓ · d_cs(A, K_ℓ) for each attachment point ℓ, K_ℓ a Gaussian kernel
/// with its own median bandwidth on either the layer output flattened per sample (vector kernel) or
/// the summed chordal distances of its mode unfoldings (tensor kernel), A the final soft assignments.
/// Each attachment point is reported as its own loss term (`uco_1`, `uco_2`, …).
final class CompanionObjectivesPattern: DesignPattern {
    let spec: PatternSpec
    let strategy: ClusterAssignment
    /// Attachment points grouped by mapping, in declaration order: (mapping, [(ℓ, layer)]).
    let attachments: [(mapping: Mapping, layers: [(index: Int, name: String)])]
    let count: Int
    let lambda: Double, relSigma: Double, numeratorEpsilon: Double, denominatorEpsilon: Double
    let weighting: String
    let assignmentGradient: Bool
    /// The tensor kernel's settings, nil for the vector kernel.
    let tensorKernel: TensorKernel?
    let tensorflowGradient: Bool

    init(spec: PatternSpec, strategy: ClusterAssignment, mappings: MappingSet) throws {
        self.spec = spec; self.strategy = strategy
        let o = spec.options
        let points = o["attachment_points"]?.array ?? []
        var grouped: [(Mapping, [(Int, String)])] = []
        for (i, point) in points.enumerated() {
            let pointer = "\(spec.pointer)/attachment_points/\(i)"
            guard let name = point["mapping_name"]?.string, let mapping = mappings[name] else {
                throw TrainingError("\(pointer)/mapping_name: no mapping named '\(point["mapping_name"]?.string ?? "")'")
            }
            let layer = point["layer_name"]?.string ?? ""
            guard mapping.layersByName[layer] != nil else {
                throw TrainingError("\(pointer)/layer_name: mapping '\(name)' has no layer named '\(layer)' (its layers: \(mapping.spec.layers.enumerated().map { $0.element.name ?? String($0.offset) }.joined(separator: ", ")))")
            }
            if let g = grouped.firstIndex(where: { $0.0 === mapping }) { grouped[g].1.append((i + 1, layer)) } else { grouped.append((mapping, [(i + 1, layer)])) }
        }
        attachments = grouped.map { (mapping: $0.0, layers: $0.1.map { (index: $0.0, name: $0.1) }) }
        count = points.count
        lambda = o["uco_lambda"]?.number ?? 0.01
        relSigma = o["rel_sigma"]?.number ?? 0.15
        numeratorEpsilon = o["numerator_epsilon"]?.number ?? 1e-9
        denominatorEpsilon = o["denominator_epsilon"]?.number ?? 1e-18
        weighting = o["weighting"]?.string ?? "constant"
        assignmentGradient = o["assignment_gradient"]?.bool ?? true
        tensorflowGradient = o["pdist_gradient"]?.string == "tensorflow"
        if o["kernel"]?.string == "tensor" {
            tensorKernel = TensorKernel(
                orthogonalisation: TensorKernel.Orthogonalisation(rawValue: o["orthogonalisation"]?.string ?? "cholesky") ?? .cholesky,
                epsilon: o["orthogonalisation_epsilon"]?.number ?? 1e-6,
                degeneracyThreshold: o["eigen_degeneracy_threshold"]?.number ?? 1e-8,
                deficientModes: TensorKernel.DeficientModes(rawValue: o["rank_deficient_modes"]?.string ?? "constant") ?? .constant)
        } else {
            tensorKernel = nil
        }
    }

    /// w_ℓ for attachment ℓ of L.
    static func depthWeight(_ l: Int, of count: Int, weighting: String) -> Double {
        switch weighting {
        case "linear": return Double(l) / Double(count)
        case "exp": return Foundation.pow(10, Double(l - 1)) / Foundation.pow(10, Double(count - 1))
        default: return 1
        }
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        // Intermediate outputs first: the capturing passes are cached for the assignments below.
        var outputs: [Int: Tensor] = [:]
        for (mapping, layers) in attachments {
            let captured = mapping.forward(x, capturing: Set(layers.map(\.name))).captured
            for (index, name) in layers { outputs[index] = captured[name] }
        }
        var a = try strategy.assignments(x, logits: false, classifierName: options["classifier_name"]?.string)
        if !assignmentGradient { a = a.detached() }
        return try (1...count).map { l in
            guard let h = outputs[l] else { throw TrainingError("\(spec.pointer): attachment point \(l) produced no output") }
            let kernel = try self.kernel(h, attachment: l)
            let term = CauchySchwarz.dcs(a, kernel, numeratorEpsilon: numeratorEpsilon, denominatorEpsilon: denominatorEpsilon)
            return PatternLoss(name: "uco_\(l)", group: group, value: term * (lambda * Self.depthWeight(l, of: count, weighting: weighting) * weight))
        }
    }

    /// K_ℓ on the output `h` of attachment point ℓ.
    func kernel(_ h: Tensor, attachment l: Int) throws -> Tensor {
        guard let tensorKernel else {
            return CauchySchwarz.gaussianKernel(h.rank == 2 ? h : h.flattened(startDim: 1), relSigma: relSigma, tensorflowGradient: tensorflowGradient)
        }
        guard h.rank >= 3 else {
            throw TrainingError("\(spec.pointer)/attachment_points/\(l - 1): the tensor kernel needs a layer output with at least two axes per sample, found \(h.shape); use \"kernel\": \"vector\" for vectors")
        }
        do { return CauchySchwarz.gaussianKernel(distances: try tensorKernel.distances(h), relSigma: relSigma) }
        catch { throw TrainingError("\(spec.pointer)/attachment_points/\(l - 1): the tensor kernel's factorisation failed: \(error)") }
    }
}

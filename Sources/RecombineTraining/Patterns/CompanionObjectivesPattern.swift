import Foundation
import RecombineMethod
import RecombineTensor

/// UCO: λ · w_ℓ · d_cs(A, K_ℓ) for each attachment point ℓ, K_ℓ a Gaussian kernel
/// with its own median bandwidth on either the layer output flattened per sample (vector kernel) or
/// the summed chordal distances of its mode unfoldings (tensor kernel), A the final soft assignments.
/// Each attachment point is reported as its own loss term (`uco_1`, `uco_2`, …).
final class CompanionObjectivesPattern: RoutedPattern {
    static let kind = PatternKind.companionObjectives

    struct AttachmentPoint: Decodable {
        let mappingName: String
        let layerName: String
    }

    struct Options: Decodable {
        let attachmentPoints: [AttachmentPoint]
        let classifierName: String?
        /// `vector` or `tensor`.
        let kernel: String
        let orthogonalisation: String
        let orthogonalisationEpsilon: Double
        let eigenDegeneracyThreshold: Double
        let rankDeficientModes: String
        let ucoLambda: Double
        /// `constant`, `linear` or `exp` (see `depthWeight`).
        let weighting: String
        let assignmentGradient: Bool
    }

    let spec: PatternSpec
    let routing: LossRouting
    let options: Options
    let strategy: ClusterAssignment
    /// Attachment points grouped by mapping, in declaration order: (mapping, [(ℓ, layer)]).
    let attachments: [(mapping: Mapping, layers: [(index: Int, name: String)])]
    var count: Int { options.attachmentPoints.count }
    /// The tensor kernel's settings, nil for the vector kernel.
    let tensorKernel: TensorKernel?
    let kernelOptions: CauchySchwarz.KernelOptions

    init(spec: PatternSpec, context: PatternContext) throws {
        self.spec = spec
        routing = try spec.decodeOptions()
        let options = try spec.decodeOptions(Options.self)
        self.options = options
        kernelOptions = try spec.decodeOptions()
        strategy = context.strategy
        var grouped: [(Mapping, [(Int, String)])] = []
        for (i, point) in options.attachmentPoints.enumerated() {
            let pointer = spec.pointer.appending("attachment_points").appending(String(i))
            let mapping = try context.mapping(point.mappingName, option: "mapping_name", of: pointer)
            guard mapping.layersByName[point.layerName] != nil else {
                throw TrainingError(
                    "\(pointer)/layer_name: mapping '\(point.mappingName)' has no layer named '\(point.layerName)' (its layers: \(mapping.spec.layers.enumerated().map { $0.element.name ?? String($0.offset) }.joined(separator: ", ")))"
                )
            }
            if let g = grouped.firstIndex(where: { $0.0 === mapping }) {
                grouped[g].1.append((i + 1, point.layerName))
            } else {
                grouped.append((mapping, [(i + 1, point.layerName)]))
            }
        }
        attachments = grouped.map { (mapping: $0.0, layers: $0.1.map { (index: $0.0, name: $0.1) }) }
        if options.kernel == "tensor" {
            guard let orthogonalisation = TensorKernel.Orthogonalisation(rawValue: options.orthogonalisation),
                let deficientModes = TensorKernel.DeficientModes(rawValue: options.rankDeficientModes)
            else {
                throw TrainingError(
                    "\(spec.pointer): unknown orthogonalisation '\(options.orthogonalisation)' or rank_deficient_modes '\(options.rankDeficientModes)'"
                )
            }
            tensorKernel = TensorKernel(
                orthogonalisation: orthogonalisation, epsilon: options.orthogonalisationEpsilon,
                degeneracyThreshold: options.eigenDegeneracyThreshold, deficientModes: deficientModes)
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

    var capturedLayers: [(mapping: Mapping, layers: Set<String>)] {
        attachments.map { (mapping: $0.mapping, layers: Set($0.layers.map(\.name))) }
    }

    func losses(_ step: StepInput) throws -> [PatternLoss] {
        let x = input(step)
        var outputs: [Int: Tensor] = [:]
        for (mapping, layers) in attachments {
            let captured = mapping.forward(x, capturing: Set(layers.map(\.name))).captured
            for (index, name) in layers { outputs[index] = captured[name] }
        }
        var a = try strategy.assignments(x, logits: false, classifierName: options.classifierName)
        if !options.assignmentGradient { a = a.detached() }
        return try (1...count).map { l in
            guard let h = outputs[l] else {
                throw TrainingError("\(spec.pointer): attachment point \(l) produced no output")
            }
            let kernel = try self.kernel(h, attachment: l)
            let term = CauchySchwarz.dcs(
                a, kernel, numeratorEpsilon: kernelOptions.numeratorEpsilon,
                denominatorEpsilon: kernelOptions.denominatorEpsilon)
            return PatternLoss(
                name: "uco_\(l)", group: group,
                value: term
                    * (options.ucoLambda * Self.depthWeight(l, of: count, weighting: options.weighting) * weight))
        }
    }

    /// K_ℓ on the output `h` of attachment point ℓ.
    func kernel(_ h: Tensor, attachment l: Int) throws -> Tensor {
        guard let tensorKernel else {
            return CauchySchwarz.gaussianKernel(
                h.rank == 2 ? h : h.flattened(startDim: 1), relSigma: kernelOptions.relSigma,
                tensorflowGradient: kernelOptions.tensorflowGradient)
        }
        guard h.rank >= 3 else {
            throw TrainingError(
                "\(spec.pointer)/attachment_points/\(l - 1): the tensor kernel needs a layer output with at least two axes per sample, found \(h.shape); use \"kernel\": \"vector\" for vectors"
            )
        }
        do {
            return CauchySchwarz.gaussianKernel(
                distances: try tensorKernel.distances(h), relSigma: kernelOptions.relSigma)
        } catch {
            throw TrainingError(
                "\(spec.pointer)/attachment_points/\(l - 1): the tensor kernel's factorisation failed: \(error)")
        }
    }
}

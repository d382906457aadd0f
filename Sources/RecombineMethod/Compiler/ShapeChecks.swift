import RecombineNN
import RecombineTensor

/// Static shape checks before training (B20 in Docs/reference-differences.md): every mapping's layers chain from the shape
/// its input has, decoders reproduce the sample shape where reconstruction needs it, classifiers
/// give one column per cluster, heads take the feature dimension. Errors name the mapping, the
/// layer and both shapes.
struct ShapeChecks {
    let method: MethodSpec
    let mappings: MappingSet
    var issues: [PointerIssue] = []
    /// Output shape of each mapping for the dataset being checked (batch axis included).
    var outputs: [String: [Int]] = [:]
    /// Elements of every layer output of each mapping (batch axis included), for the memory estimate.
    var activationElements: [String: Double] = [:]
    /// Output shape of every layer of each mapping, by layer name (or index for unnamed layers).
    var layerOutputs: [String: [String: [Int]]] = [:]
    /// Mappings whose shapes failed (already reported).
    var failed = Set<String>()
    var sample: [Int] = []

    init(
        method: MethodSpec, mappings: MappingSet, sampleShape: [Int], numClusters: Int, datasetName: String,
        batch: Int = 2
    ) {
        self.method = method
        self.mappings = mappings
        let input = [batch] + sampleShape
        sample = input
        // Mappings whose input is known without patterns, in dependency order.
        var pending = method.mappings
        var progress = true
        while progress && !pending.isEmpty {
            progress = false
            for spec in pending {
                guard let source = inputShape(of: spec, sample: input) else { continue }
                if let source = source { _ = infer(spec, source, context: "for dataset '\(datasetName)'") }
                pending.removeAll { $0.name == spec.name }
                progress = true
            }
        }
        checkPatterns(sample: input, numClusters: numClusters, datasetName: datasetName)
        if method.strategy.kind == .classifier {
            for spec in method.mappings where spec.kind.isClassifier {
                if let out = outputs[spec.name], out.count == 2, out[1] != numClusters {
                    issues.append(
                        PointerIssue(
                            pointer: spec.pointer.appending("layers"),
                            message:
                                "classifier '\(spec.name)' outputs \(out[1]) columns, but dataset '\(datasetName)' has num_clusters \(numClusters)"
                        ))
                }
            }
        }
    }

    /// The input shape of a mapping: .some(nil) when it is unknown until a pattern uses it; nil while
    /// a mapping it depends on has not been inferred yet.
    func inputShape(of spec: MappingSpec, sample: [Int]) -> [Int]?? {
        if let prior = spec.priorMappingName {
            if method.mapping(named: prior) == nil { return .some(nil) }
            return outputs[prior].map { .some($0) }
        }
        switch spec.kind {
        case .featureExtractor, .sampleSpaceClassifier: return .some(sample)
        case .featureSpaceClassifier:
            guard
                let fe = spec.associatedFeatureExtractorName
                    ?? method.mappings.first(where: { $0.kind == .featureExtractor })?.name
            else { return .some(nil) }
            return outputs[fe].map { .some($0) }
        case .designPatternSpecific: return .some(nil)
        }
    }

    /// Runs the shape rules of a mapping's layers on `input`; records its output or an issue.
    mutating func infer(_ spec: MappingSpec, _ input: [Int], context: String) -> [Int]? {
        // With duplicate names (reported by the reference checks) the lookup may find another mapping.
        guard let mapping = mappings[spec.name], mapping.spec.pointer == spec.pointer else { return nil }
        var shape = spec.preProcessing.reduce(input) { FunctionRegistry.outputShape($1, $0) }
        var elements = shape.reduce(1.0) { $0 * Double($1) }
        var perLayer: [String: [Int]] = [:]
        defer { layerOutputs[spec.name] = perLayer }
        for (i, layer) in mapping.net.layers.enumerated() {
            switch layer.outputShape(for: shape) {
            case .success(let next):
                shape = next
                perLayer[spec.layers[i].name ?? String(i)] = next
                let count = next.reduce(1.0) { $0 * Double($1) }
                // Beyond 2⁵³ elements (or a negative size) the next layer's shape arithmetic could overflow.
                guard count <= 0x1p53, next.allSatisfy({ $0 >= 0 }) else {
                    let layerSpec = spec.layers[i]
                    issues.append(
                        PointerIssue(
                            pointer: layerSpec.pointer,
                            message:
                                "mapping '\(spec.name)', layer #\(i) (\(layerSpec.type)) \(context): output shape \(next) is too large"
                        ))
                    failed.insert(spec.name)
                    return nil
                }
                elements += count
            case .failure(let error):
                let layerSpec = spec.layers[i]
                let label = layerSpec.name.map { "'\($0)' (#\(i), \(layerSpec.type))" } ?? "#\(i) (\(layerSpec.type))"
                issues.append(
                    PointerIssue(
                        pointer: layerSpec.pointer,
                        message: "mapping '\(spec.name)', layer \(label) \(context): \(error.message)"))
                failed.insert(spec.name)
                return nil
            }
        }
        shape = spec.postProcessing.reduce(shape) { FunctionRegistry.outputShape($1, $0) }
        outputs[spec.name] = shape
        activationElements[spec.name] = elements
        return shape
    }

    /// The output shape of a mapping: from its own input when that is determined (samples, a prior
    /// mapping, a feature extractor), else from `fallback` (how the pattern feeds it).
    mutating func output(of name: String, given fallback: [Int], context: String) -> [Int]? {
        if failed.contains(name) { return nil }
        if let known = outputs[name] { return known }
        guard let spec = method.mapping(named: name) else { return nil }
        switch inputShape(of: spec, sample: sample) {
        case .some(.some(let input)): return infer(spec, input, context: "")
        case .some(.none): return infer(spec, fallback, context: context)
        case .none: return nil  // a mapping it depends on failed
        }
    }

    mutating func checkPatterns(sample: [Int], numClusters: Int, datasetName: String) {
        for phase in method.phases {
            for (i, pattern) in phase.patterns.enumerated() where pattern.enabled {
                let at = phase.pointer.appending("design_patterns").appending(i)
                let o = pattern.options
                switch pattern.kind {
                case .reconstruction?, .adversarialInterpolation?, .layerWisePretraining?:
                    guard let encoder = o["encoder_name"]?.string, let decoder = o["decoder_name"]?.string,
                        let code = output(of: encoder, given: sample, context: "")
                    else { continue }
                    guard
                        let reconstruction = output(
                            of: decoder, given: code, context: "(input: the output \(code) of '\(encoder)')")
                    else { continue }
                    if reconstruction != sample {
                        issues.append(
                            PointerIssue(
                                pointer: at.appending("decoder_name"),
                                message:
                                    "decoder '\(decoder)' outputs shape \(reconstruction) but must reconstruct the samples of dataset '\(datasetName)', shape \(sample)"
                            ))
                    }
                    for key in ["critic_name", "discriminator_name"] {
                        guard let critic = o[key]?.string,
                            let out = output(of: critic, given: sample, context: "(input: samples \(sample))")
                        else { continue }
                        if out.dropFirst().reduce(1, *) != 1 {
                            issues.append(
                                PointerIssue(
                                    pointer: at.appending(key),
                                    message:
                                        "\(key == "critic_name" ? "critic" : "discriminator") '\(critic)' must output one value per sample ([B, 1]), got \(out)"
                                ))
                        }
                    }
                case .denoisingLayerWiseReconstruction?:
                    guard let encoder = o["encoder_name"]?.string, let decoder = o["decoder_name"]?.string,
                        let code = output(of: encoder, given: sample, context: ""),
                        output(of: decoder, given: code, context: "(input: the output \(code) of '\(encoder)')") != nil
                    else { continue }
                    for (j, pair) in (o["layer_pairs"]?.array ?? []).enumerated() {
                        let encoderLayer = pair["encoder_layer_name"]?.string ?? "input"
                        guard let decoderLayer = pair["decoder_layer_name"]?.string,
                            let reconstruction = layerOutputs[decoder]?[decoderLayer],
                            let target = encoderLayer == "input" ? sample : layerOutputs[encoder]?[encoderLayer]
                        else { continue }
                        if reconstruction.reduce(1, *) != target.reduce(1, *) {
                            issues.append(
                                PointerIssue(
                                    pointer: at.appending("layer_pairs").appending(j),
                                    message:
                                        "decoder '\(decoder)' layer '\(decoderLayer)' outputs \(reconstruction) but must reconstruct \(encoderLayer == "input" ? "the samples of dataset '\(datasetName)'" : "encoder '\(encoder)' layer '\(encoderLayer)'"), shape \(target)"
                                ))
                        }
                    }
                case .instanceContrastive?:
                    guard let head = o["contrastive_learning_head_name"]?.string,
                        let out = output(of: head, given: sample, context: "(input: samples \(sample))")
                    else { continue }
                    if out.count != 2 {
                        issues.append(
                            PointerIssue(
                                pointer: at.appending("contrastive_learning_head_name"),
                                message: "contrastive head '\(head)' must output vectors [B, D], got \(out)"))
                    }
                default: break
                }
            }
        }
    }
}

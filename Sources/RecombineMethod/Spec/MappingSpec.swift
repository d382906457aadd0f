/// The role of a trainable mapping.
public enum MappingKind: String, Sendable, CaseIterable {
    case featureExtractor = "feature_extractor"
    case featureSpaceClassifier = "feature_space_classifier"
    case sampleSpaceClassifier = "sample_space_classifier"
    case designPatternSpecific = "design_pattern_specific"

    /// Classifiers produce cluster-assignment logits.
    public var isClassifier: Bool { self == .featureSpaceClassifier || self == .sampleSpaceClassifier }
}

/// One layer of a mapping: a torch.nn type name, an optional name, and its keyword arguments.
public struct LayerSpec: Sendable {
    public let type: String
    public let name: String?
    public let arguments: JSONObject
    public let pointer: JSONPointer
}

/// A `layer_initialization` entry: initialiser `type` applied to `weightType` of the named layers.
public struct LayerInitializationSpec: Sendable {
    public let layerNames: [String]
    public let weightType: String
    /// The initialiser name without the trailing underscore torch uses (`xavier_uniform`).
    public let type: String
    public let arguments: JSONObject
    public let pointer: JSONPointer
}

/// A torch.nn.functional call applied before or after a mapping's layers.
public struct FunctionSpec: Sendable {
    public let functionName: String
    public let inputArgumentName: String
    public let arguments: JSONObject
    public let pointer: JSONPointer
}

/// A trainable mapping (encoder, decoder, head, classifier, critic) as written in the method file.
public struct MappingSpec: Sendable {
    public let name: String
    public let kind: MappingKind
    public let layers: [LayerSpec]
    public let layerInitialization: [LayerInitializationSpec]
    public let preProcessing: [FunctionSpec]
    public let postProcessing: [FunctionSpec]
    public let associatedFeatureExtractorName: String?
    public let softmaxLayerName: String?
    public let priorMappingName: String?
    public let pointer: JSONPointer

    init(_ r: SpecReader) {
        let kind = MappingKind(rawValue: r.filledString("type")) ?? .designPatternSpecific
        self.kind = kind
        name = r.string("name") ?? kind.rawValue
        layers = r.items("layers").map {
            LayerSpec(
                type: $0.filledString("type"), name: $0.string("name"),
                arguments: $0.arguments(excluding: ["type", "name"]), pointer: $0.pointer)
        }
        layerInitialization = r.items("layer_initialization").map {
            var type = $0.filledString("type")
            if type.hasSuffix("_") { type.removeLast() }
            return LayerInitializationSpec(
                layerNames: $0.strings("layer_names") ?? [], weightType: $0.filledString("weight_type"),
                type: type, arguments: $0.arguments(excluding: ["type", "layer_names", "weight_type"]),
                pointer: $0.pointer)
        }
        func functions(_ key: String) -> [FunctionSpec] {
            r.items(key).map {
                FunctionSpec(
                    functionName: $0.filledString("function_name"),
                    inputArgumentName: $0.filledString("input_argument_name"),
                    arguments: $0.arguments(excluding: ["function_name", "input_argument_name"]), pointer: $0.pointer)
            }
        }
        preProcessing = functions("pre_processing_functions")
        postProcessing = functions("post_processing_functions")
        associatedFeatureExtractorName = r.string("associated_feature_extractor_name")
        softmaxLayerName = r.string("softmax_layer_name")
        priorMappingName = r.string("prior_mapping_name")
        pointer = r.pointer
    }
}

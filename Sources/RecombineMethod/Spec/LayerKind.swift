/// The torch.nn layer types a method file may use (`type` of a layer, Schema/layer.json).
public enum LayerKind: String, Sendable, CaseIterable {
    case linear = "Linear"
    case conv1d = "Conv1d"
    case conv2d = "Conv2d"
    case convTranspose2d = "ConvTranspose2d"
    case maxPool1d = "MaxPool1d"
    case maxPool2d = "MaxPool2d"
    case avgPool1d = "AvgPool1d"
    case avgPool2d = "AvgPool2d"
    case adaptiveAvgPool2d = "AdaptiveAvgPool2d"
    case upsample = "Upsample"
    case batchNorm1d = "BatchNorm1d"
    case batchNorm2d = "BatchNorm2d"
    case layerNorm = "LayerNorm"
    case dropout = "Dropout"
    case flatten = "Flatten"
    case unflatten = "Unflatten"
    case identity = "Identity"
    case relu = "ReLU"
    case leakyReLU = "LeakyReLU"
    case elu = "ELU"
    case selu = "SELU"
    case celu = "CELU"
    case gelu = "GELU"
    case sigmoid = "Sigmoid"
    case tanh = "Tanh"
    case softplus = "Softplus"
    case softmax = "Softmax"
    case logSoftmax = "LogSoftmax"
    case hardtanh = "Hardtanh"
}

extension LayerSpec {
    /// The layer's type; nil for a name the schema does not know.
    public var kind: LayerKind? { LayerKind(rawValue: type) }
}

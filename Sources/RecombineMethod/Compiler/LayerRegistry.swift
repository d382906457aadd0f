import RecombineNN
import RecombineTensor

/// The closed registry of torch.nn layer types a method file may use: name → constructor reading
/// torch's keyword arguments. Nothing is looked up reflectively.
enum LayerRegistry {
    static var names: [String] { LayerKind.allCases.map(\.rawValue) }

    static func make(_ spec: LayerSpec, generator g: inout RandomGenerator) throws -> Module {
        let a = Arguments(object: spec.arguments, pointer: spec.pointer)
        guard let kind = spec.kind else {
            throw CompileError(
                spec.pointer.appending("type"),
                "unknown layer type '\(spec.type)'." + Suggestions.hint(for: spec.type, among: names))
        }
        try checkConstraints(spec, a)
        switch kind {
        case .linear:
            return Linear(
                inFeatures: try a.int("in_features"), outFeatures: try a.int("out_features"),
                bias: try a.bool("bias"), generator: &g)
        case .conv1d:
            let k = try a.pair("kernel_size").0
            return Conv1d(
                inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"), kernelSize: k,
                stride: try a.pair("stride").0,
                padding: try a.pair("padding").0, dilation: try a.pair("dilation").0,
                groups: try a.int("groups"),
                bias: try a.bool("bias"), generator: &g)
        case .conv2d:
            return Conv2d(
                inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"),
                kernelSize: try a.pair("kernel_size"),
                stride: try a.pair("stride"), padding: try a.pair("padding"),
                dilation: try a.pair("dilation"),
                groups: try a.int("groups"), bias: try a.bool("bias"), generator: &g)
        case .convTranspose2d:
            return ConvTranspose2d(
                inChannels: try a.int("in_channels"), outChannels: try a.int("out_channels"),
                kernelSize: try a.pair("kernel_size"),
                stride: try a.pair("stride"), padding: try a.pair("padding"),
                outputPadding: try a.pair("output_padding"),
                dilation: try a.pair("dilation"), groups: try a.int("groups"),
                bias: try a.bool("bias"), generator: &g)
        case .maxPool1d:
            let k = try a.pair("kernel_size").0
            return MaxPool1d(
                kernelSize: k, stride: try a.optionalPair("stride")?.0, padding: try a.pair("padding").0,
                dilation: try a.pair("dilation").0, ceilMode: try a.bool("ceil_mode"))
        case .maxPool2d:
            return MaxPool2d(
                kernelSize: try a.pair("kernel_size"), stride: try a.optionalPair("stride"),
                padding: try a.pair("padding"),
                dilation: try a.pair("dilation"), ceilMode: try a.bool("ceil_mode"))
        case .avgPool1d:
            return AvgPool1d(
                kernelSize: try a.pair("kernel_size").0, stride: try a.optionalPair("stride")?.0,
                padding: try a.pair("padding").0,
                ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"))
        case .avgPool2d:
            return AvgPool2d(
                kernelSize: try a.pair("kernel_size"), stride: try a.optionalPair("stride"),
                padding: try a.pair("padding"),
                ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"))
        case .adaptiveAvgPool2d: return AdaptiveAvgPool2d(outputSize: try a.pair("output_size"))
        case .upsample:
            let modeName = try a.string("mode")
            guard let mode = UpsampleMode(rawValue: modeName) else {
                throw CompileError(spec.pointer.appending("mode"), "unknown mode '\(modeName)'")
            }
            return Upsample(
                size: try a.optionalPair("size"), scaleFactor: try a.numberPair("scale_factor"), mode: mode,
                alignCorners: try a.bool("align_corners"))
        case .batchNorm1d, .batchNorm2d:
            let n = try a.int("num_features"), eps = try a.double("eps"), momentum = try a.double("momentum")
            let affine = try a.bool("affine"), track = try a.bool("track_running_stats")
            return kind == .batchNorm1d
                ? BatchNorm1d(numFeatures: n, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track)
                : BatchNorm2d(numFeatures: n, eps: eps, momentum: momentum, affine: affine, trackRunningStats: track)
        case .layerNorm:
            return LayerNorm(
                normalizedShape: try a.ints("normalized_shape"), eps: try a.double("eps"),
                elementwiseAffine: try a.bool("elementwise_affine"), bias: try a.bool("bias"))
        case .dropout: return Dropout(p: try a.double("p"), generator: &g)
        case .flatten: return Flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim"))
        case .unflatten: return Unflatten(dim: try a.int("dim"), unflattenedSize: try a.ints("unflattened_size"))
        case .identity: return Identity()
        case .relu: return ReLU()
        case .leakyReLU: return LeakyReLU(negativeSlope: try a.double("negative_slope"))
        case .elu: return ELU(alpha: try a.double("alpha"))
        case .selu: return SELU()
        case .celu: return CELU(alpha: try a.double("alpha"))
        case .gelu: return GELU()
        case .sigmoid: return Sigmoid()
        case .tanh: return Tanh()
        case .softplus: return Softplus(beta: try a.double("beta"), threshold: try a.double("threshold"))
        case .softmax: return Softmax(dim: try a.int("dim"))
        case .logSoftmax: return LogSoftmax(dim: try a.int("dim"))
        case .hardtanh: return Hardtanh(minValue: try a.double("min_val"), maxValue: try a.double("max_val"))
        }
    }
}

extension LayerRegistry {
    /// What the layers' constructors assume beyond single values: channels divisible by groups,
    /// probabilities in [0, 1], exactly one of Upsample's size and scale factor.
    static func checkConstraints(_ spec: LayerSpec, _ a: Arguments) throws {
        switch spec.kind {
        case .conv1d, .conv2d, .convTranspose2d:
            let groups = try a.int("groups"), inChannels = try a.int("in_channels"),
                outChannels = try a.int("out_channels")
            if inChannels % groups != 0 || outChannels % groups != 0 {
                throw CompileError(
                    spec.pointer.appending("groups"),
                    "in_channels \(inChannels) and out_channels \(outChannels) must both be divisible by groups \(groups)"
                )
            }
        case .dropout:
            let p = try a.double("p")
            if !(p >= 0 && p <= 1) {
                throw CompileError(spec.pointer.appending("p"), "expected a probability in [0, 1], found \(p)")
            }
        case .upsample:
            let size = try a.optionalPair("size"), scale = try a.numberPair("scale_factor")
            if (size == nil) == (scale == nil) {
                throw CompileError(spec.pointer, "Upsample needs exactly one of size and scale_factor")
            }
            if let scale, !(scale.0 > 0 && scale.1 > 0 && scale.0 <= 1e6 && scale.1 <= 1e6) {
                throw CompileError(
                    spec.pointer.appending("scale_factor"), "expected a scale factor in (0, 10⁶], found \(scale)")
            }
        default: break
        }
    }
}

/// torch.nn.functional functions allowed in pre- and post-processing.
enum FunctionRegistry {
    static func make(_ spec: FunctionSpec) throws -> (Tensor) -> Tensor {
        let a = Arguments(object: spec.arguments, pointer: spec.pointer)
        switch spec.functionName {
        case "normalize":
            let p = try a.double("p"), dim = try a.int("dim"), eps = try a.double("eps")
            return { $0.normalized(axis: dim, p: p, eps: eps) }
        case "softmax": let dim = try a.int("dim"); return { $0.softmax(axis: dim) }
        case "log_softmax": let dim = try a.int("dim"); return { $0.logSoftmax(axis: dim) }
        case "relu": return { $0.relu() }
        case "sigmoid": return { $0.sigmoid() }
        case "tanh": return { $0.tanh() }
        case "leaky_relu": let s = try a.double("negative_slope"); return { $0.leakyReLU(negativeSlope: s) }
        case "elu": let alpha = try a.double("alpha"); return { $0.elu(alpha: alpha) }
        case "gelu": return { $0.gelu() }
        case "softplus":
            let b = try a.double("beta"), t = try a.double("threshold");
            return { $0.softplus(beta: b, threshold: t) }
        case "flatten":
            let s = try a.int("start_dim"), e = try a.int("end_dim");
            return { $0.flattened(startDim: s, endDim: e) }
        default: throw CompileError(spec.pointer.appending("function_name"), "unknown function '\(spec.functionName)'")
        }
    }

    /// The shape a function maps `shape` to.
    static func outputShape(_ spec: FunctionSpec, _ shape: [Int]) -> [Int] {
        guard spec.functionName == "flatten" else { return shape }
        let a = Arguments(object: spec.arguments, pointer: spec.pointer)
        guard let s0 = try? a.int("start_dim"), let e0 = try? a.int("end_dim") else { return shape }
        let s = s0 < 0 ? s0 + shape.count : s0, e = e0 < 0 ? e0 + shape.count : e0
        guard s >= 0, e < shape.count, s <= e else { return shape }
        return Array(shape[..<s]) + [shape[s...e].reduce(1, *)] + Array(shape[(e + 1)...])
    }
}

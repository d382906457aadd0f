import Foundation
import RecombineTensor

/// Weight and bias of a convolution with torch's default initialisation: weight
/// kaiming_uniform(a = √5) over fan_in = (in/groups)·k, bias U(−1/√fan_in, 1/√fan_in).
func convolutionParameters(
    _ weightShape: [Int], fanIn: Int, bias: Bool, outChannels: Int, generator: inout RandomGenerator
) -> (Tensor, Tensor?) {
    let weight = Tensor.zeros(weightShape)
    Init.kaimingUniform(weight, a: Foundation.sqrt(5.0), generator: &generator)
    let bound = 1 / Foundation.sqrt(Double(fanIn))
    return (weight, bias ? Tensor.uniform([outChannels], low: -bound, high: bound, generator: &generator) : nil)
}

/// Output length of a convolution or pool along one axis, or a message when the input is too small.
func convolvedSize(
    _ size: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool = false, layer: String
) -> Result<Int, ShapeError> {
    let out = ConvGeometry.outputSize(
        size, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    return out > 0
        ? .success(out)
        : .failure(
            ShapeError(
                "\(layer): input size \(size) is smaller than the kernel (\(kernel), dilation \(dilation), padding \(padding))"
            ))
}

/// 2-D convolution layer (torch.nn.Conv2d) over [N, C, H, W].
public final class Conv2d: Module {
    public let inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int),
        dilation: (Int, Int), groups: Int
    public let weight: Tensor, bias: Tensor?

    public init(
        inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0),
        dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true, generator: inout RandomGenerator
    ) {
        precondition(
            groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
            "Conv2d: channels must divide by groups")
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernelSize = kernelSize; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.groups = groups
        (weight, self.bias) = convolutionParameters(
            [outChannels, inChannels / groups, kernelSize.0, kernelSize.1],
            fanIn: inChannels / groups * kernelSize.0 * kernelSize.1, bias: bias, outChannels: outChannels,
            generator: &generator)
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 4 else { return .failure(ShapeError("Conv2d expects [N, C, H, W], got shape \(s)")) }
        guard s[1] == inChannels else {
            return .failure(ShapeError("Conv2d(in_channels: \(inChannels)) got \(s[1]) channels (input shape \(s))"))
        }
        return convolvedSize(
            s[2], kernel: kernelSize.0, stride: stride.0, padding: padding.0, dilation: dilation.0, layer: "Conv2d"
        ).flatMap { h in
            convolvedSize(
                s[3], kernel: kernelSize.1, stride: stride.1, padding: padding.1, dilation: dilation.1, layer: "Conv2d"
            ).map { [s[0], outChannels, h, $0] }
        }
    }
}

/// 1-D convolution layer (torch.nn.Conv1d) over [N, C, L].
public final class Conv1d: Module {
    public let inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int, dilation: Int, groups: Int
    public let weight: Tensor, bias: Tensor?

    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
        groups: Int = 1,
        bias: Bool = true, generator: inout RandomGenerator
    ) {
        precondition(
            groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
            "Conv1d: channels must divide by groups")
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernelSize = kernelSize; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.groups = groups
        (weight, self.bias) = convolutionParameters(
            [outChannels, inChannels / groups, kernelSize], fanIn: inChannels / groups * kernelSize,
            bias: bias, outChannels: outChannels, generator: &generator)
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.conv1d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 3 else { return .failure(ShapeError("Conv1d expects [N, C, L], got shape \(s)")) }
        guard s[1] == inChannels else {
            return .failure(ShapeError("Conv1d(in_channels: \(inChannels)) got \(s[1]) channels (input shape \(s))"))
        }
        return convolvedSize(
            s[2], kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, layer: "Conv1d"
        ).map { [s[0], outChannels, $0] }
    }
}

/// Transposed 2-D convolution layer (torch.nn.ConvTranspose2d); weight [in, out/groups, kh, kw].
public final class ConvTranspose2d: Module {
    public let inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public let outputPadding: (Int, Int), dilation: (Int, Int), groups: Int
    public let weight: Tensor, bias: Tensor?

    public init(
        inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
        padding: (Int, Int) = (0, 0),
        outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
        generator: inout RandomGenerator
    ) {
        precondition(
            groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
            "ConvTranspose2d: channels must divide by groups")
        self.inChannels = inChannels; self.outChannels = outChannels; self.kernelSize = kernelSize;
        self.stride = stride; self.padding = padding
        self.outputPadding = outputPadding; self.dilation = dilation; self.groups = groups
        // torch computes fan_in from weight.size(1)·k = (out/groups)·k for transposed convolutions.
        (weight, self.bias) = convolutionParameters(
            [inChannels, outChannels / groups, kernelSize.0, kernelSize.1],
            fanIn: outChannels / groups * kernelSize.0 * kernelSize.1, bias: bias, outChannels: outChannels,
            generator: &generator)
        super.init()
        registerParameter("weight", weight)
        if let b = self.bias { registerParameter("bias", b) }
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.convTranspose2d(
            weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
            dilation: dilation, groups: groups)
    }

    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 4 else { return .failure(ShapeError("ConvTranspose2d expects [N, C, H, W], got shape \(s)")) }
        guard s[1] == inChannels else {
            return .failure(
                ShapeError("ConvTranspose2d(in_channels: \(inChannels)) got \(s[1]) channels (input shape \(s))"))
        }
        let h = (s[2] - 1) * stride.0 - 2 * padding.0 + dilation.0 * (kernelSize.0 - 1) + outputPadding.0 + 1
        let w = (s[3] - 1) * stride.1 - 2 * padding.1 + dilation.1 * (kernelSize.1 - 1) + outputPadding.1 + 1
        guard h > 0 && w > 0 else {
            return .failure(ShapeError("ConvTranspose2d: output size \(h)×\(w) is not positive for input \(s)"))
        }
        return .success([s[0], outChannels, h, w])
    }
}

import RecombineTensor

/// 2-D max pooling (torch.nn.MaxPool2d).
public final class MaxPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), ceilMode: Bool
    public init(
        kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
        ceilMode: Bool = false
    ) {
        self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding;
        self.dilation = dilation; self.ceilMode = ceilMode
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.maxPool2d(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 4 else { return .failure(ShapeError("MaxPool2d expects [N, C, H, W], got shape \(s)")) }
        return convolvedSize(
            s[2], kernel: kernelSize.0, stride: stride.0, padding: padding.0, dilation: dilation.0, ceilMode: ceilMode,
            layer: "MaxPool2d"
        ).flatMap { h in
            convolvedSize(
                s[3], kernel: kernelSize.1, stride: stride.1, padding: padding.1, dilation: dilation.1,
                ceilMode: ceilMode, layer: "MaxPool2d"
            ).map { [s[0], s[1], h, $0] }
        }
    }
}

/// 1-D max pooling (torch.nn.MaxPool1d).
public final class MaxPool1d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1, ceilMode: Bool = false) {
        self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding;
        self.dilation = dilation; self.ceilMode = ceilMode
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.maxPool1d(kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 3 else { return .failure(ShapeError("MaxPool1d expects [N, C, L], got shape \(s)")) }
        return convolvedSize(
            s[2], kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode,
            layer: "MaxPool1d"
        ).map { [s[0], s[1], $0] }
    }
}

/// 2-D average pooling (torch.nn.AvgPool2d).
public final class AvgPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), ceilMode: Bool, countIncludePad: Bool
    public init(
        kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), ceilMode: Bool = false,
        countIncludePad: Bool = true
    ) {
        self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding;
        self.ceilMode = ceilMode; self.countIncludePad = countIncludePad
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.avgPool2d(
            kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 4 else { return .failure(ShapeError("AvgPool2d expects [N, C, H, W], got shape \(s)")) }
        return convolvedSize(
            s[2], kernel: kernelSize.0, stride: stride.0, padding: padding.0, dilation: 1, ceilMode: ceilMode,
            layer: "AvgPool2d"
        ).flatMap { h in
            convolvedSize(
                s[3], kernel: kernelSize.1, stride: stride.1, padding: padding.1, dilation: 1, ceilMode: ceilMode,
                layer: "AvgPool2d"
            ).map { [s[0], s[1], h, $0] }
        }
    }
}

/// 1-D average pooling (torch.nn.AvgPool1d).
public final class AvgPool1d: Module {
    public let kernelSize: Int, stride: Int, padding: Int, ceilMode: Bool, countIncludePad: Bool
    public init(
        kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true
    ) {
        self.kernelSize = kernelSize; self.stride = stride ?? kernelSize; self.padding = padding;
        self.ceilMode = ceilMode; self.countIncludePad = countIncludePad
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.avgPool1d(
            kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 3 else { return .failure(ShapeError("AvgPool1d expects [N, C, L], got shape \(s)")) }
        return convolvedSize(
            s[2], kernel: kernelSize, stride: stride, padding: padding, dilation: 1, ceilMode: ceilMode,
            layer: "AvgPool1d"
        ).map { [s[0], s[1], $0] }
    }
}

/// Adaptive average pooling to a fixed size (torch.nn.AdaptiveAvgPool2d).
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: (Int, Int)
    public init(outputSize: (Int, Int)) { self.outputSize = outputSize; super.init() }
    public override func callAsFunction(_ x: Tensor) -> Tensor { x.adaptiveAvgPool2d(outputSize: outputSize) }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        s.count == 4
            ? .success([s[0], s[1], outputSize.0, outputSize.1])
            : .failure(ShapeError("AdaptiveAvgPool2d expects [N, C, H, W], got shape \(s)"))
    }
}

/// Nearest or bilinear upsampling (torch.nn.Upsample).
public final class Upsample: Module {
    public let size: (Int, Int)?, scaleFactor: (Double, Double)?, mode: UpsampleMode, alignCorners: Bool
    public init(
        size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil, mode: UpsampleMode = .nearest,
        alignCorners: Bool = false
    ) {
        precondition((size == nil) != (scaleFactor == nil), "Upsample needs exactly one of size and scale_factor")
        self.size = size; self.scaleFactor = scaleFactor; self.mode = mode; self.alignCorners = alignCorners
        super.init()
    }
    public override func callAsFunction(_ x: Tensor) -> Tensor {
        x.upsample(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }
    public override func outputShape(for s: [Int]) -> Result<[Int], ShapeError> {
        guard s.count == 4 else { return .failure(ShapeError("Upsample expects [N, C, H, W], got shape \(s)")) }
        if let size { return .success([s[0], s[1], size.0, size.1]) }
        return .success([
            s[0], s[1], Int((Double(s[2]) * scaleFactor!.0).rounded(.down)),
            Int((Double(s[3]) * scaleFactor!.1).rounded(.down)),
        ])
    }
}

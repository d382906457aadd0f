import RecombineNN
import RecombineTensor
import RecombineTestSupport
import XCTest

final class LayerTests: XCTestCase {
    func testSequentialNamesAndShapeErrors() {
        var g = RandomGenerator(seed: 1)
        let net = Sequential([
            Flatten(), Linear(inFeatures: 784, outFeatures: 10, generator: &g), ReLU(),
            Unflatten(dim: 1, unflattenedSize: [1, 10]),
        ])
        XCTAssertEqual(net.namedParameters().map(\.name), ["1.weight", "1.bias"])
        XCTAssertEqual(try net.outputShape(for: [8, 1, 28, 28]).get(), [8, 1, 10])
        guard case .failure(let e) = net.outputShape(for: [8, 1, 28, 27]) else {
            return XCTFail("expected a shape error")
        }
        XCTAssertEqual(
            e.message,
            "layer 1 (Linear): Linear(in_features: 784) expects 784 input features, got 756 (input shape [8, 756])")
        let y = net(Tensor.zeros([2, 1, 28, 28]))
        XCTAssertEqual(y.shape, [2, 1, 10])
        XCTAssertEqual(
            y.toDoubleArray(),
            net.layers[1].namedParameters()[1].tensor.toDoubleArray().flatMap { [Swift.max($0, 0)] }
                + net.layers[1].namedParameters()[1].tensor.toDoubleArray().map { Swift.max($0, 0) })
    }

    func testTrainEvalPropagates() {
        let net = Sequential([ReLU(), Sequential([Identity()])])
        net.eval()
        XCTAssertFalse(net.layers[1].isTraining)
        XCTAssertFalse((net.layers[1] as! Sequential).layers[0].isTraining)
    }
}

final class ConvolutionalLayerTests: XCTestCase {
    func testShapesAndErrorsOfAConvAutoencoder() {
        var g = RandomGenerator(seed: 2)
        let net = Sequential([
            Conv2d(inChannels: 1, outChannels: 8, kernelSize: (3, 3), padding: (1, 1), generator: &g),
            BatchNorm2d(numFeatures: 8), ReLU(),
            Conv2d(inChannels: 8, outChannels: 8, kernelSize: (2, 2), stride: (2, 2), generator: &g),
            MaxPool2d(kernelSize: (2, 2), ceilMode: true),
            Upsample(scaleFactor: (2, 2)),
            ConvTranspose2d(inChannels: 8, outChannels: 1, kernelSize: (2, 2), stride: (2, 2), generator: &g),
            Sigmoid(),
        ])
        XCTAssertEqual(try net.outputShape(for: [4, 1, 28, 28]).get(), [4, 1, 28, 28])
        XCTAssertEqual(net(Tensor.zeros([2, 1, 28, 28])).shape, [2, 1, 28, 28])
        guard case .failure(let e) = net.outputShape(for: [4, 3, 28, 28]) else { return XCTFail() }
        XCTAssertEqual(
            e.message, "layer 0 (Conv2d): Conv2d(in_channels: 1) got 3 channels (input shape [4, 3, 28, 28])")
        guard
            case .failure(let small) = Conv2d(inChannels: 1, outChannels: 1, kernelSize: (5, 5), generator: &g)
                .outputShape(for: [1, 1, 3, 3])
        else { return XCTFail() }
        XCTAssertTrue(small.message.contains("smaller than the kernel"), small.message)
        XCTAssertEqual(net.namedBuffers().map(\.name), ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
    }

    // Expected values: python3 Scripts/oracles/initialisers.py
    func testConvolutionDefaultInitialisationBounds() {
        var g = RandomGenerator(seed: 3)
        let conv = Conv2d(inChannels: 16, outChannels: 32, kernelSize: (3, 3), generator: &g)
        let bound = 0.08333333333333333  // torch's weight and bias bound, 1/√fan_in with fan_in = 16·3·3
        XCTAssertLessThanOrEqual(maxMagnitude(conv.weight.toDoubleArray()), bound)
        XCTAssertGreaterThan(maxMagnitude(conv.weight.toDoubleArray()), bound * 0.95)
        XCTAssertLessThanOrEqual(maxMagnitude(conv.bias!.toDoubleArray()), bound)
    }

    // Expected values: python3 Scripts/oracles/normalization.py (float32, as torch.nn.BatchNorm1d)
    func testBatchNormLayerTracksBatchesAndSwitchesModes() {
        let bn = BatchNorm1d(numFeatures: 2)
        _ = bn(Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]))
        XCTAssertEqual(bn.numBatchesTracked!.item, 1)
        assertClose(bn.runningMean!, shape: [2], [0.20000000298023224, 0.30000001192092896], tolerance: 1e-6)
        assertClose(bn.runningVar!, shape: [2], [1.100000023841858, 1.100000023841858], tolerance: 1e-6)
        bn.eval()
        assertClose(
            bn(Tensor([1, 2] as [Float], shape: [1, 2])), shape: [1, 2], [0.7627666592597961, 1.6208791732788086],
            tolerance: 1e-6)
    }
}

import RecombineNN
import RecombineTensor
import XCTest

final class LayerTests: XCTestCase {
    func testSequentialNamesAndShapeErrors() {
        var g = RandomGenerator(seed: 1)
        let net = Sequential([Flatten(), Linear(inFeatures: 784, outFeatures: 10, generator: &g), ReLU(), Unflatten(dim: 1, unflattenedSize: [1, 10])])
        XCTAssertEqual(net.namedParameters().map(\.name), ["1.weight", "1.bias"])
        XCTAssertEqual(try net.outputShape(for: [8, 1, 28, 28]).get(), [8, 1, 10])
        guard case .failure(let e) = net.outputShape(for: [8, 1, 28, 27]) else { return XCTFail("expected a shape error") }
        XCTAssertEqual(e.message, "layer 1 (Linear): Linear(in_features: 784) expects 784 input features, got 756 (input shape [8, 756])")
        let y = net(Tensor.zeros([2, 1, 28, 28]))
        XCTAssertEqual(y.shape, [2, 1, 10])
        XCTAssertEqual(y.toDoubleArray(), net.layers[1].namedParameters()[1].tensor.toDoubleArray().flatMap { [Swift.max($0, 0)] } + net.layers[1].namedParameters()[1].tensor.toDoubleArray().map { Swift.max($0, 0) })
    }

    func testTrainEvalPropagates() {
        let net = Sequential([ReLU(), Sequential([Identity()])])
        net.eval()
        XCTAssertFalse(net.layers[1].isTraining)
        XCTAssertFalse((net.layers[1] as! Sequential).layers[0].isTraining)
    }
}

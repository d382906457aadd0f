import RecombineNN
import RecombineTensor

/// One benchmark case: a training step (forward, loss, backward, optimizer step) on fixed data.
struct BenchmarkCase {
    let name: String
    /// Floating-point operations of one step (multiply-adds count 2), for GFLOP/s.
    let flops: Double
    let step: () throws -> Void
}

/// The DEC autoencoder 784-500-500-2000-10-2000-500-500-784 with ReLU except after the embedding and output.
func decAutoencoder(_ g: inout RandomGenerator, layers count: Int = 8) -> Sequential {
    let dims = [784, 500, 500, 2000, 10, 2000, 500, 500, 784]
    var layers: [Module] = []
    for i in 0..<count {
        layers.append(Linear(inFeatures: dims[i], outFeatures: dims[i + 1], generator: &g))
        if i != 3 && i != dims.count - 2 && i < count - 1 { layers.append(ReLU()) }
    }
    return Sequential(layers)
}

/// FLOPs of a training step through linear layers: forward, input gradient (not for the first layer) and weight gradient.
func linearStepFLOPs(_ dims: [(Int, Int)], batch: Int) -> Double {
    dims.enumerated().reduce(0) { total, item in
        let (i, (a, b)) = item
        return total + Double(2 * batch * a * b) * (i == 0 ? 2 : 3)
    }
}

enum BenchmarkCases {
    static func decAE(batch: Int) -> BenchmarkCase {
        var g = RandomGenerator(seed: 0)
        let model = decAutoencoder(&g)
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
        let x = Tensor.uniform([batch, 784], generator: &g)
        let dims = [(784, 500), (500, 500), (500, 2000), (2000, 10), (10, 2000), (2000, 500), (500, 500), (500, 784)]
        return BenchmarkCase(name: "dec_ae_b\(batch)", flops: linearStepFLOPs(dims, batch: batch)) {
            optimizer.zeroGrad()
            mseLoss(predictions: model(x), targets: x).backward()
            optimizer.step()
        }
    }

    static func convAE() -> BenchmarkCase {
        var g = RandomGenerator(seed: 0)
        func block(_ i: Int, _ o: Int) -> [Module] {
            [
                Conv2d(inChannels: i, outChannels: o, kernelSize: (3, 3), padding: (1, 1), generator: &g),
                BatchNorm2d(numFeatures: o), Sigmoid(),
            ]
        }
        let model = Sequential(
            block(1, 64) + block(64, 64)
                + [
                    Conv2d(inChannels: 64, outChannels: 64, kernelSize: (2, 2), stride: (2, 2), generator: &g),
                    BatchNorm2d(numFeatures: 64), Sigmoid(),
                    ConvTranspose2d(inChannels: 64, outChannels: 64, kernelSize: (2, 2), stride: (2, 2), generator: &g),
                    BatchNorm2d(numFeatures: 64), Sigmoid(),
                ]
                + block(64, 64) + [
                    Conv2d(inChannels: 64, outChannels: 1, kernelSize: (3, 3), padding: (1, 1), generator: &g),
                    Sigmoid(),
                ])
        let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
        let x = Tensor.uniform([256, 1, 28, 28], generator: &g)
        // Multiply-adds per image: 3×3 convs at 28² (1→64, 64→64, 64→64, 64→1), 2×2 stride-2 at 14² both ways.
        let macs = Double(784 * 9 * (64 + 64 * 64 * 2 + 64)) + Double(196 * 4 * 64 * 64 * 2)
        let firstLayer = Double(784 * 9 * 64)
        return BenchmarkCase(name: "conv_ae_b256", flops: 256 * 2 * (3 * macs - firstLayer)) {
            optimizer.zeroGrad()
            mseLoss(predictions: model(x), targets: x).backward()
            optimizer.step()
        }
    }

    static func contrastive() -> BenchmarkCase {
        var g = RandomGenerator(seed: 0)
        let encoder = decAutoencoder(&g, layers: 4)
        let head = Sequential([
            Linear(inFeatures: 10, outFeatures: 512, generator: &g), ReLU(),
            Linear(inFeatures: 512, outFeatures: 128, generator: &g),
        ])
        let optimizer = SGD(parameters: encoder.parameters + head.parameters, learningRate: 0.1, momentum: 0.9)
        let v1 = Tensor.uniform([256, 784], generator: &g), v2 = Tensor.uniform([256, 784], generator: &g)
        let dims = [(784, 500), (500, 500), (500, 2000), (2000, 10), (10, 512), (512, 128)]
        let similarity = Double(2 * 512 * 512 * 128) * 3
        return BenchmarkCase(name: "contrastive_b256", flops: 2 * linearStepFLOPs(dims, batch: 256) + similarity) {
            optimizer.zeroGrad()
            ntXentLoss(head(encoder(v1)), head(encoder(v2)), temperature: 0.5).backward()
            optimizer.step()
        }
    }
}

import RecombineMethod
import RecombineNN
import RecombineTensor
import XCTest

@testable import RecombineTraining

final class OptimizerFactoryTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// A method file's gradient_clipping reaches the optimizer the trainer builds, with its scope.
    func testGradientClippingOfTheMethodFileReachesTheOptimizer() throws {
        let plain = TrainerTests.decMethod()
        XCTAssertTrue(plain.contains("\"lr\": "), "the tiny method names a learning rate to put the clipping beside")
        for (clipping, expected) in [
            ("{\"max_norm\": 2.5, \"scope\": \"per_tensor\"}", GradientClipping(maxNorm: 2.5, scope: .perTensor)),
            ("{\"max_norm\": 10}", GradientClipping(maxNorm: 10, scope: .global)),
        ] {
            let text = plain.replacingOccurrences(of: "\"lr\": ", with: "\"gradient_clipping\": \(clipping), \"lr\": ")
            let spec = try loadMethodText(text, directories: &directories)
            let optimizers = spec.phases.flatMap(\.optimizers)
            XCTAssertFalse(optimizers.isEmpty)
            for optimizerSpec in optimizers {
                let optimizer = try OptimizerFactory.make(optimizerSpec, parameters: [Tensor.zeros([2])])
                XCTAssertEqual(optimizer.gradientClipping, expected, clipping)
            }
        }
        let unclipped = try loadMethodText(plain, directories: &directories).phases.flatMap(\.optimizers)
        for optimizerSpec in unclipped {
            XCTAssertNil(try OptimizerFactory.make(optimizerSpec, parameters: [Tensor.zeros([2])]).gradientClipping)
        }
    }
}

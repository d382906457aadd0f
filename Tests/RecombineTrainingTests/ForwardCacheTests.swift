import RecombineData
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The step's forward cache: one pass per mapping and input, passes without gradients only where the
/// cache says so, and none of a whole-dataset sweep's chunks kept.
final class ForwardCacheTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func encoder() throws -> Mapping {
        let spec = try loadMethodText(TrainerTests.decMethod(), directories: &directories)
        var g = RandomGenerator(seed: 1)
        return try XCTUnwrap(MappingSet(specs: spec.mappings, generator: &g)["encoder"])
    }

    func testPassesWithoutGradientsAreSharedOnlyInACacheThatSaysSo() throws {
        let encoder = try encoder()
        var g = RandomGenerator(seed: 2)
        let x = Tensor.normal([5, 2], generator: &g)
        defer { ForwardCache.active = nil }

        let trainingStep = ForwardCache()
        ForwardCache.active = trainingStep
        let (first, second) = withoutGradients { (encoder(x), encoder(x)) }
        XCTAssertFalse(first === second, "a training step's cache kept a pass without gradients")
        XCTAssertEqual(trainingStep.misses + trainingStep.hits, 0)

        let lossPass = ForwardCache()
        lossPass.cachesPassesWithoutGradients = true
        lossPass.capture(["1"], of: encoder)
        ForwardCache.active = lossPass
        let (plain, capturing) = withoutGradients { (encoder(x), encoder.forward(x, capturing: ["1"])) }
        XCTAssertTrue(plain === capturing.output, "the capturing reader computed a second pass")
        XCTAssertEqual(try XCTUnwrap(capturing.captured["1"]).shape, [5, 16])
        XCTAssertEqual(lossPass.misses, 1)
        XCTAssertEqual(lossPass.hits, 1)
    }

    func testAWholeDatasetSweepInsideAStepKeepsNoneOfItsPasses() throws {
        let encoder = try encoder()
        let data = FeatureDataset(name: "ramp", features: (0..<30).map { Float($0) / 30 }, dimension: 2, labels: nil)
        let cache = ForwardCache()
        cache.cachesPassesWithoutGradients = true
        ForwardCache.active = cache
        defer { ForwardCache.active = nil }
        let swept = ShardedSweep(group: SingleProcessGroup()).sweep(
            TransformPipeline([]), data, seed: 1, rowByRow: true
        ) { chunk in
            XCTAssertNil(ForwardCache.active, "the sweep ran inside the step's cache")
            return encoder(chunk)
        }
        XCTAssertEqual(swept.shape, [15, 2])
        XCTAssertTrue(ForwardCache.active === cache, "the step's cache was not put back after the sweep")
        XCTAssertEqual(cache.misses + cache.hits, 0, "the sweep's passes went through the step's cache")
    }

    /// ddc_uco's evaluation loss, its patterns sharing the backbone's pass, equals the sum of each pattern's
    /// losses computed on its own passes.
    func testTheEvaluationLossWithSharedPassesEqualsThePatternsOwnPasses() throws {
        let outcome = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory)).load(
            path: Repository.configurations.appendingPathComponent("ddc_uco.json").path)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        let step = try IsolatedPhaseStep(method: spec, phaseName: "training")
        let runner = step.runner
        XCTAssertEqual(runner.patterns.count, 2)
        let shared = try runner.meanEvaluationLoss(epoch: 1, phaseIteration: 1).total
        runner.mappings.train(false)
        defer { runner.mappings.train(true) }
        var alone = 0.0, batches = 0
        try runner.forEachFullBatch(limit: nil, epoch: 1, phaseIteration: 1) { _, input in
            batches += 1
            for pattern in runner.patterns {
                alone += try withoutGradients { try pattern.losses(input) }.reduce(0) { $0 + $1.value.item }
            }
        }
        XCTAssertEqual(batches, 1)
        XCTAssertTrue(shared.isFinite && shared > 0, "\(shared)")
        XCTAssertEqual(shared, alone / Double(batches))
    }
}

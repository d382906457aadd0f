import Foundation
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// IIC's mutual-information loss against a PyTorch transcription of the paper's formula, its
/// gradients against finite differences, and the pattern training end to end.
final class MutualInformationPatternTests: XCTestCase {
    static let qa: [Double] = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.5, 0.25, 0.25]
    static let qb: [Double] = [0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8, 0.4, 0.4, 0.2]

    func testLossMatchesTorchTranscriptionOfIIC() throws {
        try PythonOracle.require(["torch"])
        let script = """
            import sys, torch
            qa = torch.tensor([float(v) for v in sys.argv[1].split(',')], dtype=torch.float64).view(4, 3)
            qb = torch.tensor([float(v) for v in sys.argv[2].split(',')], dtype=torch.float64).view(4, 3)
            lamb, eps = float(sys.argv[3]), float(sys.argv[4])
            p = (qa.unsqueeze(2) * qb.unsqueeze(1)).sum(dim=0)
            p = (p + p.t()) / 2
            p = p / p.sum()
            pi = p.sum(dim=1).view(3, 1).expand(3, 3).clone()
            pj = p.sum(dim=0).view(1, 3).expand(3, 3).clone()
            p = p.clone(); p[p < eps] = eps; pi[pi < eps] = eps; pj[pj < eps] = eps
            print(repr((-(p * (torch.log(p) - lamb * torch.log(pj) - lamb * torch.log(pi)))).sum().item()))
            """
        for (lambda, epsilon) in [(1.0, 2.220446049250313e-16), (1.5, 0.06)] {
            let expected = try XCTUnwrap(
                Double(
                    try PythonOracle.run(
                        script,
                        arguments: [
                            Self.qa.map { "\($0)" }.joined(separator: ","),
                            Self.qb.map { "\($0)" }.joined(separator: ","), "\(lambda)", "\(epsilon)",
                        ]
                    ).trimmingCharacters(in: .whitespacesAndNewlines)))
            let loss = MutualInformationPattern.loss(
                Tensor(Self.qa, shape: [4, 3]), Tensor(Self.qb, shape: [4, 3]),
                entropyCoefficient: lambda, epsilon: epsilon
            ).item
            assertClose(loss, expected, tolerance: 1e-12)
        }
    }

    func testLossIsMinusTheMutualInformationOfIdenticalOneHotViews() {
        // Two views assigning each of K equally many samples to its own cluster: I = ln K.
        let oneHot = Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1] as [Double], shape: [3, 3])
        assertClose(
            MutualInformationPattern.loss(oneHot, oneHot, entropyCoefficient: 1, epsilon: 1e-12).item,
            -Foundation.log(3), tolerance: 1e-9)
    }

    func testGradientsMatchFiniteDifferences() {
        let qa = Tensor(Self.qa, shape: [4, 3]), qb = Tensor(Self.qb, shape: [4, 3])
        assertGradients([qa, qb], tolerance: 1e-6) {
            MutualInformationPattern.loss($0[0], $0[1], entropyCoefficient: 1.3, epsilon: 1e-12)
        }
    }

    /// Configurations/iic_blobs.json, at its full schedule (seconds), separates its three blobs.
    func testIICConfigurationClustersBalancedBlobs() throws {
        let repository = URL(fileURLWithPath: TrainerTests.schemaDirectory).deletingLastPathComponent()
        let loader = MethodLoader(store: try SchemaStore(directory: TrainerTests.schemaDirectory))
        let outcome = loader.load(path: repository.appendingPathComponent("Configurations/iic_blobs.json").path)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        let output = try TemporaryDirectory()
        defer { output.remove() }
        var configuration = RunConfiguration()
        configuration.quiet = true
        configuration.outputDirectory = output.path + "/run"
        let final = try XCTUnwrap(try MethodRunner(spec: spec, configuration: configuration).run().final)
        XCTAssertGreaterThan(try XCTUnwrap(final.acc), 0.95)
    }
}

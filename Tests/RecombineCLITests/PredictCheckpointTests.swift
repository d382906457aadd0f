import Foundation
import RecombineTestSupport
import XCTest

/// `predict --checkpoint`: the features of an unfinished run.
extension CLIContractTests {
    /// A run stopped in its pretraining has no final weights and no centroids yet: `predict` says to use
    /// `--checkpoint`; with it, `--features` writes the encoder's output under the checkpoint's weights
    /// (recomputed by NumPy) and says why there are no assignments; without `--features` it is an error.
    func testPredictFromACheckpointWritesFeaturesBeforeCentroidsExist() throws {
        try PythonOracle.require(["numpy", "safetensors"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        let stopped = try recombine([
            "run", Repository.configurations.path + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run,
            "--stop-after", "3",
        ])
        XCTAssertEqual(stopped.status, 0, stopped.errors)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/final.safetensors"))
        let points = folder.appending("points.csv").path
        try "0.5,-1\n13,12.5\n4,9\n".write(toFile: points, atomically: true, encoding: .utf8)
        let features = folder.appending("z.npy").path

        let final = try recombine(["predict", run, points, "--features", features])
        XCTAssertEqual(final.status, 1)
        XCTAssertTrue(
            final.errors.contains("final.safetensors not found") && final.errors.contains("--checkpoint"), final.errors)

        let assignments = try recombine(["predict", run, points, "--checkpoint"])
        XCTAssertEqual(assignments.status, 1)
        XCTAssertTrue(
            assignments.errors.contains("checkpoint.safetensors: the run has no centroids at this point"),
            assignments.errors)

        let written = try recombine(["predict", run, points, "--checkpoint", "--features", features])
        XCTAssertEqual(written.status, 0, written.errors)
        XCTAssertEqual(written.output, "")
        XCTAssertTrue(
            written.errors.contains("Wrote the features of 3 samples to \(features); no cluster assignments"),
            written.errors)
        let check = try PythonOracle.run(
            """
            import sys, numpy as np
            from safetensors.numpy import load_file
            w = load_file(sys.argv[1] + "/checkpoint.safetensors")
            x = np.array([[0.5, -1], [13, 12.5], [4, 9]], dtype=np.float64)
            p = lambda k: w["mapping/encoder/" + k].astype(np.float64)
            h = np.maximum(x @ p("net.0.weight").T + p("net.0.bias"), 0)
            print(float(np.abs(np.load(sys.argv[2]) - (h @ p("net.2.weight").T + p("net.2.bias"))).max()))
            """, arguments: [run, features])
        XCTAssertLessThan(Double(check.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .infinity, 1e-4, check)
    }
}

import Foundation
import RecombineData
import RecombineTestSupport
import XCTest

/// `predict --checkpoint`: the features of an unfinished run; built-in datasets as `predict`'s data and
/// as `cluster`'s labels.
extension CLIContractTests {
    /// `cluster FEATURES --labels USPS:test` scores features of the built-in split with its labels; a
    /// count that differs is an error naming both; `predict RUN MNIST:test` takes the built-in split as
    /// its data, and `predict DATA --labels` with a built-in dataset is a usage error.
    func testBuiltinDatasetsAsClusterLabelsAndPredictData() throws {
        _ = try Repository.requireData("usps/t10k-labels-idx1-ubyte.gz")
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let images = try IDXArray.read(try Repository.requireData("usps/t10k-images-idx3-ubyte.gz"))
        let n = images.dimensions[0], d = images.bytes.count / n
        let features = folder.appending("usps.csv"), short = folder.appending("short.csv")
        let rows = (0..<n).map { i in images.bytes[(i * d)..<((i + 1) * d)].map(String.init).joined(separator: ",") }
        try rows.joined(separator: "\n").write(to: features, atomically: true, encoding: .utf8)
        try rows.prefix(100).joined(separator: "\n").write(to: short, atomically: true, encoding: .utf8)
        let root = ["--data-root", Repository.dataRoot]
        let scored = try recombine(["cluster", features.path, "--labels", "USPS:test", "--k", "10", "--json"] + root)
        XCTAssertEqual(scored.status, 0, scored.errors)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(scored.output.utf8)) as? [String: Any])
        XCTAssertEqual(json["samples"] as? Int, n)
        XCTAssertGreaterThan(try XCTUnwrap(json["acc"] as? Double), 0.5, scored.output)
        let mismatched = try recombine(["cluster", short.path, "--labels", "USPS:test", "--k", "10"] + root)
        XCTAssertNotEqual(mismatched.status, 0)
        XCTAssertTrue(mismatched.errors.contains("\(n) labels for the 100 samples of \(short.path)"), mismatched.errors)
        _ = try Repository.requireData("mnist/t10k-images-idx3-ubyte.gz")
        let run = folder.appending("run").path, z = folder.appending("z.npy").path
        let stopped = try recombine(
            ["run", Repository.configurations.path + "/ae_kmeans_mnist.json", "--quiet", "--no-report"]
                + ["--output", run, "--stop-after", "1"] + root)
        XCTAssertEqual(stopped.status, 0, stopped.errors)
        let written = try recombine(["predict", run, "MNIST:test", "--checkpoint", "--features", z] + root)
        XCTAssertEqual(written.status, 0, written.errors)
        XCTAssertTrue(written.errors.contains("Wrote the features of 10000 samples"), written.errors)
        let builtinData = try recombine(["cluster", "USPS:test", "--labels", "USPS:test", "--k", "10"])
        XCTAssertEqual(builtinData.status, 2)
        XCTAssertTrue(builtinData.errors.contains("--labels does not apply to USPS:test"), builtinData.errors)
        let predicted = try recombine(["predict", folder.path, "USPS:test", "--labels", "y.csv"])
        XCTAssertEqual(predicted.status, 2)
        XCTAssertTrue(predicted.errors.contains("--labels does not apply to USPS:test"), predicted.errors)
    }

    /// dec_gaussians stopped after 3 pretraining steps in `folder`/run: a checkpoint, no centroids yet.
    func decGaussiansStoppedInPretraining(in folder: TemporaryDirectory) throws -> String {
        let run = folder.appending("run").path
        let stopped = try recombine([
            "run", Repository.configurations.path + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run,
            "--stop-after", "3",
        ])
        XCTAssertEqual(stopped.status, 0, stopped.errors)
        return run
    }

    /// A run stopped in its pretraining has no final weights and no centroids yet: `predict` says to use
    /// `--checkpoint`; with it, `--features` writes the encoder's output under the checkpoint's weights
    /// (recomputed by NumPy) and says why there are no assignments; without `--features` it is an error.
    func testPredictFromACheckpointWritesFeaturesBeforeCentroidsExist() throws {
        try PythonOracle.require(["numpy", "safetensors"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = try decGaussiansStoppedInPretraining(in: folder)
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

    /// A checkpoint does not record the trained sample shape, so data that do not fit the encoder are
    /// found by the method's shape checks (an error naming the layer, not a crash), and weights that are
    /// not finite (a damaged file) are refused instead of writing NaN features.
    func testPredictFromACheckpointRefusesMisfitDataAndNonFiniteWeights() throws {
        try PythonOracle.require(["numpy", "safetensors"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = try decGaussiansStoppedInPretraining(in: folder)
        let wide = folder.appending("wide.csv").path, features = folder.appending("z.npy").path
        try "1,2,3\n4,5,6\n".write(toFile: wide, atomically: true, encoding: .utf8)
        let misfit = try recombine(["predict", run, wide, "--checkpoint", "--features", features])
        XCTAssertEqual(misfit.status, 1)
        XCTAssertTrue(
            misfit.errors.contains("wide.csv: samples of shape [3] do not fit the run's method: /mappings/0/layers/0:")
                && misfit.errors.contains("expects 2 input features, got 3"), misfit.errors)
        XCTAssertFalse(FileManager.default.fileExists(atPath: features))

        try PythonOracle.run(
            """
            import sys, numpy as np
            from safetensors.numpy import load_file, save_file
            from safetensors import safe_open
            path = sys.argv[1] + "/checkpoint.safetensors"
            with safe_open(path, "np") as f: metadata = f.metadata()
            w = load_file(path)
            w["mapping/encoder/net.2.bias"] = np.full_like(w["mapping/encoder/net.2.bias"], np.nan)
            save_file(w, path, metadata=metadata)
            """, arguments: [run])
        let points = folder.appending("points.csv").path
        try "0.5,-1\n13,12.5\n".write(toFile: points, atomically: true, encoding: .utf8)
        let damaged = try recombine(["predict", run, points, "--checkpoint", "--features", features])
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(
            damaged.errors.contains("checkpoint.safetensors: the weights encoder.net.2.bias are not all finite"),
            damaged.errors)
        XCTAssertFalse(FileManager.default.fileExists(atPath: features))
    }
}

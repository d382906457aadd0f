import Foundation
import RecombineTestSupport
import XCTest

/// The options the Python package (`Python/`) relies on: `predict --features` and `run --base-directory`.
extension CLIContractTests {
    /// The features `predict --features` writes are dec_gaussians' encoder (Linear, ReLU, Linear) applied
    /// to the new points, recomputed by NumPy from the weights in final.safetensors.
    func testPredictFeaturesWritesTheEncoderOutputAsNPY() throws {
        try PythonOracle.require(["numpy", "safetensors"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let run = folder.appending("run").path
        let trained = try recombine([
            "run", Repository.configurations.path + "/dec_gaussians.json", "--quiet", "--no-report", "--output", run,
        ])
        XCTAssertEqual(trained.status, 0, trained.errors)
        try "0.5,-1\n13,12.5\n4,9\n-2,0.25\n7,7\n".write(
            to: folder.appending("points.csv"), atomically: true, encoding: .utf8)
        let features = folder.appending("z.npy").path, clusters = folder.appending("clusters.csv").path
        let predicted = try recombine([
            "predict", run, folder.appending("points.csv").path, "--out", clusters, "--features", features,
        ])
        XCTAssertEqual(predicted.status, 0, predicted.errors)
        let check = try PythonOracle.run(
            """
            import sys, numpy as np
            from safetensors.numpy import load_file
            w = load_file(sys.argv[1] + "/final.safetensors")
            x = np.array([[0.5, -1], [13, 12.5], [4, 9], [-2, 0.25], [7, 7]], dtype=np.float64)
            p = lambda k: w["mapping/encoder/" + k].astype(np.float64)
            h = np.maximum(x @ p("net.0.weight").T + p("net.0.bias"), 0)
            expected = h @ p("net.2.weight").T + p("net.2.bias")
            z = np.load(sys.argv[2])
            print(z.dtype, z.shape, float(np.abs(z - expected).max()))
            """, arguments: [run, features])
        let parts = check.split(separator: " ")
        XCTAssertEqual(parts.prefix(3).joined(separator: " "), "float32 (5, 2)", check)
        XCTAssertLessThan(Double(parts.last!.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .infinity, 1e-4, check)
    }

    /// `run --base-directory` resolves a method file's data path against that folder instead of the
    /// file's own; without it the same file fails naming the path it looked for.
    func testRunBaseDirectoryResolvesRelativeDataPaths() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        for sub in ["methods", "data"] {
            try FileManager.default.createDirectory(at: folder.appending(sub), withIntermediateDirectories: true)
        }
        var csv = "x,y,label\n"
        for i in 0..<40 { csv += "\(i % 2 == 0 ? 0 : 50).\(i),\(i % 5),\(i % 2)\n" }
        try csv.write(to: folder.appending("data/points.csv"), atomically: true, encoding: .utf8)
        let method = """
            {"name": "kmeans_points", "mappings": [{"name": "identity", "type": "feature_extractor", "layers": [{"type": "Identity"}]}],
             "phases": [{"name": "kmeans", "order": 1, "exit_criteria": {"iterations": 1}, "design_patterns": [], "optimizers": []}],
             "cluster_assignment_strategy": {"type": "classical_clustering_in_feature_space_after_phase", "classical_clustering_in_feature_space_after_phase": "kmeans"},
             "datasets": [{"dataset": "CSV", "path": "points.csv", "label_column": "label", "batch_size": 40, "num_clusters": 2}]}
            """
        let file = folder.appending("methods/m.json").path
        try method.write(toFile: file, atomically: true, encoding: .utf8)
        let without = try recombine(["run", file, "--quiet", "--no-report", "--output", folder.appending("a").path])
        XCTAssertEqual(without.status, 1, without.errors)
        XCTAssertTrue(without.errors.contains("methods/points.csv"), without.errors)
        let with = try recombine([
            "run", file, "--quiet", "--no-report", "--output", folder.appending("b").path,
            "--base-directory", folder.appending("data").path,
        ])
        XCTAssertEqual(with.status, 0, with.errors)
        XCTAssertTrue(with.output.contains("ACC 1.0000"), with.output)
        let missing = try recombine(["run", file, "--base-directory", folder.appending("nowhere").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.errors.contains("nowhere is not a directory"), missing.errors)
    }
}

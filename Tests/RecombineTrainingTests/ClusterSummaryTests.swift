import Foundation
import RecombineNN
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// Unlabelled data is judged by its cluster sizes and the silhouette score of its features.
final class ClusterSummaryTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    func testUnlabelledDataGetsClusterSizesAndScikitLearnsSilhouette() throws {
        try PythonOracle.require(["sklearn", "numpy"])
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        var csv = "x,y\n"
        var g = RandomGenerator(seed: 4)
        for i in 0..<240 { csv += "\(Double(i % 3) * 6 + g.nextDouble()),\(Double(i % 3) * -4 + g.nextDouble())\n" }
        let file = folder.appending("points.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let method = try MethodDocument(TrainerTests.decMethod())
            .setting(
                "/datasets/0",
                ["dataset": "CSV", "path": file.path, "batch_size": 100, "num_clusters": 3, "shuffle": true]
            ).text
        let result = try runMethodText(method, directories: &directories)
        let summary = try XCTUnwrap(result.clusterSummaries.last)
        XCTAssertEqual(summary.sizes.reduce(0, +), 240)
        XCTAssertEqual(summary.sizes.count, 3)
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: result.runDirectory + "/result.json"))) as! [String: Any]
        let clusters = try XCTUnwrap((json["clusters"] as? [[String: Any]])?.last)
        XCTAssertEqual(clusters["sizes"] as? [Int], summary.sizes)
        // final.safetensors keeps the features of every sample here (fewer than its sample limit).
        let (tensors, _) = try Safetensors.read(result.runDirectory + "/final.safetensors")
        let features = try XCTUnwrap(tensors["analysis/features"]),
            predictions = try XCTUnwrap(tensors["analysis/predictions"])
        XCTAssertEqual(features.shape[0], 240)
        let input = folder.appending("f.json")
        try JSONSerialization.data(withJSONObject: [
            "x": features.toDoubleArray(), "d": features.shape[1], "labels": predictions.toDoubleArray().map(Int.init),
        ]).write(to: input)
        let output = try PythonOracle.run(
            """
            import json, sys, numpy as np
            from sklearn.metrics import silhouette_score
            d = json.load(open(sys.argv[1])); x = np.array(d['x'], dtype=np.float32).reshape(-1, d['d'])
            print(repr(silhouette_score(x.astype(np.float64), d['labels'])))
            """, arguments: [input.path])
        let theirs = try XCTUnwrap(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)), output)
        assertClose(try XCTUnwrap(summary.silhouette), theirs, tolerance: 1e-6)
    }
}

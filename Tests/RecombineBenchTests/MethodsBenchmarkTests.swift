import Foundation
import RecombineData
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineBench

/// `recombine-bench methods`: the projection is the schedule's counts times the measured times.
final class MethodsBenchmarkTests: XCTestCase {
    func testProjectionIsIterationsTimesIterationTimePlusEachPassTimesItsCount() throws {
        let outcome = MethodLoader(store: try SchemaStore.embedded()).load(
            path: Repository.configurations.appendingPathComponent("dec_gaussians.json").path)
        let spec = try XCTUnwrap(outcome.spec, outcome.issues.map(\.description).joined(separator: "\n"))
        let directory = try TemporaryDirectory()
        let rows = try MethodsBenchmark.parse(["--iterations", "2", "--warmup", "1"]).measure(
            spec, locations: DataLocations(searchDirectories: [], cache: directory.path))
        XCTAssertEqual(rows.map { $0["phase"] as? String }, ["pretraining", "clustering"])
        for row in rows {
            let iterations = try XCTUnwrap(row["iterations"] as? Int)
            let perIteration = try XCTUnwrap(row["iteration_s"] as? Double)
            let passes = row["passes"] as? [String: [String: Any]] ?? [:]
            let passSeconds = passes.values.map {
                ($0["seconds"] as? Double ?? .nan) * Double($0["count"] as? Int ?? 0)
            }
            let expected = (Double(iterations) * perIteration + passSeconds.reduce(0, +)) / 3600
            assertClose(try XCTUnwrap(row["projected_hours"] as? Double), expected, tolerance: 1e-12)
            let share = try XCTUnwrap(row["trainer_share"] as? Double)
            XCTAssertLessThan(share, 1)
        }
        // Data loading counts at a dataset's first phase, the end-of-dataset pass at its last.
        XCTAssertEqual(Set((rows[0]["passes"] as? [String: Any] ?? [:]).keys), ["data_loading"])
        let clustering = rows[1]["passes"] as? [String: [String: Any]] ?? [:]
        XCTAssertEqual(
            Set(clustering.keys), ["centroid_initialization", "evaluation", "targets", "end_of_dataset"],
            "\(clustering)")
    }

    func testEachRowNamesTheCPUAndBLASKernelsItWasMeasuredWith() throws {
        let directory = try TemporaryDirectory()
        let benchmark = try MethodsBenchmark.parse([
            "--iterations", "1", "--warmup", "0", "--configurations", Repository.configurations.path,
            "--records", directory.path,
        ])
        let row = benchmark.measuredRow(
            file: "kmeans_gaussians.json", locations: DataLocations(searchDirectories: [], cache: directory.path),
            store: try SchemaStore.embedded())
        XCTAssertNil(row["error"], "\(row)")
        XCTAssertEqual(row["configuration"] as? String, "kmeans_gaussians")
        XCTAssertEqual(row["blas_core"] as? String, Threads.blasCore)
        XCTAssertEqual(row["cpu"] as? String, CPUModel.summary)
        XCTAssertFalse(Threads.blasCore.isEmpty)
        XCTAssertNotNil(row["projected_hours"] as? Double)
    }
}

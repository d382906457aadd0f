import Foundation
import RecombineMethod
import XCTest

@testable import RecombineTraining

extension CheckpointTests {
    /// At half scale the pretraining's loss report interval (50) outlasts its 45 iterations; the
    /// loss curve is recorded every 25. A run stopped at step 20 and resumed writes the same record at
    /// 25 (averaging 25 iterations) as an uninterrupted run: the curve's running sums are checkpointed.
    func testLossCurveOfAScaledRunResumesExactly() throws {
        let d = try freshDirectory()
        let file = d.appendingPathComponent("method.json").path
        try Self.method.write(toFile: file, atomically: true, encoding: .utf8)
        func scaled(_ c: RunConfiguration) -> RunConfiguration { var c = c; c.iterationsScale = 0.5; return c }
        let whole = try MethodRunner(spec: try load(file), configuration: scaled(configuration(d.path + "/whole")))
            .run()
        XCTAssertEqual(whole.status, .completed)
        let parts = d.path + "/parts"
        XCTAssertThrowsError(
            try MethodRunner(spec: try load(file), configuration: scaled(configuration(parts, stopAfter: 20))).run())
        let resumed = try MethodRunner(
            spec: try load(parts + "/method.json", base: d.path),
            configuration: scaled(configuration(parts, resume: true))
        ).run()
        XCTAssertEqual(resumed.status, .completed)
        let curve = try metrics(d.path + "/whole").filter {
            $0.contains("\"loss_curve\"") && $0.contains("\"pretraining\"")
        }
        XCTAssertEqual(curve.count, 1, "\(curve)")
        XCTAssertTrue(curve.first?.contains("\"iterations_averaged\":25") ?? false, "\(curve)")
        XCTAssertEqual(try metrics(parts), try metrics(d.path + "/whole"))
    }
}

import Foundation
import RecombineMethod
import XCTest

/// PatternKind is the ontology's list of design patterns: exactly the files of Schema/design_patterns/.
final class PatternKindTests: XCTestCase {
    func testKindsAreExactlyTheSchemasPatterns() throws {
        let directory = RepositoryPaths.root.appendingPathComponent("Schema/design_patterns")
        let ids = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }
        XCTAssertEqual(Set(PatternKind.allCases.map(\.rawValue)), Set(ids))
        XCTAssertEqual(
            Set(PatternKind.allCases.map(\.shortLabel)).count, PatternKind.allCases.count,
            "labels must tell patterns apart")
    }

    func testAliasesNameTheirKind() {
        XCTAssertEqual(
            PatternKind(id: "encouraging_cluster_formation_by_reinforcing_current_assignment_of_samples_to_clusters"),
            .reinforcement)
        XCTAssertEqual(PatternKind(id: PatternKind.entropy.rawValue), .entropy)
        XCTAssertNil(PatternKind(id: "no_such_pattern"))
    }
}

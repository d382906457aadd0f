import Foundation
import RecombineTestSupport
import XCTest

/// Edits by JSON pointer change exactly their target and fail when it is not there.
final class MethodDocumentTests: XCTestCase {
    let method = #"{"name": "m", "phases": [{"name": "p", "exit_criteria": {"iterations": 5}}], "a/b": 1}"#

    func object(_ document: MethodDocument) throws -> [String: Any] {
        try XCTUnwrap(document.root as? [String: Any])
    }

    func testSetReplacesAddsAndAppends() throws {
        let edited = try MethodDocument(method)
            .setting("/phases/0/exit_criteria/iterations", 7)
            .setting("/phases/0/enabled", false)
            .setting("/phases/-", ["name": "q"])
            .setting("/a~1b", 2)
        let phases = try XCTUnwrap(try object(edited)["phases"] as? [[String: Any]])
        XCTAssertEqual((phases[0]["exit_criteria"] as? [String: Any])?["iterations"] as? Int, 7)
        XCTAssertEqual(phases[0]["enabled"] as? Bool, false)
        XCTAssertEqual(phases.map { $0["name"] as? String }, ["p", "q"])
        XCTAssertEqual(try object(edited)["a/b"] as? Int, 2)
        XCTAssertEqual(try object(MethodDocument(method))["a/b"] as? Int, 1, "the original is unchanged")
    }

    func testRemoveDeletesMembersAndElements() throws {
        let edited = try MethodDocument(method).removing("/phases/0/exit_criteria").removing("/name")
        XCTAssertNil(try object(edited)["name"])
        let phase = try XCTUnwrap((try object(edited)["phases"] as? [[String: Any]])?.first)
        XCTAssertNil(phase["exit_criteria"])
        XCTAssertEqual((try object(MethodDocument(method).removing("/phases/0"))["phases"] as? [Any])?.count, 0)
    }

    func testEditsOfMissingTargetsFail() throws {
        let document = try MethodDocument(method)
        XCTAssertThrowsError(try document.setting("/phases/3/name", "x"))
        XCTAssertThrowsError(try document.setting("/datasets/0/seed", 1))
        XCTAssertThrowsError(try document.removing("/description"))
        XCTAssertThrowsError(try document.setting("/name/first", 1))
        XCTAssertThrowsError(try document.setting("name", 1))
    }
}

import XCTest

@testable import RecombineMethod

final class JSONParserTests: XCTestCase {
    func testValuesKeepMemberOrderAndNumberKinds() throws {
        let doc = try JSONParser.parse(
            text: #"{"b": 1, "a": [1.5, true, null, "x\n\u00e9"], "c": {"d": -3}}"#, file: "t.json")
        XCTAssertEqual(doc.root.object?.keys, ["b", "a", "c"])
        XCTAssertEqual(doc.root["b"], .int(1))
        XCTAssertEqual(doc.root["a"]?.array, [.double(1.5), .bool(true), .null, .string("x\né")])
        XCTAssertEqual(doc.root["c"]?["d"]?.integer, -3)
        XCTAssertEqual(JSONValue.double(3.0).integer, 3)
        XCTAssertNil(JSONValue.double(3.5).integer)
    }

    func testSyntaxErrorsReportLineAndColumn() {
        XCTAssertThrowsError(try JSONParser.parse(text: "{\n  \"a\": 1,\n  \"b\": tru\n}", file: "bad.json")) { error in
            let e = error as! JSONSyntaxError
            XCTAssertEqual(e.file, "bad.json")
            XCTAssertEqual(e.position.line, 3)
            XCTAssertTrue(e.description.hasPrefix("bad.json:3:"), e.description)
        }
        XCTAssertThrowsError(try JSONParser.parse(text: "{\"a\": [1, 2}", file: "x")) { error in
            XCTAssertEqual((error as! JSONSyntaxError).position.line, 1)
        }
        XCTAssertThrowsError(try JSONParser.parse(text: "{\"a\": 1", file: "x")) { error in
            XCTAssertTrue("\(error)".contains("unexpected end of file"), "\(error)")
        }
        XCTAssertThrowsError(try JSONParser.parse(text: "{} {}", file: "x"))
        XCTAssertThrowsError(try JSONParser.parse(text: "{'a': 1}", file: "x"), "strict mode rejects single quotes")
        XCTAssertThrowsError(try JSONParser.parse(text: "  \n", file: "x")) { error in
            XCTAssertTrue("\(error)".contains("empty"))
        }
    }

    /// json-c accepts NaN, Infinity and numbers that overflow to infinity even in strict mode; a NaN learning
    /// rate then passed every range check of the schema.
    func testNaNInfinityAndOverflowingNumbersAreRefusedWithTheirPlace() throws {
        for (token, expected) in [
            ("NaN", "NaN is not a JSON number"), ("Infinity", "Infinity is not a JSON number"),
            ("-Infinity", "-Infinity is not a JSON number"), ("1e999", "beyond the range of a double"),
            ("-1e400", "beyond the range of a double"),
        ] {
            XCTAssertThrowsError(try JSONParser.parse(text: "{\"a\": 1,\n \"lr\": \(token)}", file: "n.json"), token) {
                error in
                XCTAssertTrue("\(error)".hasPrefix("n.json:2:8: "), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertEqual((error as? JSONSyntaxError)?.pointer.description, "/lr")
            }
            XCTAssertThrowsError(try JSONParser.parse(text: "[1, [\(token)]]", file: "n.json"), token)
        }
        let fine = try JSONParser.parse(text: #"[-0, 1e308, -2.5E-3, 1e-400, true, false, null]"#, file: "ok.json")
        XCTAssertEqual(fine.root.array?.count, 7)
    }

    func testAFolderOrAMissingPathIsNamedAsSuch() {
        XCTAssertThrowsError(try JSONParser.parse(contentsOf: FileManager.default.temporaryDirectory.path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("a folder, not a file"), "\(error)")
        }
        XCTAssertThrowsError(try JSONParser.parse(contentsOf: "/nonexistent/method.json")) { error in
            XCTAssertTrue("\(error)".hasSuffix("no such file"), "\(error)")
        }
    }

    func testSourcePositionsOfValuesAndKeys() throws {
        let text = "{\n  \"phases\": [\n    {\"name\": \"a\",\n     \"x/y\": 2}\n  ]\n}"
        let doc = try JSONParser.parse(text: text, file: "p.json")
        let pointer = JSONPointer(["phases", "0", "x/y"])
        XCTAssertEqual(pointer.description, "/phases/0/x~1y")
        XCTAssertEqual(JSONPointer(parsing: "/phases/0/x~1y"), pointer)
        XCTAssertEqual(doc.position(of: pointer), SourcePosition(line: 4, column: 13))
        XCTAssertEqual(doc.position(of: pointer, preferKey: true), SourcePosition(line: 4, column: 6))
        XCTAssertEqual(doc.position(of: JSONPointer(["phases", "0", "name"])), SourcePosition(line: 3, column: 14))
        XCTAssertEqual(pointer.resolve(in: doc.root), .int(2))
    }

    func testDuplicateKeysAreFound() throws {
        let doc = try JSONParser.parse(text: "{\"a\": 1,\n \"a\": 2}", file: "d.json")
        XCTAssertEqual(doc.duplicateKeys.map(\.pointer.description), ["/a"])
        XCTAssertEqual(doc.duplicateKeys.first?.position.line, 2)
        XCTAssertEqual(doc.root["a"], .int(2))
    }
}

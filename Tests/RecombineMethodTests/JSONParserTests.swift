import RecombineTestSupport
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
            ("NaN", "found NaN: JSON has no NaN or Infinity"), ("Infinity", "found Infinity: JSON has no NaN"),
            ("-Infinity", "found -Infinity: JSON has no NaN"), ("1e999", "1e999 is beyond the range of a double"),
            ("-1e400", "-1e400 is beyond the range of a double"),
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

    /// json-c's own words ("boolean expected" for `tanh`, "invalid string sequence" for `C:\data`) named neither
    /// the value nor the fix; each usual slip is now reported at its place, in its value, with the fix.
    func testSyntaxErrorsNameTheValueWhatWasExpectedAndTheUsualFix() {
        let cases: [(text: String, position: String, pointer: String, says: String)] = [
            (#"{"a": {"numerics": True}}"#, "1:20", "/a/numerics", "found True, which is Python; JSON writes true"),
            (#"{"a": None}"#, "1:7", "/a", "JSON writes null"),
            (#"{"activation": tanh}"#, "1:16", "/activation", #"a string must be in double quotes ("tanh")"#),
            (#"{"d": 'x'}"#, "1:7", "/d", "strings must be in double quotes, found a single quote"),
            ("{\"a\": 1,\n \"b\": 2,\n}", "2:8", "/", "a comma before '}' is not allowed in JSON"),
            (#"{"a": [1, 2, ]}"#, "1:12", "/a", "a comma before ']' is not allowed in JSON"),
            (
                "{\"a\": 1\n \"b\": 2}", "2:2", "/a",
                #"expected ',' or '}' after the value of "a", found '"' (a missing comma?)"#
            ),
            (#"{"a": [1 2]}"#, "1:10", "/a/0", "expected ',' or ']' after element 0, found '2'"),
            (
                #"{"path": "C:\data"}"#, "1:13", "/path",
                #"'\d' is not a JSON escape; a backslash in a string is written \\"#
            ),
            (#"{"s": "\u12"}"#, "1:8", "/s", "four hexadecimal digits"),
            ("{\"s\": \"ab\n\"}", "1:10", "/s", "runs past the end of its line"),
            ("// note\n{}", "1:1", "/", "found a comment (JSON has none; remove it)"),
            (#"{"a": 1, /* why */ "b": 2}"#, "1:10", "/", "expected a key in double quotes, found a comment"),
            (#"{name: "x"}"#, "1:2", "/", #"object keys must be in double quotes: write "name""#),
            (#"{"name" "x"}"#, "1:9", "/name", #"expected ':' after the key "name", found '"'"#),
            (#"{"lr": .5}"#, "1:8", "/lr", "a digit before its point (0.5, not .5)"),
            (#"{"lr": 1.}"#, "1:10", "/lr", "a digit after its point"),
            (#"{"lr": 1e}"#, "1:10", "/lr", "digits after its exponent"),
            (#"{"lr": +1}"#, "1:8", "/lr", "no leading '+'"),
            (#"{"lr": 01}"#, "1:9", "/lr", "no leading zeros"),
            (#"{"lr": -x}"#, "1:9", "/lr", "expected a digit after '-', found 'x'"),
            (
                "{\"a\": [1,\n  {\"b\": 2}", "2:11", "/a",
                "the array opened at line 1, column 7 is not closed (expected ',' or ']')"
            ),
            (#"{"a": {"b": "#, "1:13", "/a/b", "unexpected end of file: expected a value"),
            (#"{"a": "abc"#, "1:7", "/a", "the string opened here is not closed"),
            (#"{"a": 1} x"#, "1:10", "/", "expected the end of the document after its top-level value, found 'x'"),
            (
                String(repeating: "[", count: 40), "1:33",
                "/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", "nested more than 32 levels"
            ),
        ]
        for (text, position, pointer, says) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text: text, file: "m.json"), text) { error in
                guard let error = error as? JSONSyntaxError else { return XCTFail("\(error)") }
                XCTAssertEqual("\(error.position)", position, "\(text) → \(error)")
                XCTAssertEqual(error.pointer.description, pointer, "\(text) → \(error)")
                XCTAssertTrue(error.message.contains(says), "\(text) → \(error.message)")
            }
        }
    }

    /// Single-byte deletions, insertions and replacements of a shipped method file: a text is accepted exactly
    /// when Python's json (strict, with NaN, Infinity and overflowing numbers refused as here) accepts it, and
    /// every refused text gets an explanation from the scan rather than json-c's own words (none of these
    /// edits can make NaN or an overflowing number, the refusals that need no scan).
    func testSyntaxVerdictsAgreeWithPythonsStrictJSON() throws {
        try PythonOracle.require(["json"])
        let original = Array(
            try String(contentsOf: RepositoryPaths.configurations.appendingPathComponent("dec.json"), encoding: .utf8)
                .utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let alphabet = Array(#"{}[],:"'\ aT0.-+/eE"#.utf8) + [10, 9, 0, 1]
        var texts: [String] = [], edits: [Int] = []
        for _ in 0..<2000 {
            var bytes = original
            let at = next(bytes.count)
            switch next(3) {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
            default: bytes[at] = alphabet[next(alphabet.count)]
            }
            texts.append(String(decoding: bytes, as: UTF8.self))
            edits.append(at)
        }
        let verdicts = try PythonOracle.run(
            """
            import json, math, sys
            def finite(text):
                value = float(text)
                if math.isinf(value): raise ValueError(text)
                return value
            def refuse(name): raise ValueError(name)
            def accepts(text):
                try:
                    json.loads(text, parse_float=finite, parse_constant=refuse)
                    return True
                except ValueError:
                    return False
            print(json.dumps([accepts(t) for t in json.load(sys.stdin)]))
            """, input: try JSONSerialization.data(withJSONObject: texts))
        let pythonAccepts = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(verdicts.utf8)) as? [Bool])
        XCTAssertEqual(pythonAccepts.count, texts.count)
        var refused = 0
        for ((text, at), python) in zip(zip(texts, edits), pythonAccepts) {
            let accepted = (try? JSONParser.parse(text: text, file: "m.json")) != nil
            let edited = String(
                decoding: Array(text.utf8)[max(0, at - 30)..<min(text.utf8.count, at + 30)], as: UTF8.self)
            XCTAssertEqual(
                accepted, python, "recombine \(accepted ? "accepts" : "refuses") the edit at byte \(at): \(edited)")
            if !accepted {
                refused += 1
                XCTAssertNotNil(
                    JSONSyntaxDiagnosis.first(in: Array(text.utf8)),
                    "no explanation for the edit at byte \(at): \(edited)")
            }
        }
        XCTAssertGreaterThan(refused, 600)
    }

    func testAUTF16FileIsNamedAsSuch() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.appending("m.json")
        try (Data([0xFF, 0xFE]) + #"{"name": "x"}"#.data(using: .utf16LittleEndian)!).write(to: file)
        XCTAssertThrowsError(try JSONParser.parse(contentsOf: file.path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("the file is UTF-16 text; save it as UTF-8"), "\(error)")
        }
        try Data([0x7B, 0xFF, 0x7D]).write(to: file)
        XCTAssertThrowsError(try JSONParser.parse(contentsOf: file.path)) { error in
            XCTAssertTrue("\(error)".hasSuffix("the file is not UTF-8 text"), "\(error)")
        }
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

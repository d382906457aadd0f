import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineMethod

/// Our validator against Python's `jsonschema` (Draft202012Validator) over the shipped method files
/// and hundreds of mutations of them: the accept/reject verdicts must agree on every file.
final class SchemaDifferentialTests: XCTestCase {
    func testVerdictsAgreeWithPythonJSONSchema() throws {
        try PythonOracle.require(["jsonschema", "referencing"])
        let validator = SchemaValidator(store: try SchemaStore(directory: RepositoryPaths.schema))
        let originals = RepositoryPaths.methodFiles()
        XCTAssertGreaterThanOrEqual(originals.count, 2, "no method files found")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recombine-differential-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var cases: [(file: URL, label: String, ours: Bool)] = []
        var mutator = MethodFileMutator(generator: RandomGenerator(seed: 20_261_122))
        let perFile = max(40, 360 / max(originals.count, 1))
        for original in originals {
            let document = try JSONParser.parse(contentsOf: original.path)
            let originalCopy = directory.appendingPathComponent("original-\(original.lastPathComponent)")
            try document.root.serialized(indent: 1).write(to: originalCopy, atomically: true, encoding: .utf8)
            cases.append((originalCopy, "original \(original.lastPathComponent)", validator.validate(document).isEmpty))
            var made = 0, attempts = 0
            while made < perFile && attempts < perFile * 5 {
                attempts += 1
                guard let (mutated, label) = mutator.mutate(document.root) else { continue }
                let url = directory.appendingPathComponent("m\(cases.count).json")
                let text = mutated.serialized(indent: 1)
                try text.write(to: url, atomically: true, encoding: .utf8)
                let ours = validator.validate(try JSONParser.parse(text: text, file: url.path)).isEmpty
                cases.append((url, "\(original.lastPathComponent): \(label)", ours))
                made += 1
            }
        }
        XCTAssertGreaterThanOrEqual(cases.count - originals.count, 300)
        let script = RepositoryPaths.scripts.appendingPathComponent("jsonschema-verdicts.py").path
        // jsonschema needs ~0.1 s per file: two processes share the work.
        let halves = [Array(cases.prefix(cases.count / 2)), Array(cases.dropFirst(cases.count / 2))]
        var outputs = [Result<String, Error>?](repeating: nil, count: 2)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let output = Result {
                try runProcess(["python3", script, RepositoryPaths.schema] + halves[i].map(\.file.path))
            }
            lock.lock(); outputs[i] = output; lock.unlock()
        }
        var verdicts: [String: Bool] = [:]
        for output in outputs {
            // A failing script fails the test with its own error (e.g. a jsonschema without Draft202012Validator).
            let text = try XCTUnwrap(output).get()
            guard let part = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Bool] else {
                return XCTFail("jsonschema-verdicts.py printed no verdicts: \(text.prefix(500))")
            }
            verdicts.merge(part) { a, _ in a }
        }
        var disagreements: [String] = []
        for c in cases {
            guard let theirs = verdicts[c.file.path] else {
                disagreements.append("no verdict for \(c.label)"); continue
            }
            if theirs != c.ours {
                disagreements.append(
                    "\(c.label): ours \(c.ours ? "valid" : "invalid"), jsonschema \(theirs ? "valid" : "invalid")")
            }
        }
        XCTAssertEqual(disagreements, [], "\(disagreements.count) of \(cases.count) verdicts differ")
        let rejected = cases.filter { !$0.ours }.count
        XCTAssertGreaterThan(rejected, cases.count / 2, "mutations should mostly be invalid")
        for original in cases.prefix(while: { _ in true }) where original.label.hasPrefix("original") {
            XCTAssertTrue(original.ours, "\(original.label) must validate")
        }
    }
}

import XCTest

@testable import RecombineMethod

/// The schema compiled into the binary must be the one in Schema/.
final class EmbeddedSchemaTests: XCTestCase {
    func testEmbeddedSchemaMatchesSchemaDirectory() throws {
        let fromDisk = try SchemaStore(directory: RepositoryPaths.schema)
        let embedded = try SchemaStore.embedded()
        XCTAssertEqual(fromDisk.paths, embedded.paths, "the build embeds every file of Schema/")
        for path in fromDisk.paths {
            XCTAssertEqual(
                fromDisk.schema(at: path), embedded.schema(at: path), "\(path) differs from the embedded copy: rebuild")
        }
    }

    func testEveryPropertyIsDocumented() throws {
        let store = try SchemaStore(directory: RepositoryPaths.schema)
        var undocumented: [String] = []
        func visit(_ value: JSONValue, _ at: String) {
            if let properties = value["properties"]?.object {
                for m in properties.members
                where m.value.object != nil && m.value["description"] == nil && m.value["$ref"] == nil {
                    undocumented.append("\(at)/properties/\(m.key)")
                }
            }
            switch value {
            case .object(let o): for m in o.members { visit(m.value, "\(at)/\(m.key)") }
            case .array(let a): for (i, v) in a.enumerated() { visit(v, "\(at)/\(i)") }
            default: break
            }
        }
        for path in store.paths { visit(store.schema(at: path)!, path) }
        // Properties inside conditionals (if/then/not) only restate constraints; the documented ones are the declarations.
        XCTAssertEqual(
            undocumented.filter {
                !$0.contains("/if/") && !$0.contains("/then/") && !$0.contains("/not/") && !$0.contains("/anyOf/")
                    && !$0.contains("/oneOf/")
            }, [])
    }
}

import Foundation
import RecombineMethod

/// The schema store the command validates against: the files embedded in the binary, or a
/// directory named by `RECOMBINE_SCHEMA_DIR` (for editing the ontology without rebuilding).
func loadSchemaStore() throws -> SchemaStore {
    if let directory = ProcessInfo.processInfo.environment["RECOMBINE_SCHEMA_DIR"], !directory.isEmpty {
        return try SchemaStore(directory: directory)
    }
    return try SchemaStore.embedded()
}

extension SchemaStore {
    /// The schema files compiled into the binary (generated from `Schema/` at build time by EmbedSchemaPlugin).
    public static func embedded() throws -> SchemaStore {
        let store = try SchemaStore(texts: EmbeddedSchema.files)
        guard store.schema(at: "method.json") != nil else {
            throw SchemaStoreError(
                description: "this build embeds no Schema/method.json; rebuild from a checkout with Schema/")
        }
        return store
    }
}

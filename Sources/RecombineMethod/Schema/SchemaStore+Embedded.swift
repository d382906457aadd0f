extension SchemaStore {
    /// The schema files compiled into the binary (generated from `Schema/` by `Scripts/embed-schema`).
    public static func embedded() throws -> SchemaStore {
        let store = try SchemaStore(texts: EmbeddedSchema.files)
        guard store.schema(at: "method.json") != nil else {
            throw SchemaStoreError(description: "this build embeds no Schema/method.json; run Scripts/embed-schema and rebuild")
        }
        return store
    }
}

/// The git revision of the source tree this binary was built from, for provenance: recorded at build
/// time by `SourceRevisionPlugin` ("+modified" when the checkout had uncommitted changes to tracked
/// files, "unknown" when it was built without git or outside a checkout).
public enum SourceRevision {
    public static let current: String = buildSourceRevision
}

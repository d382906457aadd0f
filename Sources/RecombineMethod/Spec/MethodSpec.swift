/// A method file read into typed values (after schema validation), with its source for messages.
public struct MethodSpec: Sendable {
    public let name: String
    public let description: String?
    public let seed: UInt64?
    /// Whether the reference framework's numerics replace the papers' where they differ (`numerics`).
    public let referenceNumerics: Bool
    public let mappings: [MappingSpec]
    public let phases: [PhaseSpec]
    public let strategy: StrategySpec
    public let datasets: [DatasetSpec]
    /// The parsed file (for positions in messages and for writing the method as run).
    public let document: JSONDocument
    /// Directory of the method file; relative paths in it resolve against this.
    public let baseDirectory: String
    /// The method with every schema default filled in (set by `MethodLoader` for valid files): what
    /// a run writes as its `method.json`.
    public internal(set) var withDefaults: JSONValue?
    /// Options the schema requires or gives a default that were absent when the spec was read (see
    /// `SpecReader`); empty for a method loaded through `MethodLoader`.
    public let unfilledOptions: [JSONPointer]

    public init(document: JSONDocument, baseDirectory: String) {
        let r = SpecReader(document.root, at: JSONPointer())
        name = r.filledString("name")
        description = r.string("description")
        seed = r.int("seed").map { UInt64(max($0, 0)) }
        referenceNumerics = r.string("numerics") == "reference"
        mappings = r.items("mappings").map(MappingSpec.init)
        phases = r.items("phases").map(PhaseSpec.init)
        strategy = StrategySpec(r.child("cluster_assignment_strategy"))
        datasets = r.items("datasets").map(DatasetSpec.init)
        self.document = document
        self.baseDirectory = baseDirectory
        unfilledOptions = r.gaps.pointers
    }

    /// The first mapping with `name`.
    public func mapping(named name: String) -> MappingSpec? { mappings.first { $0.name == name } }

    /// Phases in run order (stable by `order`).
    public var orderedPhases: [PhaseSpec] {
        phases.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element)
    }
    /// Datasets in run order (stable by `order`).
    public var orderedDatasets: [DatasetSpec] {
        datasets.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element)
    }
}

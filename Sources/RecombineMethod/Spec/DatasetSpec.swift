/// A typed transform or augmentation step: torchvision name and keyword arguments.
public struct TransformSpec: Sendable {
    public let type: String
    public let arguments: JSONObject
    public let pointer: JSONPointer

    public init(type: String, arguments: JSONObject, pointer: JSONPointer) {
        self.type = type; self.arguments = arguments; self.pointer = pointer
    }
}

/// A named batch augmentation: a transform chain applied to every sample of the main batch.
public struct BatchAugmentationSpec: Sendable {
    public let name: String
    public let transforms: [TransformSpec]
    public let pointer: JSONPointer
}

/// A dataset entry: which data, how it is batched, and which phases run on it.
public struct DatasetSpec: Sendable {
    public let name: String
    /// The dataset type (`MNIST`, `FashionMNIST`, `USPS`, `IDX`, `CSV`, `NPY`, `ImageFolder`, `GaussianMixture`, `Blobs`).
    public let dataset: String
    public let order: Double
    public let enabled: Bool
    /// Whether the file itself says `"enabled": false` (not a default missing from an entry the schema
    /// rejected).
    public let disabledInFile: Bool
    /// Phase names to run; nil means all phases.
    public let phases: [String]?
    public let batchSize: Int
    public let numClusters: Int
    public let transforms: [TransformSpec]?
    public let batchAugmentations: [BatchAugmentationSpec]
    public let reinitializeMappings: Bool
    public let shuffle: Bool
    /// Inclusive sample range, when restricted.
    public let firstSampleIndex: Int?
    public let lastSampleIndex: Int?
    /// The dataset type's own options (`root`, `train`, `path`, …).
    public let options: JSONObject
    public let pointer: JSONPointer

    static let commonKeys: Set<String> = [
        "name", "dataset", "order", "enabled", "phases", "batch_size", "num_clusters", "transforms",
        "batch_augmentations", "reinitialize_mappings", "shuffle", "pin_memory", "num_workers",
        "index_of_first_sample_to_use", "index_of_last_sample_to_use",
    ]

    init(_ r: SpecReader) {
        dataset = r.filledString("dataset")
        name = r.string("name") ?? dataset
        order = r.filledDouble("order")
        enabled = r.filledBool("enabled")
        disabledInFile = r.bool("enabled") == false
        phases = r.strings("phases")
        batchSize = r.filledInt("batch_size")
        numClusters = r.filledInt("num_clusters")
        func transforms(_ list: [SpecReader]) -> [TransformSpec] {
            list.map {
                TransformSpec(
                    type: $0.filledString("type"), arguments: $0.arguments(excluding: ["type"]),
                    pointer: $0.pointer)
            }
        }
        self.transforms = r.object["transforms"] == nil ? nil : transforms(r.items("transforms"))
        batchAugmentations = r.items("batch_augmentations").map {
            BatchAugmentationSpec(
                name: $0.filledString("name"), transforms: transforms($0.items("transforms")),
                pointer: $0.pointer)
        }
        reinitializeMappings = r.filledBool("reinitialize_mappings")
        shuffle = r.filledBool("shuffle")
        firstSampleIndex = r.int("index_of_first_sample_to_use").flatMap { $0 >= 0 ? $0 : nil }
        lastSampleIndex = r.int("index_of_last_sample_to_use").flatMap { $0 >= 0 ? $0 : nil }
        options = r.arguments(excluding: Self.commonKeys)
        pointer = r.pointer
    }
}

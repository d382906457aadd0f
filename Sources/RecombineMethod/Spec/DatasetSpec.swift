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
        dataset = r.string("dataset", default: "")
        name = r.string("name") ?? dataset
        order = r.double("order", default: 0)
        enabled = r.bool("enabled", default: true)
        phases = r.strings("phases")
        batchSize = r.int("batch_size", default: 1)
        numClusters = r.int("num_clusters", default: 2)
        func transforms(_ list: [SpecReader]) -> [TransformSpec] {
            list.map {
                TransformSpec(
                    type: $0.string("type", default: ""), arguments: $0.arguments(excluding: ["type"]),
                    pointer: $0.pointer)
            }
        }
        self.transforms = r.object["transforms"] == nil ? nil : transforms(r.items("transforms"))
        batchAugmentations = r.items("batch_augmentations").map {
            BatchAugmentationSpec(
                name: $0.string("name", default: ""), transforms: transforms($0.items("transforms")),
                pointer: $0.pointer)
        }
        reinitializeMappings = r.bool("reinitialize_mappings", default: true)
        shuffle = r.bool("shuffle", default: false)
        firstSampleIndex = r.int("index_of_first_sample_to_use").flatMap { $0 >= 0 ? $0 : nil }
        lastSampleIndex = r.int("index_of_last_sample_to_use").flatMap { $0 >= 0 ? $0 : nil }
        options = r.arguments(excluding: Self.commonKeys)
        pointer = r.pointer
    }
}

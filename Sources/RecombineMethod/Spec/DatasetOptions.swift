/// The dataset types of the ontology (`dataset` of a dataset entry, Schema/dataset.json).
public enum DatasetKind: String, Sendable, CaseIterable {
    case mnist = "MNIST"
    case fashionMNIST = "FashionMNIST"
    case usps = "USPS"
    case idx = "IDX"
    case csv = "CSV"
    case npy = "NPY"
    case imageFolder = "ImageFolder"
    case gaussianMixture = "GaussianMixture"
    case blobs = "Blobs"
}

/// The settings of each dataset type, decoded from a dataset entry with its schema defaults filled
/// in (Schema/dataset.json states every default; none is repeated here).
public enum DatasetOptions {
    /// MNIST, FashionMNIST and USPS.
    public struct Builtin: Decodable {
        public let root: String?
        public let train: Bool
        /// The test split's samples follow the training split's (only with `train`).
        public let includeTestSplit: Bool
        public let download: Bool
    }

    public struct IDX: Decodable {
        public let root: String
        public let imagesFile: String
        public let labelsFile: String?
    }

    /// A column given by position or by header name.
    public enum Column: Decodable {
        case index(Int)
        case name(String)

        public init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let index = try? value.decode(Int.self) {
                self = .index(index)
            } else {
                self = .name(try value.decode(String.self))
            }
        }
    }

    /// `true`, `false` or `"auto"` (detect).
    public enum Header: Decodable {
        case explicit(Bool)
        case auto

        public init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            self = (try? value.decode(Bool.self)).map(Header.explicit) ?? .auto
        }

        public var given: Bool? { if case .explicit(let b) = self { b } else { nil } }
    }

    public struct CSV: Decodable {
        public let path: String
        public let labelColumn: Column?
        public let labelsPath: String?
        public let delimiter: String
        public let standardize: Bool
        public let header: Header
    }

    public struct NPY: Decodable {
        public let path: String
        public let labelsPath: String?
        public let standardize: Bool
    }

    /// One number for every component, or one per component.
    public enum Spread: Decodable {
        case shared(Double)
        case perComponent([Double])

        public init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let one = try? value.decode(Double.self) {
                self = .shared(one)
            } else {
                self = .perComponent(try value.decode([Double].self))
            }
        }

        public func values(count: Int) -> [Double] {
            switch self {
            case .shared(let s): Array(repeating: s, count: count)
            case .perComponent(let s): s
            }
        }
    }

    public struct GaussianMixture: Decodable {
        public let preset: String?
        public let numSamplesPerComponent: [Int]?
        public let means: [[Double]]?
        public let std: Spread
        public let seed: UInt64
    }

    /// A number of centres, or the centres themselves.
    public enum Centers: Decodable {
        case count(Int)
        case given([[Double]])

        public init(from decoder: Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let count = try? value.decode(Int.self) {
                self = .count(count)
            } else {
                self = .given(try value.decode([[Double]].self))
            }
        }
    }

    public struct Blobs: Decodable {
        public let nSamples: Int
        public let nFeatures: Int
        public let centers: Centers
        public let clusterStd: Double
        public let centerBox: [Double]
        public let seed: UInt64
    }
}

extension DatasetSpec {
    /// The entry's type; nil for a name the schema does not know.
    public var kind: DatasetKind? { DatasetKind(rawValue: dataset) }

    /// The entry's type-specific options, decoded (the error names the entry and the option).
    public func options<Options: Decodable>(_ type: Options.Type) throws -> Options {
        try options.decode(type, at: pointer, what: "dataset '\(name)' (\(dataset))")
    }
}

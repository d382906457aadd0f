import Foundation

/// `result.json` of a run directory, the one type its writer (the trainer) and its readers (reports,
/// sweeps, the CLI) share. Keys are snake_case; absent optionals are left out of the file.
public struct ResultFile: Codable, Sendable {
    public static let name = "result.json"

    /// ACC/NMI/ARI of one evaluation (`evaluations`, `final`) or of a dataset at the end of training
    /// (`end_of_training`, and `final` with `source` "end_of_training" when nothing was evaluated).
    public struct Scores: Codable, Sendable, Equatable {
        public var dataset: String
        public var phase: String?
        public var iteration: Int?
        public var epoch: Int?
        public var acc: Double?
        public var nmi: Double?
        public var ari: Double?
        public var reassignmentRatio: Double?
        /// "end_of_training" when `final` holds end-of-training scores; nil for an evaluation.
        public var source: String?

        public init(
            dataset: String, phase: String? = nil, iteration: Int? = nil, epoch: Int? = nil, acc: Double?,
            nmi: Double?, ari: Double?, reassignmentRatio: Double? = nil, source: String? = nil
        ) {
            self.dataset = dataset; self.phase = phase; self.iteration = iteration; self.epoch = epoch
            self.acc = acc; self.nmi = nmi; self.ari = ari; self.reassignmentRatio = reassignmentRatio
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case dataset, phase, iteration, epoch, acc, nmi, ari, source
            case reassignmentRatio = "reassignment_ratio"
        }
    }

    /// Cluster sizes and the silhouette score of a dataset at the end of training.
    public struct Clusters: Codable, Sendable, Equatable {
        public var dataset: String
        public var sizes: [Int]
        public var silhouette: Double?
        public var silhouetteSamples: Int?

        public init(dataset: String, sizes: [Int], silhouette: Double?, silhouetteSamples: Int?) {
            self.dataset = dataset; self.sizes = sizes; self.silhouette = silhouette
            self.silhouetteSamples = silhouetteSamples
        }

        enum CodingKeys: String, CodingKey {
            case dataset, sizes, silhouette
            case silhouetteSamples = "silhouette_samples"
        }
    }

    public var method: String
    public var seed: UInt64
    public var status: RunStatus
    /// Why the run failed or stopped.
    public var reason: String?
    public var wallSeconds: Double
    public var evaluations: [Scores]
    /// The method's result: its last evaluation, else the last end-of-training scores.
    public var final: Scores?
    public var endOfTraining: [Scores]?
    public var clusters: [Clusters]?
    /// Nil in files whose provenance predates its typed form (see `legacyProvenance`).
    public var provenance: RunProvenance?
    /// The provenance of files written before it was typed: every value a string.
    public var legacyProvenance: [String: String]?
    /// SHA-256 of every data file read, keyed by the file's folder and name.
    public var dataFilesSHA256: [String: String]
    /// SHA-256 of every file a phase or the strategy loaded parameters or centroids from (`load_mapping_parameters`,
    /// `centroid_file_path`), keyed by the path as the method file gives it; nil when nothing was loaded.
    public var loadedFilesSHA256: [String: String]?
    /// The dataset whose predictions `predictions.csv` holds.
    public var predictionsDataset: String?
    /// What each label number stands for, per dataset whose labels are names.
    public var labelNames: [String: [String]]?

    public init(
        method: String, seed: UInt64, status: RunStatus, reason: String? = nil, wallSeconds: Double,
        evaluations: [Scores], final: Scores?, endOfTraining: [Scores]? = nil, clusters: [Clusters]? = nil,
        provenance: RunProvenance?, dataFilesSHA256: [String: String], loadedFilesSHA256: [String: String]? = nil,
        predictionsDataset: String? = nil, labelNames: [String: [String]]? = nil
    ) {
        self.method = method; self.seed = seed; self.status = status; self.reason = reason
        self.wallSeconds = wallSeconds; self.evaluations = evaluations; self.final = final
        self.endOfTraining = endOfTraining; self.clusters = clusters; self.provenance = provenance
        self.dataFilesSHA256 = dataFilesSHA256; self.loadedFilesSHA256 = loadedFilesSHA256
        self.predictionsDataset = predictionsDataset; self.labelNames = labelNames
    }

    enum CodingKeys: String, CodingKey {
        case method, seed, status, reason, evaluations, final, clusters, provenance
        case wallSeconds = "wall_seconds"
        case endOfTraining = "end_of_training"
        case dataFilesSHA256 = "data_files_sha256"
        case loadedFilesSHA256 = "loaded_files_sha256"
        case predictionsDataset = "predictions_dataset"
        case labelNames = "label_names"
    }

    /// Reads files of every version: `status` was added later (its absence means the run completed),
    /// and provenance was once a map of strings.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(String.self, forKey: .method)
        seed = try c.decode(UInt64.self, forKey: .seed)
        status = try c.decodeIfPresent(RunStatus.self, forKey: .status) ?? .completed
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        wallSeconds = try c.decode(Double.self, forKey: .wallSeconds)
        evaluations = try c.decodeIfPresent([Scores].self, forKey: .evaluations) ?? []
        final = try c.decodeIfPresent(Scores.self, forKey: .final)
        endOfTraining = try c.decodeIfPresent([Scores].self, forKey: .endOfTraining)
        clusters = try c.decodeIfPresent([Clusters].self, forKey: .clusters)
        if let typed = try? c.decodeIfPresent(RunProvenance.self, forKey: .provenance) {
            provenance = typed
        } else {
            provenance = nil
            legacyProvenance = try? c.decodeIfPresent([String: String].self, forKey: .provenance)
        }
        dataFilesSHA256 = try c.decodeIfPresent([String: String].self, forKey: .dataFilesSHA256) ?? [:]
        loadedFilesSHA256 = try c.decodeIfPresent([String: String].self, forKey: .loadedFilesSHA256)
        predictionsDataset = try c.decodeIfPresent(String.self, forKey: .predictionsDataset)
        labelNames = try c.decodeIfPresent([String: [String]].self, forKey: .labelNames)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(seed, forKey: .seed)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(wallSeconds, forKey: .wallSeconds)
        try c.encode(evaluations, forKey: .evaluations)
        try c.encodeIfPresent(final, forKey: .final)
        try c.encodeIfPresent(endOfTraining, forKey: .endOfTraining)
        try c.encodeIfPresent(clusters, forKey: .clusters)
        try c.encodeIfPresent(provenance, forKey: .provenance)
        if provenance == nil, let legacyProvenance { try c.encode(legacyProvenance, forKey: .provenance) }
        try c.encode(dataFilesSHA256, forKey: .dataFilesSHA256)
        try c.encodeIfPresent(loadedFilesSHA256, forKey: .loadedFilesSHA256)
        try c.encodeIfPresent(predictionsDataset, forKey: .predictionsDataset)
        try c.encodeIfPresent(labelNames, forKey: .labelNames)
    }

    /// The file's bytes: pretty-printed with sorted keys, as every run directory file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// `result.json` of `directory`; the error names the file and what is wrong with it.
    public static func read(directory: String) throws -> ResultFile {
        let path = (directory as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError("\(path): not found (is \(directory) a run directory?)")
        }
        do { return try JSONDecoder().decode(ResultFile.self, from: data) } catch let DecodingError.keyNotFound(key, _)
        {
            throw RunFileError("\(path): expected '\(key.stringValue)', found none")
        } catch let DecodingError.typeMismatch(type, context) {
            let at = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: "/")
            throw RunFileError("\(path): /\(at): expected \(type)")
        } catch {
            throw RunFileError("\(path): not a result.json (\(error))")
        }
    }
}

/// A run directory file that is missing or cannot be read.
public struct RunFileError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

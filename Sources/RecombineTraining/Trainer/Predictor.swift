import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// Cluster assignments for new data from a finished run: the run's mappings (`final.safetensors`, or
/// the last checkpoint of an unfinished one),
/// the main transforms of the dataset it finished on, and its strategy (centroids, classifiers, or
/// the k-means centroids of `classical_clustering_in_feature_space_after_phase`).
public struct Predictor {
    public let spec: MethodSpec
    let mappings: MappingSet
    let strategy: ClusterAssignment
    let pipeline: TransformPipeline
    /// The dataset whose transforms the run applies (the one it finished on, or was training on).
    let dataset: DatasetSpec
    let kmeansCentroids: Tensor?
    /// The file the weights came from (final.safetensors or checkpoint.safetensors).
    public let weightsPath: String
    let fromCheckpoint: Bool
    /// The samples' shape the run trained on ([] when unknown: a checkpoint does not record it).
    public let sampleShape: [Int]
    public let numClusters: Int
    /// The training data's column statistics when the run read it with `"standardize": true`.
    let standardization: ColumnStandardization?

    /// Loads the run in `runDirectory` (whose `method.json` was compiled into `spec`): its final weights,
    /// or with `fromCheckpoint` those of its last checkpoint (an unfinished or interrupted run, with the
    /// transforms of the dataset it was training on; it may not assign clusters yet, but its features
    /// can be taken).
    public init(runDirectory: String, spec: MethodSpec, fromCheckpoint: Bool = false) throws {
        let path: String, tensors: [String: Tensor], dataset: DatasetSpec
        if fromCheckpoint {
            path = CheckpointArchive.path(in: runDirectory)
            guard let archive = try CheckpointArchive.read(directory: runDirectory) else {
                throw TrainingError("\(path) not found: the run has no checkpoint to predict with")
            }
            let index = try archive.int("dataset_index", in: try archive.object("run"))
            guard spec.datasets.indices.contains(index) else {
                throw TrainingError("\(path): its dataset #\(index) is not in the run's method.json")
            }
            tensors = archive.tensors
            dataset = spec.datasets[index]
            sampleShape = []
        } else {
            path = (runDirectory as NSString).appendingPathComponent(FinalState.fileName)
            guard FileManager.default.fileExists(atPath: path) else {
                throw TrainingError(
                    "\(path) not found: the run did not finish a dataset, so it has no final weights to predict with (--checkpoint takes its last checkpoint's)"
                )
            }
            let metadata: [String: String]
            (tensors, metadata) = try Safetensors.read(path)
            guard let datasetName = metadata["dataset"],
                let named = spec.datasets.first(where: { $0.name == datasetName })
            else {
                throw TrainingError(
                    "\(path): its dataset '\(metadata["dataset"] ?? "?")' is not in the run's method.json")
            }
            dataset = named
            sampleShape = (metadata["sample_shape"] ?? "").split(separator: ",").compactMap { Int($0) }
        }
        self.spec = spec
        self.dataset = dataset
        self.fromCheckpoint = fromCheckpoint
        weightsPath = path
        numClusters = dataset.numClusters
        var g = RandomGenerator(seed: 0)
        mappings = try MappingSet(specs: spec.mappings, generator: &g)
        for mapping in mappings.mappings {
            var own: [String: Tensor] = [:]
            for (name, _) in mapping.stateDict() {
                guard let t = tensors["mapping/\(mapping.name)/\(name)"] else {
                    throw TrainingError("\(path): no weights for \(mapping.name).\(name)")
                }
                guard t.allFinite else {
                    throw TrainingError(
                        "\(path): the weights \(mapping.name).\(name) are not all finite (a damaged file, or a run that diverged)"
                    )
                }
                own[name] = t
            }
            try mapping.loadStateDict(own)
        }
        mappings.train(false)
        strategy = try ClusterAssignment(
            spec: spec.strategy, mappings: mappings, numClusters: numClusters, seed: 0,
            referenceNumerics: spec.referenceNumerics)
        for key in ["strategy/centroids", "kmeans/centroids"] where tensors[key].map({ !$0.allFinite }) ?? false {
            throw TrainingError("\(path): '\(key)' is not all finite (a damaged file, or a run that diverged)")
        }
        strategy.centroids = tensors["strategy/centroids"]
        kmeansCentroids = tensors["kmeans/centroids"]
        standardization = try StandardizationRecord.read(tensors, file: path)
        if Self.standardizes(dataset), standardization == nil {
            throw TrainingError(
                "\(path): the run read its data with \"standardize\": true (\(dataset.pointer)/standardize), but this file holds no column statistics to scale new data with (it was written before recombine kept them); train the run again to predict with it"
            )
        }
        pipeline = try TransformFactory.pipeline(dataset.transforms ?? [])
        // A finished run must be able to assign; a checkpoint may come before anything can.
        if !fromCheckpoint, let problem = assignmentProblem { throw TrainingError(problem) }
    }

    /// Why the loaded weights cannot assign clusters, or nil when they can.
    public var assignmentProblem: String? {
        if !strategy.canAssign {
            return fromCheckpoint
                ? "\(weightsPath): the run has no centroids at this point (its phases had not used them yet), so it cannot assign clusters"
                : "\(weightsPath): the run ended without centroids (its phases never used them), so it cannot assign clusters"
        }
        if spec.strategy.kind == .classicalClusteringAfterPhase && kmeansCentroids == nil {
            return
                "\(weightsPath): the method clusters with k-means after a phase, but the file holds no k-means centroids"
        }
        return nil
    }

    /// Whether `dataset` standardises its feature columns.
    static func standardizes(_ dataset: DatasetSpec) -> Bool {
        switch dataset.kind {
        case .csv?: return (try? dataset.options(DatasetOptions.CSV.self).standardize) ?? false
        case .npy?: return (try? dataset.options(DatasetOptions.NPY.self).standardize) ?? false
        default: return false
        }
    }

    /// Reads new data as `loadData` does, a CSV file with the run's CSV settings (delimiter, header, and its
    /// label column when the new file has it: by name in its header, by index when it has one column more
    /// than the run's features).
    public func read(
        _ path: String, labels: String? = nil, skipUnreadable: Bool = false, warn: (String) -> Void = { _ in }
    ) throws -> Dataset {
        guard path.lowercased().hasSuffix(".csv"), dataset.kind == .csv,
            let o = try? dataset.options(DatasetOptions.CSV.self), let delimiter = o.delimiter.first
        else {
            return try Self.loadData(
                path, labels: labels, sampleShape: sampleShape, skipUnreadable: skipUnreadable, warn: warn)
        }
        var labelColumn: CSVColumn?
        if labels == nil, let column = o.labelColumn {
            struct FirstRowRead: Error {}
            var firstRow: [String] = []
            do {
                try CSVReader(path: path, delimiter: delimiter).forEachRecord {
                    firstRow = $0.fields
                    throw FirstRowRead()
                }
            } catch is FirstRowRead {}
            switch column {
            case .name(let name): labelColumn = firstRow.contains(name) ? .name(name) : nil
            case .index(let index):
                let trained = sampleShape.first ?? (standardization?.mean.count ?? -1)
                labelColumn = firstRow.count == trained + 1 ? .index(index) : nil
            }
        }
        return try FeatureFiles.csv(
            path: path, delimiter: delimiter, header: o.header.given, labelColumn: labelColumn, labelsPath: labels,
            name: (path as NSString).lastPathComponent)
    }

    /// `data` scaled with the training data's column statistics when the run standardised its features.
    func prepared(_ data: Dataset) throws -> Dataset {
        guard let standardization else { return data }
        guard let features = data as? FeatureDataset, features.dimension == standardization.mean.count else {
            throw TrainingError(
                "\(data.name): samples have shape \(data.sampleShape), but the run standardised feature vectors of \(standardization.mean.count) columns"
            )
        }
        return FeatureDataset(
            name: features.name, features: standardization.apply(features.features), dimension: features.dimension,
            labels: features.labels, labelNames: features.labelNames, standardization: standardization)
    }

    /// Reads new data by file type: a folder of PNG/JPEG images (`ImageFolderDataset`, labelled when it
    /// holds class folders; resized to and converted to `sampleShape` [C, H, W] when given), `.csv`,
    /// `.npy`, otherwise an IDX image file (gzip or not). `skipUnreadable` leaves a folder's unreadable
    /// images out, telling `warn`.
    public static func loadData(
        _ path: String, labels: String? = nil, sampleShape: [Int] = [], skipUnreadable: Bool = false,
        warn: (String) -> Void = { _ in }
    ) throws -> Dataset {
        let lower = path.lowercased()
        guard FileManager.default.fileExists(atPath: path) else { throw TrainingError("\(path): no such file") }
        if ImageFolderListing.isDirectory(path) {
            if labels != nil {
                throw TrainingError("\(path): an image folder's labels are its class folders; --labels does not apply")
            }
            let image = sampleShape.count == 3
            return try ImageFolderDataset(
                name: (path as NSString).lastPathComponent, path: path,
                imageSize: image ? (sampleShape[1], sampleShape[2]) : nil,
                channels: image ? sampleShape[0] : nil, skipUnreadable: skipUnreadable, warn: warn)
        }
        if lower.hasSuffix(".csv") {
            return try FeatureFiles.csv(path: path, labelsPath: labels, name: (path as NSString).lastPathComponent)
        }
        if lower.hasSuffix(".npy") {
            return try FeatureFiles.npyDataset(
                path: path, labelsPath: labels, name: (path as NSString).lastPathComponent)
        }
        return try ImageDataset(name: (path as NSString).lastPathComponent, imagesFile: path, labelsFile: labels)
    }

    /// The feature extractor's output [N, D] (flattened after the sample axis) for every sample of
    /// `data`, after the run's main transforms: what the strategy clusters.
    public func features(_ data: Dataset) throws -> Tensor {
        let data = try prepared(data)
        try checkShape(data)
        guard strategy.featureExtractor != nil else {
            throw TrainingError("the run's method has no feature extractor mapping, so it has no features to write")
        }
        return strategy.allFeatures(data, pipeline: pipeline)
    }

    /// Refuses data whose samples differ from the run's, cannot take its transforms, or do not fit its
    /// mappings (the method's shape checks, which a checkpoint, not knowing the trained shape, relies on).
    func checkShape(_ data: Dataset) throws {
        if !sampleShape.isEmpty && data.sampleShape != sampleShape {
            throw TrainingError(
                "\(data.name): samples have shape \(data.sampleShape), but the run was trained on samples of shape \(sampleShape)"
            )
        }
        if pipeline.unsupportedTransformIndex(forSampleShape: data.sampleShape) != nil {
            throw TrainingError(
                "\(data.name): samples of shape \(data.sampleShape) cannot take the run's transforms (image transforms need [C, H, W])"
            )
        }
        if let issue = MethodCompiler.checkShapes(spec, dataset: dataset, loadedSampleShape: data.sampleShape).first {
            throw TrainingError(
                "\(data.name): samples of shape \(data.sampleShape) do not fit the run's method: \(issue.pointer): \(issue.message)"
            )
        }
    }

    /// Soft assignments [N, K] (one-hot for k-means after a phase) of every sample of `data`.
    public func softAssignments(_ data: Dataset) throws -> Tensor {
        if let assignmentProblem { throw TrainingError(assignmentProblem) }
        let data = try prepared(data)
        try checkShape(data)
        if let centers = kmeansCentroids {
            let z = strategy.allFeatures(data, pipeline: pipeline)
            let labels = Tensor.pairwiseSquaredDistances(z, centers).argmin(axis: 1)
            return Tensor.oneHot(labels, classes: numClusters)
        }
        return try pipeline.sweep(data, seed: 0) { try strategy.assignments($0, logits: false) }
    }
}

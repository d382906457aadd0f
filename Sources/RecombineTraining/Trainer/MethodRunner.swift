import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// Runs a checked method: datasets in order, phases in order (spec §4), writing the run directory.
public final class MethodRunner {
    let spec: MethodSpec
    let configuration: RunConfiguration
    let seed: UInt64
    let log: RunLog
    public private(set) var result: RunResult
    var generator: RandomGenerator

    public init(spec: MethodSpec, configuration: RunConfiguration) throws {
        self.spec = spec
        self.configuration = configuration
        seed = configuration.seed ?? spec.seed ?? 0
        generator = RandomGenerator(seed: seed)
        let stamp: String = {
            let f = DateFormatter(); f.dateFormat = "yyyy-MM-dd_HH-mm-ss"; f.locale = Locale(identifier: "en_US_POSIX")
            return f.string(from: Date())
        }()
        let safeName = spec.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let directory = configuration.outputDirectory ?? "runs/\(stamp)_\(String(safeName))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        log = RunLog(timestamps: configuration.logTimestamps, quiet: configuration.quiet,
                     logPath: configuration.oneLogFile ?? (configuration.writeLogFile ? (directory as NSString).appendingPathComponent("log.txt") : nil),
                     metricsPath: (directory as NSString).appendingPathComponent("metrics.jsonl"))
        result = RunResult(method: spec.name, seed: seed, runDirectory: directory)
        result.provenance = ["recombine_version": recombineVersion, "threads": String(Threads.count), "blas_core": Threads.blasCore,
                             "iterations_scale": String(configuration.iterationsScale)]
        if let hash = try? SHA256.hex(ofFile: spec.document.file) { result.provenance["method_file_sha256"] = hash }
        try AtomicFile.write(Data(spec.document.root.serialized(indent: 2).utf8), to: (directory as NSString).appendingPathComponent("method.json"))
    }

    /// Trains and evaluates; returns the result also written to `result.json`.
    @discardableResult
    public func run() throws -> RunResult {
        let start = Date()
        log.line("Started processing method \"\(spec.name)\" (seed \(seed), \(Threads.count) threads, run directory \(result.runDirectory))")
        var mappings: MappingSet? = nil
        var centroids: Tensor? = nil
        let factory = DatasetFactory(baseDirectory: spec.baseDirectory, searchDirectories: configuration.dataDirectories)
        defer {
            result.wallSeconds = Date().timeIntervalSince(start)
            try? result.write()
        }
        for (index, datasetSpec) in spec.orderedDatasets.enumerated() {
            guard datasetSpec.enabled else { log.line("Skipping dataset \"\(datasetSpec.name)\" (disabled)"); continue }
            log.line("Processing dataset \"\(datasetSpec.name)\"" + (!datasetSpec.reinitializeMappings && index > 0 ? " (retaining mapping parameters)" : ""))
            if mappings == nil || datasetSpec.reinitializeMappings {
                var g = generator.split()
                mappings = try MappingSet(specs: spec.mappings, generator: &g)
                centroids = nil
                if index > 0 { log.line("Mapping parameters reinitialized") }
            }
            let data = try factory.load(datasetSpec, seed: generator.next())
            for path in factory.files.paths where result.dataFiles[path] == nil { result.dataFiles[path] = FileHashes.sha256(path) }
            if let labels = data.labels {
                let classes = Set(labels).count
                if classes > datasetSpec.numClusters {
                    throw TrainingError("dataset '\(datasetSpec.name)' has \(classes) label classes but num_clusters is \(datasetSpec.numClusters) (\(datasetSpec.pointer)/num_clusters)")
                }
            } else {
                log.line("Dataset \"\(datasetSpec.name)\" has no labels: evaluation reports no ACC/NMI/ARI")
            }
            let strategy = try ClusterAssignment(spec: spec.strategy, mappings: mappings!, numClusters: datasetSpec.numClusters, seed: generator.next(),
                                                  referenceNumerics: spec.referenceNumerics)
            strategy.iterationsScale = configuration.iterationsScale
            strategy.centroids = centroids
            let context = try DatasetContext(spec: datasetSpec, data: data, seed: generator.next())
            for phaseSpec in spec.orderedPhases where datasetSpec.phases?.contains(phaseSpec.name) ?? true {
                guard phaseSpec.enabled else { log.line("Skipping phase \"\(phaseSpec.name)\" (#\(Self.order(phaseSpec.order)); disabled)"); continue }
                let phase = PhaseRunner(method: spec, phase: phaseSpec, dataset: context, mappings: mappings!, strategy: strategy,
                                        configuration: configuration, log: log, runDirectory: result.runDirectory, generator: generator.split())
                try phase.run()
                result.evaluations += phase.evaluations
            }
            centroids = strategy.centroids.map { $0.detached() }
        }
        log.line("Finished processing method \"\(spec.name)\"")
        result.wallSeconds = Date().timeIntervalSince(start)
        return result
    }

    static func order(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(value) }
}

/// recombine's version, recorded in every result.
public let recombineVersion = "0.1.0"

/// A dataset prepared for training: samples, transform chains and the batch order.
final class DatasetContext {
    let spec: DatasetSpec
    let data: Dataset
    let main: TransformPipeline
    let augmentations: [String: TransformPipeline]
    let seed: UInt64

    init(spec: DatasetSpec, data: Dataset, seed: UInt64) throws {
        self.spec = spec; self.data = data; self.seed = seed
        main = try TransformFactory.pipeline(spec.transforms ?? [])
        var augmentations: [String: TransformPipeline] = [:]
        for a in spec.batchAugmentations { augmentations[a.name] = try TransformFactory.pipeline(a.transforms) }
        self.augmentations = augmentations
        guard data.count >= spec.batchSize else {
            throw TrainingError("dataset '\(spec.name)' has \(data.count) samples, fewer than batch_size \(spec.batchSize): no complete batch can be formed")
        }
    }
}

/// SHA-256 of data files for provenance, computed once per file (path, size and modification date)
/// per process: batch runs over many method files share the same datasets.
enum FileHashes {
    nonisolated(unsafe) static var cache: [String: String] = [:]
    static let lock = NSLock()

    static func sha256(_ path: String) -> String? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let key = "\(path)|\(attributes?[.size] ?? "")|\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        lock.lock(); defer { lock.unlock() }
        if let known = cache[key] { return known }
        let hash = try? SHA256.hex(ofFile: path)
        cache[key] = hash
        return hash
    }
}

import Foundation
import RecombineClustering
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineRunFiles
import RecombineTensor

/// Runs a checked method: datasets in order, phases in order, writing the run directory
/// (run.json, method.json, log, metrics.jsonl, checkpoints, weights, result.json). With
/// `configuration.resume` it continues the run directory's checkpoint instead of starting afresh.
public final class MethodRunner {
    let spec: MethodSpec
    let configuration: RunConfiguration
    let seed: UInt64
    let log: RunLog
    public internal(set) var result: RunResult
    var generator: RandomGenerator
    /// The checkpoint to continue from (nil for a fresh run, or a resumed run killed before its first one).
    let resumeArchive: CheckpointArchive?
    let policy: CheckpointPolicy
    /// Held while this runner exists: no other process runs in its directory meanwhile.
    let lock: RunDirectoryLock
    /// SHA-256 of the run folder's `method.json` as the run wrote it, kept in checkpoints: a resumed run
    /// continues the method it began with, not an edited one.
    let methodJSONSHA256: String?

    public init(spec: MethodSpec, configuration: RunConfiguration) throws {
        var configuration = configuration
        self.spec = spec
        seed = configuration.seed ?? spec.seed ?? 0
        generator = RandomGenerator(seed: seed)
        let directories = try ReplicaRunDirectory(method: spec.name, configuration: &configuration)
        let directory = directories.own
        let methodText = (spec.withDefaults ?? spec.document.root).serialized(indent: 2)
        // Whether the folder is free, finished or resumable is decided under the lock, so two processes
        // never both decide to run it.
        // In data-parallel training rank 0 locks and decides, and tells the other processes.
        let seed = self.seed
        var held: RunDirectoryLock?
        configuration.resume = try ReplicaRunDirectory.agree(configuration.dataParallel, primary: directories.primary) {
            [configuration] in
            held = try RunDirectoryLock(directory: directory)
            if configuration.resume {
                if RunResult.status(inDirectory: directory) == .completed {
                    throw RunDirectoryClaim.AlreadyFinished(directory: directory)
                }
                return true
            }
            let identity = RunDirectoryClaim.Identity(
                method: methodText, seed: seed, iterationsScale: configuration.iterationsScale, threads: Threads.count)
            let decision = try RunDirectoryClaim.claim(
                directory, for: identity, replace: configuration.replaceExisting,
                continueUnfinished: configuration.continueUnfinished)
            return decision == .resume
        }
        lock = try held ?? RunDirectoryLock(directory: directory)
        self.configuration = configuration
        policy = CheckpointPolicy(configuration: configuration)
        resumeArchive = configuration.resume ? try CheckpointArchive.read(directory: directories.primary) : nil
        let methodJSON = (directory as NSString).appendingPathComponent("method.json")
        if let recorded = resumeArchive?.values[Self.methodJSONKey] as? String {
            if let now = try? SHA256.hex(ofFile: methodJSON), now != recorded {
                throw TrainingError(
                    "\(methodJSON) was edited after the run started (SHA-256 \(recorded.prefix(12))… at its last checkpoint, now \(now.prefix(12))…): a resumed run continues the method it began with. Undo the edit, or start a new run from the edited file with another --output."
                )
            }
            methodJSONSHA256 = recorded
        } else {
            methodJSONSHA256 =
                configuration.resume ? try? SHA256.hex(ofFile: methodJSON) : SHA256.hex(Data(methodText.utf8))
        }
        let offsets = resumeArchive.flatMap { $0.values["log_offsets"] as? [String: NSNumber] }
        let truncate: (UInt64?, UInt64?) =
            configuration.resume
            ? (offsets?["log"]?.uint64Value ?? 0, offsets?["metrics"]?.uint64Value ?? 0) : (nil, nil)
        let runLogPath = (directory as NSString).appendingPathComponent("log.txt")
        log = try RunLog(
            timestamps: configuration.logTimestamps, quiet: configuration.quiet,
            logPath: configuration.oneLogFile ?? (configuration.writeLogFile ? runLogPath : nil),
            metricsPath: (directory as NSString).appendingPathComponent("metrics.jsonl"),
            truncateLogTo: configuration.oneLogFile == nil ? truncate.0 : nil, truncateMetricsTo: truncate.1,
            elapsedBefore: Self.elapsedBefore(resumeArchive))
        if configuration.resume, let previous = RunResult.provenance(inDirectory: directory) {
            let provenance = previous.provenance.resumed(
                at: Self.elapsedBefore(resumeArchive), position: Self.position(of: resumeArchive, in: spec))
            result = RunResult(method: spec.name, seed: seed, runDirectory: directory, provenance: provenance)
            result.dataFiles = previous.dataFiles
            result.loadedFiles = previous.loadedFiles
            result.predictionsDataset = previous.predictionsDataset
        } else {
            let provenance = RunProvenance(
                configuration: configuration, methodFileSHA256: try? SHA256.hex(ofFile: spec.document.file))
            result = RunResult(method: spec.name, seed: seed, runDirectory: directory, provenance: provenance)
            try AtomicFile.write(
                Data(methodText.utf8), to: (directory as NSString).appendingPathComponent("method.json"))
            try RunRecord(
                methodFile: spec.document.file, baseDirectory: spec.baseDirectory, seed: seed,
                configuration: configuration,
                threads: Threads.count
            ).write(to: directory)
        }
    }

    /// Trains and evaluates; returns the result also written to `result.json` (with its status:
    /// completed, failed with the reason, or interrupted/stopped with a checkpoint to resume from).
    @discardableResult
    public func run() throws -> RunResult {
        let start = Date().addingTimeInterval(-Self.elapsedBefore(resumeArchive))
        defer {
            result.wallSeconds = Date().timeIntervalSince(start)
            try? result.write()
        }
        do {
            try train(start: start)
            result.status = .completed
            result.reason = nil
            // A finished run needs no checkpoint (final.safetensors holds its end state); result.json
            // says "completed" first, so a kill in between never leaves a run without either.
            result.wallSeconds = Date().timeIntervalSince(start)
            try result.write()
            try? FileManager.default.removeItem(atPath: CheckpointArchive.path(in: result.runDirectory))
        } catch let stop as RunStopped {
            result.status = stop.bySignal ? .interrupted : .stopped
            result.reason = stop.description
            log.line(stop.description)
            throw stop
        } catch {
            result.status = .failed
            result.reason = "\(error)"
            throw error
        }
        result.wallSeconds = Date().timeIntervalSince(start)
        return result
    }

    /// Seconds the run had trained when `archive` was written (0 for a fresh run).
    static func elapsedBefore(_ archive: CheckpointArchive?) -> TimeInterval {
        (archive?.values["wall_seconds"] as? NSNumber)?.doubleValue ?? 0
    }

    /// Where `archive` continues the run (nil for a fresh run or a damaged position, which resuming reports).
    static func position(of archive: CheckpointArchive?, in spec: MethodSpec) -> RunSegment.Position? {
        guard let run = archive?.values["run"] as? [String: Any],
            let phase = archive?.values["phase"] as? [String: Any],
            let datasetIndex = (run["dataset_index"] as? NSNumber)?.intValue,
            spec.orderedDatasets.indices.contains(datasetIndex),
            let phaseName = phase["name"] as? String, let iteration = (phase["phase_iteration"] as? NSNumber)?.intValue
        else { return nil }
        return RunSegment.Position(
            dataset: spec.orderedDatasets[datasetIndex].name, phase: phaseName, phaseIteration: iteration)
    }

    func train(start: Date) throws {
        let resume = resumeArchive
        let position = try resume.map { try $0.object("run") }
        let resumeDataset = try position.map { try resume!.int("dataset_index", in: $0) }
        let resumePhase = try position.map { try resume!.int("phase_index", in: $0) }
        if let position {
            result.evaluations = ((position["evaluations"] as? [[String: Any]]) ?? []).compactMap(
                EvaluationRecord.init(json:))
            result.endOfTraining = ((position["end_of_training"] as? [[String: Any]]) ?? []).compactMap(
                EndOfTrainingRecord.init(json:))
            log.line("Resuming method \"\(spec.name)\" from \(resume!.source)")
        } else {
            log.line(
                "Started processing method \"\(spec.name)\" (seed \(seed), \(Threads.count) threads, run directory \(result.runDirectory))"
            )
            for ignored in spec.ignoredSettings { log.line("Warning: \(ignored)") }
        }
        logDataParallelStart()
        var mappings: MappingSet? = nil
        var centroids: Tensor? = nil
        let factory = DatasetFactory(
            baseDirectory: spec.baseDirectory,
            locations: DataLocations(searchDirectories: configuration.dataDirectories, cache: configuration.dataCache),
            log: { [log] in log.line($0) })
        for (index, datasetSpec) in spec.orderedDatasets.enumerated() {
            if let resumeDataset, index < resumeDataset { continue }
            let resumingDataset = resumeDataset == index
            guard datasetSpec.enabled else { log.line("Skipping dataset \"\(datasetSpec.name)\" (disabled)"); continue }
            if !resumingDataset {
                log.line(
                    "Processing dataset \"\(datasetSpec.name)\""
                        + (!datasetSpec.reinitializeMappings && index > 0 ? " (retaining mapping parameters)" : ""))
            }
            if mappings == nil || datasetSpec.reinitializeMappings {
                var g = generator.split()
                mappings = try MappingSet(specs: spec.mappings, generator: &g)
                centroids = nil
                if index > 0 && !resumingDataset { log.line("Mapping parameters reinitialized") }
            }
            // Seeds of the data order, the strategy and the transforms, drawn in this order.
            let seeds =
                resumingDataset
                ? try resume!.seeds("dataset_seeds", in: position)
                : [generator.next(), generator.next(), generator.next()]
            let filesBefore = factory.files.paths.count
            let data = try factory.load(datasetSpec, seed: seeds[0])
            if let names = data.labelNames { result.labelNames[datasetSpec.name] = names }
            try DataFileHashes.note(
                files: Array(factory.files.paths[filesBefore...]), dataset: datasetSpec.name, in: &result.dataFiles,
                resuming: resumingDataset)
            if !SampleShapes.isKnownFromMethodFile(datasetSpec) {
                // CSV, NPY and IDX shapes are known only now: check every mapping against them before the first step.
                let issues = MethodCompiler.checkShapes(spec, dataset: datasetSpec, loadedSampleShape: data.sampleShape)
                if !issues.isEmpty {
                    throw TrainingError(
                        "dataset '\(datasetSpec.name)' (\(factory.files.paths.last ?? datasetSpec.dataset)) holds samples of shape \(data.sampleShape), which the method's mappings do not fit:\n"
                            + issues.map(\.description).joined(separator: "\n"))
                }
            }
            if let labels = data.labels {
                if let bad = labels.first(where: { $0 < 0 || $0 >= datasetSpec.numClusters }) {
                    let (low, high) = (labels.min()!, labels.max()!)
                    throw TrainingError(
                        "dataset '\(datasetSpec.name)' (\(factory.files.paths.last ?? datasetSpec.dataset)) has label \(bad), outside 0…\(datasetSpec.numClusters - 1) for num_clusters \(datasetSpec.numClusters) (\(datasetSpec.pointer)/num_clusters); its labels run from \(low) to \(high)"
                            + (low == 1 && high == datasetSpec.numClusters
                                ? " — labels counted from 1? Store them from 0." : ""))
                }
                let classes = Set(labels).count
                if classes > datasetSpec.numClusters {
                    throw TrainingError(
                        "dataset '\(datasetSpec.name)' has \(classes) label classes but num_clusters is \(datasetSpec.numClusters) (\(datasetSpec.pointer)/num_clusters)"
                    )
                }
            } else if !resumingDataset {
                log.line("Dataset \"\(datasetSpec.name)\" has no labels: evaluation reports no ACC/NMI/ARI")
            }
            let strategy = try ClusterAssignment(
                spec: spec.strategy, mappings: mappings!, numClusters: datasetSpec.numClusters, seed: seeds[1],
                referenceNumerics: spec.referenceNumerics)
            strategy.iterationsScale = configuration.iterationsScale
            strategy.group = configuration.dataParallel
            strategy.centroids = centroids
            if resumingDataset { try restore(mappings: mappings!, strategy: strategy, from: resume!) }
            try Self.checkSampleCount(data.count, of: datasetSpec, source: factory.files.paths.last)
            let context = try DatasetContext(spec: datasetSpec, data: data, seed: seeds[2])
            for (phaseIndex, phaseSpec) in spec.orderedPhases.enumerated()
            where datasetSpec.phases?.contains(phaseSpec.name) ?? true {
                if resumingDataset, let resumePhase, phaseIndex < resumePhase { continue }
                guard phaseSpec.enabled else {
                    log.line("Skipping phase \"\(phaseSpec.name)\" (#\(Self.order(phaseSpec.order)); disabled)");
                    continue
                }
                let resumingPhase = resumingDataset && phaseIndex == resumePhase
                let phaseGenerator = generator.split()
                if resumingPhase { generator = try resume!.generator("generator", in: position) }
                let phase = PhaseRunner(
                    method: spec, phase: phaseSpec, dataset: context, mappings: mappings!, strategy: strategy,
                    configuration: configuration, log: log, runDirectory: result.runDirectory, generator: phaseGenerator
                )
                phase.checkpointPolicy = policy
                phase.noteLoadedFile = { [unowned self] pathAsGiven, resolvedPath in
                    try LoadedFileHashes.note(
                        path: pathAsGiven, resolvedPath: resolvedPath, phase: phaseSpec.name,
                        in: &self.result.loadedFiles)
                }
                phase.writeCheckpoint = { [unowned self, unowned phase] loopPosition in
                    guard self.configuration.dataParallel.isPrimary else { return }
                    try self.writeCheckpoint(
                        phase: phase, position: loopPosition, datasetIndex: index, phaseIndex: phaseIndex, seeds: seeds,
                        mappings: mappings!, strategy: strategy, start: start)
                }
                try phase.run(resumingFrom: resumingPhase ? resume : nil)
                result.evaluations += phase.evaluations
            }
            let assignments = try FinalState.write(
                directory: result.runDirectory, method: spec, dataset: context, mappings: mappings!, strategy: strategy)
            let predictions = assignments?.predictions
            if predictions == nil {
                log.line(
                    "No cluster assignments at the end of dataset \"\(datasetSpec.name)\": the strategy's centroids are initialised only in phases "
                        + "[\(spec.strategy.useCentroidsDuringPhases.map { "\"\($0)\"" }.joined(separator: ", "))], none of which ran on it"
                )
            }
            if let assignments {
                try PredictionsFile.write(
                    directory: result.runDirectory, predictions: assignments.predictions, data: data)
                result.predictionsDataset = datasetSpec.name
                let summary = ClusterSummary(
                    dataset: datasetSpec.name, assignments: assignments, numClusters: datasetSpec.numClusters,
                    seed: seeds[2])
                result.clusterSummaries.append(summary)
                log.line(
                    "Clusters at the end of dataset \"\(datasetSpec.name)\": sizes \(summary.sizes)"
                        + (summary.silhouette.map { String(format: ", silhouette %.4f", $0) } ?? ""))
            }
            if let labels = data.labels, let predictions {
                // The state training ended in, scored like an evaluation (the last scheduled evaluation may lie
                // iterations before the end, or none may be scheduled).
                let record = EndOfTrainingRecord(
                    dataset: datasetSpec.name, acc: ClusteringMetrics.accuracy(truth: labels, prediction: predictions),
                    nmi: ClusteringMetrics.nmi(truth: labels, prediction: predictions),
                    ari: ClusteringMetrics.ari(truth: labels, prediction: predictions))
                result.endOfTraining.append(record)
                log.line(
                    String(
                        format: "Performance at the end of training on dataset \"%@\": ACC %.4f, NMI %.4f, ARI %.4f",
                        datasetSpec.name, record.acc, record.nmi, record.ari))
            }
            centroids = strategy.centroids.map { $0.detached() }
        }
        logDataParallelEnd()
        log.line("Finished processing method \"\(spec.name)\"")
    }

    /// The checkpoint value holding `methodJSONSHA256`.
    static let methodJSONKey = "method_json_sha256"

    static func order(_ value: Double) -> String { value.rounded() == value ? String(Int(value)) : String(value) }

    /// Refuses, before the first step, a dataset with fewer samples than one batch or than its clusters
    /// (k-means and the mixture would only find out after pretraining), naming its file and pointer.
    static func checkSampleCount(_ count: Int, of dataset: DatasetSpec, source: String?) throws {
        let name = "dataset '\(dataset.name)' (\(source ?? dataset.dataset))"
        if count < dataset.batchSize {
            throw TrainingError(
                "\(name) has \(count) samples, fewer than batch_size \(dataset.batchSize) (\(dataset.pointer)/batch_size): no complete batch can be formed"
            )
        }
        if count < dataset.numClusters {
            throw TrainingError(
                "\(name) has \(count) samples, fewer than num_clusters \(dataset.numClusters) (\(dataset.pointer)/num_clusters): each cluster needs at least one sample"
            )
        }
    }
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
        main = try Self.pipeline(spec.transforms ?? [], for: data, datasetName: spec.name)
        var augmentations: [String: TransformPipeline] = [:]
        for a in spec.batchAugmentations {
            augmentations[a.name] = try Self.pipeline(a.transforms, for: data, datasetName: spec.name)
        }
        self.augmentations = augmentations
        guard data.count >= spec.batchSize else {
            throw TrainingError(
                "dataset '\(spec.name)' has \(data.count) samples, fewer than batch_size \(spec.batchSize) (\(spec.pointer)/batch_size): no complete batch can be formed"
            )
        }
    }

    /// A transform chain, refused before training when the data's samples cannot take one of its
    /// transforms (feature vectors take element-wise transforms only; they were silently skipped before).
    static func pipeline(_ specs: [TransformSpec], for data: Dataset, datasetName: String) throws -> TransformPipeline {
        let pipeline = try TransformFactory.pipeline(specs)
        if let i = pipeline.unsupportedTransformIndex(forSampleShape: data.sampleShape) {
            throw TrainingError(
                "\(specs[i].pointer): "
                    + TransformPipeline.refusal(of: specs[i].type, dataset: datasetName, sampleShape: data.sampleShape))
        }
        return pipeline
    }

    /// The named batch augmentations of samples `indices`, and only those (the reference loaded every
    /// augmentation each iteration, B29 in Docs/reference-differences.md). Each view has its own random stream, so identically
    /// configured views differ (B34 in Docs/reference-differences.md); a stream depends on the dataset seed, the view's position
    /// in `names` (a phase passes its views sorted by name), the epoch and the batch.
    func views(_ names: [String], indices: [Int], epoch: Int, batchIndex: Int) -> [String: Tensor] {
        var views: [String: Tensor] = [:]
        for (v, name) in names.enumerated() {
            views[name] = augmentations[name]!.batch(
                data, indices, seed: seed &+ UInt64(v + 1) &* 0x9E37_79B9_7F4A_7C15, epoch: epoch,
                batchIndex: batchIndex)
        }
        return views
    }
}

import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

/// One training iteration of a method's phase on a fixed batch of random images, built by the
/// trainer's own setup (the compiled mappings, the cluster-assignment strategy with its centroid
/// initialisation, the phase's design patterns and optimizers), for benchmarks.
///
/// `engineStep()` is what a training step computes — every pattern's losses, the per-group sums,
/// their gradients and the optimizer steps — without the trainer's bookkeeping; `trainerStep()` is
/// the trainer's own iteration (batch and views assembled from the dataset, finiteness checks, loss
/// reports, gradient clearing). The dataset is the batch itself, so whole-dataset passes a pattern
/// makes (DEC's targets) run over that batch once, at the first step.
public final class IsolatedPhaseStep {
    let runner: PhaseRunner
    let indices: [Int]
    let viewNames: [String]
    /// The main batch and the augmented views the phase's patterns read (computed once).
    public let batch: Tensor
    public let views: [String: Tensor]
    /// The phase iteration every step claims to be (1: no periodic recalculation falls on it).
    let phaseIteration = 1
    var trainerBatches = 0
    /// The batch order of the trainer's iterations after the first.
    var sampler: BatchSampler
    var pendingBatches: [[Int]] = []
    /// How long the strategy's centroid initialisation took when the phase made one (a k-means over
    /// the whole dataset's features, as the trainer makes it at the first phase that uses centroids).
    public private(set) var centroidInitializationSeconds: Double?
    /// How long reading the dataset's files took (nil for random images).
    public private(set) var dataLoadingSeconds: Double?

    /// Builds phase `phaseName` of `method` on dataset `datasetName` (default: the first that runs
    /// it). Without `locations` the dataset is one batch of random images around prototypes, of the
    /// sample shape the spec gives (built-in image datasets only); with them, the dataset's own files.
    /// `pretrainedLike` replaces the file's initialisation of every weight matrix and kernel by
    /// Kaiming-normal weights (fan-in, ReLU gain) and zero biases, so a phase that starts from
    /// pretrained weights sees spread-out features instead of the near-identical outputs of a fresh
    /// network; the work is the same.
    public init(
        method: MethodSpec, phaseName: String, datasetName: String? = nil, locations: DataLocations? = nil,
        seed: UInt64 = 0, pretrainedLike: Bool = false
    ) throws {
        guard let phase = method.orderedPhases.first(where: { $0.name == phaseName }) else {
            throw TrainingError(
                "method '\(method.name)' has no phase '\(phaseName)' (phases: \(method.orderedPhases.map(\.name).joined(separator: ", ")))"
            )
        }
        guard
            let datasetSpec = method.orderedDatasets.first(where: {
                $0.enabled && ($0.phases?.contains(phaseName) ?? true)
                    && (datasetName.map($0.name.elementsEqual) ?? true)
            })
        else {
            throw TrainingError(
                "method '\(method.name)': no enabled dataset\(datasetName.map { " named '\($0)'" } ?? "") runs phase '\(phaseName)'"
            )
        }
        var g = RandomGenerator(seed: seed)
        let data: Dataset
        if let locations {
            let start = DispatchTime.now().uptimeNanoseconds
            data = try DatasetFactory(baseDirectory: method.baseDirectory, locations: locations).load(
                datasetSpec, seed: g.next())
            dataLoadingSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } else {
            guard let shape = SampleShapes.of(datasetSpec), shape.count == 3 else {
                throw TrainingError(
                    "dataset '\(datasetSpec.name)' of method '\(method.name)': a benchmark step on random images needs images whose shape the method file gives"
                )
            }
            data = ImageDataset(
                name: "random images",
                pixels: Self.clusteredPixels(
                    count: datasetSpec.batchSize, size: shape.reduce(1, *), clusters: datasetSpec.numClusters,
                    generator: &g),
                sampleShape: shape, labels: nil)
        }
        let context = try DatasetContext(spec: datasetSpec, data: data, seed: g.next())
        let mappings = try MappingSet(specs: method.mappings, generator: &g)
        if pretrainedLike {
            for mapping in mappings.mappings {
                for (name, t) in mapping.namedParameters() {
                    if name.hasSuffix("weight") && t.rank >= 2 {
                        Init.kaimingNormal(t, nonlinearity: "relu", generator: &g)
                    } else if name.hasSuffix("bias") {
                        Init.constant(t, 0)
                    }
                }
            }
        }
        let strategy = try ClusterAssignment(
            spec: method.strategy, mappings: mappings, numClusters: datasetSpec.numClusters, seed: g.next(),
            referenceNumerics: method.referenceNumerics)
        var configuration = RunConfiguration()
        configuration.quiet = true
        configuration.writeLogFile = false
        runner = PhaseRunner(
            method: method, phase: phase, dataset: context, mappings: mappings, strategy: strategy,
            configuration: configuration,
            log: try RunLog(timestamps: false, quiet: true, logPath: nil, metricsPath: nil),
            runDirectory: FileManager.default.temporaryDirectory.path, generator: g.split())
        if runner.usesCentroids {
            let start = DispatchTime.now().uptimeNanoseconds
            mappings.train(false)
            _ = try strategy.initializeCentroids(
                data, pipeline: context.main, baseDirectory: method.baseDirectory, generator: &g)
            mappings.train(true)
            centroidInitializationSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        try runner.buildOptimizers()
        try runner.buildPatterns()
        mappings.train(true)
        sampler = BatchSampler(
            count: data.count, batchSize: datasetSpec.batchSize, shuffle: datasetSpec.shuffle, seed: context.seed)
        indices = sampler.nextEpoch().first ?? []
        viewNames = Array(Set(runner.patterns.flatMap(\.augmentationNames))).sorted()
        batch = context.main.batch(data, indices, seed: context.seed, epoch: 1, batchIndex: 0)
        views = context.views(viewNames, indices: indices, epoch: 1, batchIndex: 0)
    }

    /// Images around `clusters` random prototypes (each pixel black or white, 30 % white), with a
    /// fifth of each image's pixels redrawn: data with structure, so losses and gradients are far
    /// from the degenerate values that uniform noise gives every sample alike.
    static func clusteredPixels(count: Int, size: Int, clusters: Int, generator g: inout RandomGenerator) -> [UInt8] {
        let prototypes = (0..<Swift.max(1, clusters)).map { _ in
            (0..<size).map { _ in g.nextDouble() < 0.3 ? UInt8(255) : 0 }
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(count * size)
        for _ in 0..<count {
            let prototype = prototypes[g.nextInt(below: prototypes.count)]
            for p in prototype { pixels.append(g.nextDouble() < 0.2 ? UInt8(g.nextInt(below: 256)) : p) }
        }
        return pixels
    }

    var input: StepInput {
        StepInput(batch: batch, views: views, indices: indices, phaseIteration: phaseIteration, epoch: 1)
    }

    /// Every pattern's weighted losses on the batch, named `<pattern pointer>/<term>`, in the order
    /// the trainer computes them (no backward pass, no step).
    public func losses() throws -> [(name: String, value: Double)] {
        ForwardCache.active = runner.makeForwardCache()
        defer { ForwardCache.active = nil }
        return try runner.patterns.flatMap { pattern in
            try pattern.losses(input).map { ("\(pattern.spec.pointer)/\($0.name)", $0.value.item) }
        }
    }

    /// Forward, losses, backward and optimizer step, as a training step computes them (every group's
    /// gradients before any step) without the trainer's bookkeeping. Phases whose optimizer groups
    /// share parameters are refused (their gradients would mix here; the trainer keeps them apart).
    public func engineStep() throws {
        ForwardCache.active = runner.makeForwardCache()
        let losses = try runner.patterns.flatMap { try $0.losses(input) }
        ForwardCache.active = nil
        let active = runner.activeOptimizers(phaseIteration)
        let trained: [(total: Tensor, optimizers: [Optimizer])] = runner.groupOrder.compactMap { group in
            let terms = losses.filter { $0.group == group }.map(\.value)
            guard let first = terms.first else { return nil }
            let total = terms.dropFirst().reduce(first, +)
            let optimizers = active.filter { $0.spec.groupName == group }.map(\.optimizer)
            return total.requiresGrad && !optimizers.isEmpty ? (total, optimizers) : nil
        }
        let parameters = trained.flatMap { $0.optimizers.flatMap(\.parameters) }
        guard Set(parameters.map(ObjectIdentifier.init)).count == parameters.count else {
            throw TrainingError("phase '\(runner.phase.name)': its optimizer groups share parameters")
        }
        for (index, group) in trained.enumerated() { group.total.backward(retainGraph: index < trained.count - 1) }
        for optimizer in trained.flatMap(\.optimizers) { optimizer.step() }
        for mapping in runner.mappings.mappings { mapping.zeroGrad() }
        for optimizer in active.map(\.optimizer) { optimizer.zeroGrad() }
    }

    /// The trainer's iteration on the same samples (it assembles the batch and its views itself).
    /// The first call sees the same batch and views as `engineStep()`; later calls draw new views.
    public func trainerStep() throws {
        var batch = indices
        if trainerBatches > 0 {
            if pendingBatches.isEmpty { pendingBatches = sampler.nextEpoch().reversed() }
            batch = pendingBatches.removeLast()
        }
        try runner.iterate(
            indices: batch, views: viewNames, epoch: 1, batchIndex: trainerBatches, phaseIteration: phaseIteration)
        trainerBatches += 1
    }

    /// Every mapping's parameters (`<mapping>.<name>`) and the centroids, as they are now.
    public var parameters: [(name: String, tensor: Tensor)] {
        runner.mappings.mappings.flatMap { m in m.namedParameters().map { ("\(m.name).\($0.name)", $0.tensor) } }
            + (runner.strategy.centroids.map { [("centroids", $0)] } ?? [])
    }

    /// Everything a reimplementation needs to start from the same state: every mapping's parameters
    /// and buffers (`<mapping>.<state-dict name>`), the centroids, the batch (`batch`), the views
    /// (`view.<name>`) and each target-distribution pattern's targets for the batch (`target.<i>`, i
    /// the pattern's position in the phase). Call after a first `losses()` so targets exist.
    public func state() -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        for mapping in runner.mappings.mappings {
            out += mapping.stateDict().map { ("\(mapping.name).\($0.name)", $0.tensor.detached()) }
        }
        if let c = runner.strategy.centroids { out.append(("centroids", c.detached())) }
        out.append(("batch", batch))
        for (name, view) in views { out.append(("view.\(name)", view)) }
        for (i, pattern) in runner.patterns.enumerated() {
            if let divergence = pattern as? DivergencePattern, let target = divergence.target {
                out.append(("target.\(i)", target.indexSelect(axis: 0, indices: indices)))
            }
        }
        return out
    }
}

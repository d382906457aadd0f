import RecombineData
import RecombineTensor

/// Turns a checked method spec into mappings and verifies, before any training, that shapes fit
/// for every dataset the method runs on.
public struct MethodCompiler {
    /// Builds the mappings once (seeded) and runs the shape checks for each dataset whose sample shape
    /// is known from the file. Problems are returned, never thrown.
    public static func check(_ spec: MethodSpec, seed: UInt64 = 0) -> [ValidationIssue] {
        // Parameters are counted from the file before any layer is built, so absurd sizes are refused
        // instead of allocated.
        let (total, largest) = MemoryEstimate.parameterCounts(spec)
        let parameterBytes = total * 16
        if parameterBytes > MemoryEstimate.machineBytes, let largest {
            return spec.document.locate([
                PointerIssue(
                    pointer: largest.layer.pointer,
                    message:
                        "mapping '\(largest.mapping)', layer \(largest.layer.type) has \(MemoryEstimate.count(largest.count)) parameters; the method's \(MemoryEstimate.count(total)) parameters with their gradients and optimizer states need about \(MemoryEstimate.format(parameterBytes)), more than this machine's \(MemoryEstimate.format(MemoryEstimate.machineBytes))"
                )
            ])
        }
        var generator = RandomGenerator(seed: seed)
        let mappings: MappingSet
        do { mappings = try MappingSet(specs: spec.mappings, generator: &generator) } catch let error as CompileError {
            return spec.document.locate([PointerIssue(pointer: error.pointer, message: error.message)])
        } catch { return spec.document.locate([PointerIssue(pointer: JSONPointer(["mappings"]), message: "\(error)")]) }
        var issues: [PointerIssue] = []
        var checked = Set<String>()
        for dataset in spec.orderedDatasets where dataset.enabled {
            if ["MNIST", "FashionMNIST", "USPS"].contains(dataset.dataset), dataset.firstSampleIndex == nil,
                dataset.lastSampleIndex == nil, dataset.numClusters < 10
            {
                issues.append(
                    PointerIssue(
                        pointer: dataset.pointer.appending("num_clusters"),
                        message:
                            "num_clusters \(dataset.numClusters) is below the 10 classes of \(dataset.dataset); evaluation needs at least one cluster per class"
                    ))
            }
            if let n = SampleCounts.of(dataset) {
                if dataset.numClusters > n {
                    issues.append(
                        PointerIssue(
                            pointer: dataset.pointer.appending("num_clusters"),
                            message:
                                "num_clusters \(dataset.numClusters) exceeds the \(n) samples of dataset '\(dataset.name)'"
                        ))
                }
                if dataset.batchSize > n {
                    issues.append(
                        PointerIssue(
                            pointer: dataset.pointer.appending("batch_size"),
                            message:
                                "batch_size \(dataset.batchSize) exceeds the \(n) samples of dataset '\(dataset.name)': no complete batch can be formed"
                        ))
                }
            }
            for t in SampleShapes.unfitTransforms(dataset) {
                issues.append(
                    PointerIssue(
                        pointer: t.pointer,
                        message: TransformPipeline.refusal(
                            of: t.type, dataset: dataset.name, sampleShape: SampleShapes.raw(dataset)!)))
            }
            guard let shape = SampleShapes.of(dataset) else { continue }
            let key = "\(shape)/\(dataset.numClusters)"
            guard checked.insert(key).inserted else { continue }
            let shapeIssues = ShapeChecks(
                method: spec, mappings: mappings, sampleShape: shape, numClusters: dataset.numClusters,
                datasetName: dataset.name
            ).issues
            issues += shapeIssues
            guard shapeIssues.isEmpty else { continue }
            var estimate = MemoryEstimate(parameterCount: total)
            add(dataset, shape: shape, mappings: mappings, spec: spec, to: &estimate)
            if estimate.peakBytes > MemoryEstimate.machineBytes {
                issues.append(
                    PointerIssue(
                        pointer: dataset.pointer.appending("batch_size"),
                        message:
                            "training dataset '\(dataset.name)' with batch_size \(dataset.batchSize) needs about \(MemoryEstimate.format(estimate.peakBytes)) (activations of one step \(MemoryEstimate.format(estimate.activationBytes)), parameters and optimizer states \(MemoryEstimate.format(estimate.parameterBytes)), data \(MemoryEstimate.format(estimate.dataBytes))), more than this machine's \(MemoryEstimate.format(MemoryEstimate.machineBytes))"
                    ))
            }
        }
        return spec.document.locate(issues)
    }

    /// The shape checks of `check` for a dataset whose sample shape is known only once its files are
    /// read (CSV, NPY, IDX): `loadedSampleShape` is one sample as loaded, before the dataset's transforms.
    /// Problems are returned, located in the method file, never thrown.
    public static func checkShapes(_ spec: MethodSpec, dataset: DatasetSpec, loadedSampleShape: [Int], seed: UInt64 = 0)
        -> [ValidationIssue]
    {
        var generator = RandomGenerator(seed: seed)
        // reported by `check`
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return [] }
        let shape = SampleShapes.transformed(loadedSampleShape, by: dataset.transforms ?? [])
        let issues = ShapeChecks(
            method: spec, mappings: mappings, sampleShape: shape, numClusters: dataset.numClusters,
            datasetName: dataset.name
        ).issues
        return spec.document.locate(issues)
    }

    /// Adds a dataset's step activations (every layer output for a batch, values and gradients, for
    /// the main batch and each augmented view) and its samples to `estimate` (keeping the largest).
    static func add(
        _ dataset: DatasetSpec, shape: [Int], mappings: MappingSet, spec: MethodSpec, to estimate: inout MemoryEstimate
    ) {
        let checks = ShapeChecks(
            method: spec, mappings: mappings, sampleShape: shape, numClusters: dataset.numClusters,
            datasetName: dataset.name, batch: dataset.batchSize)
        let views = Double(1 + dataset.batchAugmentations.count)
        let perStep = checks.activationElements.values.reduce(0, +)
        // Evaluation runs forward passes over chunks of 1024 samples; the step may be the larger.
        let evaluation = perStep / Double(Swift.max(dataset.batchSize, 1)) * 1024 * 4
        estimate.activationBytes = Swift.max(estimate.activationBytes, perStep * 4 * 2 * views, evaluation)
        if let n = SampleCounts.of(dataset), let raw = SampleShapes.raw(dataset) {
            let bytesPerValue = ["MNIST", "FashionMNIST", "USPS", "IDX"].contains(dataset.dataset) ? 1.0 : 4.0
            estimate.dataBytes = Swift.max(
                estimate.dataBytes, Double(n) * raw.reduce(1.0) { $0 * Double($1) } * bytesPerValue)
        }
    }

    /// The memory estimate of a method over its datasets whose sample shapes are known.
    public static func memoryEstimate(_ spec: MethodSpec) -> MemoryEstimate {
        var estimate = MemoryEstimate(parameterCount: MemoryEstimate.parameterCounts(spec).total)
        guard estimate.parameterBytes <= MemoryEstimate.machineBytes else { return estimate }
        var generator = RandomGenerator(seed: 0)
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return estimate }
        for dataset in spec.orderedDatasets where dataset.enabled {
            if let shape = SampleShapes.of(dataset) {
                add(dataset, shape: shape, mappings: mappings, spec: spec, to: &estimate)
            }
        }
        return estimate
    }

    /// Output shapes of every mapping for a sample shape (for `recombine describe`).
    public static func outputShapes(_ spec: MethodSpec, sampleShape: [Int], numClusters: Int, batch: Int) -> [String:
        [Int]]
    {
        var generator = RandomGenerator(seed: 0)
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return [:] }
        return ShapeChecks(
            method: spec, mappings: mappings, sampleShape: sampleShape, numClusters: numClusters, datasetName: "",
            batch: batch
        ).outputs
    }

    /// Parameter counts of every mapping's own layers.
    public static func parameterCounts(_ spec: MethodSpec) -> [String: Int] {
        var generator = RandomGenerator(seed: 0)
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return [:] }
        return Dictionary(
            uniqueKeysWithValues: mappings.mappings.map { ($0.name, $0.parameters.reduce(0) { $0 + $1.count }) })
    }
}

import RecombineTensor

/// Turns a checked method spec into mappings and verifies, before any training, that shapes fit
/// for every dataset the method runs on.
public struct MethodCompiler {
    /// Builds the mappings once (seeded) and runs the shape checks for each dataset whose sample shape
    /// is known from the file. Problems are returned, never thrown.
    public static func check(_ spec: MethodSpec, seed: UInt64 = 0) -> [ValidationIssue] {
        var generator = RandomGenerator(seed: seed)
        let mappings: MappingSet
        do { mappings = try MappingSet(specs: spec.mappings, generator: &generator) }
        catch let error as CompileError { return spec.document.locate([PointerIssue(pointer: error.pointer, message: error.message)]) }
        catch { return spec.document.locate([PointerIssue(pointer: JSONPointer(["mappings"]), message: "\(error)")]) }
        var issues: [PointerIssue] = []
        var checked = Set<String>()
        for dataset in spec.orderedDatasets where dataset.enabled {
            if ["MNIST", "FashionMNIST", "USPS"].contains(dataset.dataset), dataset.firstSampleIndex == nil, dataset.lastSampleIndex == nil, dataset.numClusters < 10 {
                issues.append(PointerIssue(pointer: dataset.pointer.appending("num_clusters"), message: "num_clusters \(dataset.numClusters) is below the 10 classes of \(dataset.dataset); evaluation needs at least one cluster per class"))
            }
            if let n = SampleCounts.of(dataset) {
                if dataset.numClusters > n {
                    issues.append(PointerIssue(pointer: dataset.pointer.appending("num_clusters"), message: "num_clusters \(dataset.numClusters) exceeds the \(n) samples of dataset '\(dataset.name)'"))
                }
                if dataset.batchSize > n {
                    issues.append(PointerIssue(pointer: dataset.pointer.appending("batch_size"), message: "batch_size \(dataset.batchSize) exceeds the \(n) samples of dataset '\(dataset.name)': no complete batch can be formed"))
                }
            }
            guard let shape = SampleShapes.of(dataset) else { continue }
            let key = "\(shape)/\(dataset.numClusters)"
            guard checked.insert(key).inserted else { continue }
            issues += ShapeChecks(method: spec, mappings: mappings, sampleShape: shape, numClusters: dataset.numClusters, datasetName: dataset.name).issues
        }
        return spec.document.locate(issues)
    }

    /// Output shapes of every mapping for a sample shape (for `recombine describe`).
    public static func outputShapes(_ spec: MethodSpec, sampleShape: [Int], numClusters: Int, batch: Int) -> [String: [Int]] {
        var generator = RandomGenerator(seed: 0)
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return [:] }
        return ShapeChecks(method: spec, mappings: mappings, sampleShape: sampleShape, numClusters: numClusters, datasetName: "", batch: batch).outputs
    }

    /// Parameter counts of every mapping's own layers.
    public static func parameterCounts(_ spec: MethodSpec) -> [String: Int] {
        var generator = RandomGenerator(seed: 0)
        guard let mappings = try? MappingSet(specs: spec.mappings, generator: &generator) else { return [:] }
        return Dictionary(uniqueKeysWithValues: mappings.mappings.map { ($0.name, $0.parameters.reduce(0) { $0 + $1.count }) })
    }
}

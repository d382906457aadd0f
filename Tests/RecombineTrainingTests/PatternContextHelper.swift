import Foundation
import RecombineData
import RecombineMethod
import RecombineNN
import RecombineTensor

@testable import RecombineTraining

/// The context a phase hands its patterns, built as the trainer builds it for `method`'s first dataset
/// (three Gaussians), quiet and without a log file.
func patternContext(_ method: MethodSpec, mappings: MappingSet, strategy: ClusterAssignment) throws -> PatternContext {
    let dataset = try DatasetContext(
        spec: method.datasets[0], data: SyntheticDatasets.threeGaussians(seed: 1), seed: 9)
    return PatternContext(
        mappings: mappings, strategy: strategy,
        sweep: DatasetSweep(dataset: dataset, mappings: mappings, strategy: strategy),
        log: try RunLog(timestamps: false, quiet: true, logPath: nil, metricsPath: nil), scaled: { $0 },
        generator: RandomGenerator(seed: 8), datasetSeed: 9)
}

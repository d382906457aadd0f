import Foundation
import RecombineMethod
import RecombineRunFiles
import RecombineTensor

extension MethodRunner {
    /// Writes the whole run's state: position (dataset, phase, loop), evaluations so far, mappings
    /// (parameters, buffers, dropout streams), centroids and classifier history, the phase's state,
    /// random streams, and the lengths of the log and metrics files.
    func writeCheckpoint(
        phase: PhaseRunner, position: LoopPosition, datasetIndex: Int, phaseIndex: Int, seeds: [UInt64],
        mappings: MappingSet, strategy: ClusterAssignment, start: Date
    ) throws {
        let archive = CheckpointArchive()
        archive.values["run"] =
            [
                "dataset_index": datasetIndex, "phase_index": phaseIndex,
                "dataset_seeds": CheckpointArchive.encode(seeds: seeds),
                "generator": CheckpointArchive.encode(generator),
                "evaluations": (result.evaluations + phase.evaluations).map(\.json),
                "end_of_training": result.endOfTraining.map(\.json),
            ] as [String: Any]
        archive.values["wall_seconds"] = Date().timeIntervalSince(start)
        if let methodJSONSHA256 { archive.values[Self.methodJSONKey] = methodJSONSHA256 }
        let offsets = log.offsets
        archive.values["log_offsets"] = ["log": offsets.log ?? 0, "metrics": offsets.metrics ?? 0]
        for mapping in mappings.mappings { archive.save(module: mapping, prefix: "mapping/\(mapping.name)/") }
        if let c = strategy.centroids { archive.tensors["strategy/centroids"] = c }
        for (name, t) in StandardizationRecord.tensors(of: phase.dataset.data) { archive.tensors[name] = t }
        archive.values["strategy"] = [
            "classifier_history": strategy.classifierHistory.mapValues { $0.map { [$0.acc, $0.nmi, $0.ari] } }
        ]
        phase.save(into: archive, position: position)
        try archive.write(to: result.runDirectory)
        result.status = .running
        result.wallSeconds = Date().timeIntervalSince(start)
        try result.write()
    }

    /// Restores the mappings and the strategy from a checkpoint (before the resumed phase is built).
    func restore(mappings: MappingSet, strategy: ClusterAssignment, from archive: CheckpointArchive) throws {
        for mapping in mappings.mappings { try archive.restore(module: mapping, prefix: "mapping/\(mapping.name)/") }
        strategy.centroids = archive.tensors["strategy/centroids"]
        let history =
            ((archive.values["strategy"] as? [String: Any])?["classifier_history"] as? [String: [[NSNumber]]]) ?? [:]
        strategy.classifierHistory = history.mapValues {
            $0.compactMap { $0.count == 3 ? ($0[0].doubleValue, $0[1].doubleValue, $0[2].doubleValue) : nil }
        }
    }
}

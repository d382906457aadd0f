import Foundation
import RecombineRunFiles
import RecombineTensor

extension RunProvenance {
    /// The provenance of a run started now by this binary.
    init(configuration: RunConfiguration, methodFileSHA256: String?) {
        self.init(
            recombineVersion: RecombineTraining.recombineVersion, gitRevision: SourceRevision.current,
            threads: Threads.count, blasCore: Threads.blasCore, cpu: CPUModel.summary,
            iterationsScale: configuration.iterationsScale, overrides: configuration.overrides,
            gridPoint: configuration.gridPoint.isEmpty ? nil : configuration.gridPoint,
            methodFileSHA256: methodFileSHA256)
    }

    /// This provenance continued by a new process from a checkpoint `elapsed` seconds into the run
    /// (`position` says where): the last segment ends there, a segment of this binary begins. Segments
    /// that began at or after `elapsed` left nothing in the checkpoint (a resume that failed before
    /// training, or one killed before its first checkpoint) and are dropped, as the log's lines after
    /// the checkpoint are; `resumed` counts the segments kept.
    func resumed(at elapsed: Double, position: RunSegment.Position?) -> RunProvenance {
        var next = self
        var segments =
            self.segments ?? [
                RunSegment(
                    gitRevision: gitRevision, threads: threads, blasCore: blasCore, startSeconds: 0, endSeconds: elapsed
                )
            ]
        segments = [segments[0]] + segments.dropFirst().filter { $0.startSeconds < elapsed }
        segments[segments.count - 1].endSeconds = elapsed
        next.resumed = segments.count
        segments.append(
            RunSegment(
                gitRevision: SourceRevision.current, threads: Threads.count, blasCore: Threads.blasCore,
                startSeconds: elapsed, endSeconds: elapsed, resumedAt: position))
        next.segments = segments
        return next
    }
}

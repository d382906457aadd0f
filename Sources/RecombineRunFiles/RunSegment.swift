import Foundation

/// One process of a resumed run: the binary it ran and the span of the run's time whose work was
/// kept (work after its last checkpoint was redone by the next segment).
public struct RunSegment: Codable, Sendable, Equatable {
    public var gitRevision: String
    public var threads: Int
    public var blasCore: String
    /// Seconds into the run (the segments' times add up) where the segment began and its kept work ended.
    public var startSeconds: Double
    public var endSeconds: Double
    /// The checkpoint's position the segment continued from (nil for the first segment).
    public var resumedAt: Position?

    /// A place in the run: the dataset, the phase and the phase iteration a checkpoint continues at.
    public struct Position: Codable, Sendable, Equatable {
        public var dataset: String
        public var phase: String
        public var phaseIteration: Int

        public init(dataset: String, phase: String, phaseIteration: Int) {
            self.dataset = dataset; self.phase = phase; self.phaseIteration = phaseIteration
        }

        enum CodingKeys: String, CodingKey {
            case dataset, phase
            case phaseIteration = "phase_iteration"
        }
    }

    public init(
        gitRevision: String, threads: Int, blasCore: String, startSeconds: Double, endSeconds: Double,
        resumedAt: Position? = nil
    ) {
        self.gitRevision = gitRevision; self.threads = threads; self.blasCore = blasCore
        self.startSeconds = startSeconds; self.endSeconds = endSeconds; self.resumedAt = resumedAt
    }

    enum CodingKeys: String, CodingKey {
        case gitRevision = "git_revision"
        case threads
        case blasCore = "blas_core"
        case startSeconds = "start_seconds"
        case endSeconds = "end_seconds"
        case resumedAt = "resumed_at"
    }
}

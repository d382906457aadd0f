/// How much a recomputed target distribution differs from the one before it.
struct TargetChange {
    /// mean((P_new − P_old)²) over samples and clusters.
    let meanSquaredDifference: Double
    /// The phase iteration whose step recomputed it.
    let phaseIteration: Int
}

/// A pattern that trains towards a target it recomputes during the phase (DEC's and DEPICT's P): the
/// trainer can have it recompute before a step and end the phase when the targets stop moving
/// (exit criterion `target_distribution_change_mse_lt`).
protocol TargetRecomputing: DesignPattern {
    /// Whether the target is ever recomputed (fixed targets never converge).
    var recomputesTargets: Bool { get }
    /// The change made by the latest recomputation in this phase (nil before the second target).
    var lastTargetChange: TargetChange? { get }
    /// Recomputes the target when it is due at this step; calling it again in the same step does nothing.
    func refreshTarget(epoch: Int, phaseIteration: Int) throws
}

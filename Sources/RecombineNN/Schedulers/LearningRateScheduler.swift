import Foundation

/// A learning-rate schedule over an optimizer: `step()` advances one epoch (or iteration) and sets
/// every group's rate from its initial rate with torch.optim.lr_scheduler's closed form.
public final class LearningRateScheduler {
    /// The schedules of torch.optim.lr_scheduler.
    public enum Schedule: Sendable {
        /// lr₀ · γ^⌊t / step_size⌋.
        case step(stepSize: Int, gamma: Double)
        /// lr₀ · γ^(number of milestones ≤ t).
        case multiStep(milestones: [Int], gamma: Double)
        /// lr₀ · γᵗ.
        case exponential(gamma: Double)
        /// η_min + (lr₀ − η_min)(1 + cos(π t / T_max)) / 2.
        case cosineAnnealing(tMax: Int, etaMin: Double)
        /// lr₀ · (start + (end − start) · min(t, total) / total).
        case linear(startFactor: Double, endFactor: Double, totalIterations: Int)

        /// The factor or rate at step `t` for initial rate `base`.
        public func rate(base: Double, at t: Int) -> Double {
            switch self {
            case .step(let s, let g): return base * Foundation.pow(g, Double(t / Swift.max(s, 1)))
            case .multiStep(let ms, let g): return base * Foundation.pow(g, Double(ms.filter { $0 <= t }.count))
            case .exponential(let g): return base * Foundation.pow(g, Double(t))
            case .cosineAnnealing(let tMax, let etaMin):
                return etaMin + (base - etaMin)
                    * (1 + Foundation.cos(Double.pi * Double(t) / Double(Swift.max(tMax, 1)))) / 2
            case .linear(let a, let b, let total):
                return base * (a + (b - a) * Double(Swift.min(t, total)) / Double(Swift.max(total, 1)))
            }
        }
    }

    public let optimizer: Optimizer
    public let schedule: Schedule
    /// Steps taken so far (torch's `last_epoch`).
    public private(set) var stepCount = 0

    /// Attaches the schedule and sets the rates for step 0 (as torch does on construction).
    public init(optimizer: Optimizer, schedule: Schedule) {
        self.optimizer = optimizer
        self.schedule = schedule
        apply()
    }

    public func step() { stepCount += 1; apply() }

    /// Continues a schedule from a checkpoint.
    public func restore(stepCount: Int) { self.stepCount = stepCount; apply() }

    func apply() {
        for i in optimizer.groups.indices {
            optimizer.groups[i].learningRate = schedule.rate(base: optimizer.initialLearningRates[i], at: stepCount)
        }
    }
}

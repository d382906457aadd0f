/// How a loss turns per-element values into its result (torch's `reduction` argument).
public enum LossReduction: String, Sendable, CaseIterable {
    /// Per-element losses, unreduced.
    case none
    /// Mean over all elements.
    case mean
    /// Sum over all elements.
    case sum
    /// Sum divided by the batch size (first dimension): torch's `kl_div(reduction="batchmean")`,
    /// the mathematically correct KL divergence per sample.
    case batchMean = "batchmean"

    /// Applies the reduction to per-element losses.
    public func apply(_ losses: Tensor) -> Tensor {
        switch self {
        case .none: return losses
        case .mean: return losses.mean()
        case .sum: return losses.sum()
        case .batchMean: return losses.sum() / Double(Swift.max(losses.shape.first ?? 1, 1))
        }
    }
}

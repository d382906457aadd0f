import Foundation
import RecombineTensor

/// Rescaling of an optimizer's gradients before its update, by their L2 norm.
public struct GradientClipping: Equatable, Sendable {
    public enum Scope: String, CaseIterable, Sendable {
        /// One norm over all the gradients together (torch.nn.utils.clip_grad_norm_).
        case global
        /// Each gradient on its own (Keras' clipnorm, tf.clip_by_norm).
        case perTensor = "per_tensor"
    }

    public var maxNorm: Double
    public var scope: Scope

    public init(maxNorm: Double, scope: Scope) {
        self.maxNorm = maxNorm; self.scope = scope
    }

    /// The factor torch's clip_grad_norm_ multiplies every gradient by: max_norm / (norm + 1e-6), at most 1.
    public static func globalFactor(norm: Double, maxNorm: Double) -> Double { min(1, maxNorm / (norm + 1e-6)) }

    /// The factor tf.clip_by_norm multiplies a gradient by: max_norm / max(norm, max_norm).
    public static func perTensorFactor(norm: Double, maxNorm: Double) -> Double { maxNorm / max(norm, maxNorm) }

    /// The gradients rescaled (those that need no rescaling are returned as they are).
    public func clipped(_ gradients: [Tensor]) -> [Tensor] {
        let norms = gradients.map { sqrt(Self.squaredNorm($0)) }
        switch scope {
        case .global:
            let factor = Self.globalFactor(norm: sqrt(norms.reduce(0) { $0 + $1 * $1 }), maxNorm: maxNorm)
            return factor < 1 ? gradients.map { $0 * factor } : gradients
        case .perTensor:
            return zip(gradients, norms).map { g, norm in
                let factor = Self.perTensorFactor(norm: norm, maxNorm: maxNorm)
                return factor < 1 ? g * factor : g
            }
        }
    }

    /// Σ g², accumulated in double precision.
    static func squaredNorm(_ g: Tensor) -> Double {
        var sum = 0.0
        switch g.dtype {
        case .float32:
            let values = g.floats
            for i in 0..<g.count { sum += Double(values[i]) * Double(values[i]) }
        case .float64:
            let values = g.doubles
            for i in 0..<g.count { sum += values[i] * values[i] }
        }
        return sum
    }
}

import Foundation
import RecombineTensor

/// torch.nn.init: fan computation, gains and the initialisers by name, drawing from a seeded
/// generator and writing into a tensor in place.
public enum Init {
    /// (fan_in, fan_out) as torch: dims 1 and 0 times the receptive field (product of dims ≥ 2).
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "fan in/out needs at least 2 dimensions, got \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// torch.nn.init.calculate_gain.
    public static func gain(nonlinearity: String, parameter: Double? = nil) -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
            "sigmoid":
            return 1
        case "tanh": return 5.0 / 3
        case "relu": return Foundation.sqrt(2.0)
        case "leaky_relu": let slope = parameter ?? 0.01; return Foundation.sqrt(2.0 / (1 + slope * slope))
        case "selu": return 3.0 / 4
        default: preconditionFailure("unknown nonlinearity \(nonlinearity)")
        }
    }

    static func fill(_ t: Tensor, _ value: (inout RandomGenerator) -> Double, _ g: inout RandomGenerator) {
        for i in 0..<t.count { t.setFlat(i, value(&g)) }
    }

    public static func uniform(_ t: Tensor, a: Double = 0, b: Double = 1, generator g: inout RandomGenerator) {
        fill(t, { a + (b - a) * $0.nextDouble() }, &g)
    }

    public static func normal(_ t: Tensor, mean: Double = 0, std: Double = 1, generator g: inout RandomGenerator) {
        fill(t, { mean + std * $0.nextNormal() }, &g)
    }

    public static func constant(_ t: Tensor, _ value: Double) { for i in 0..<t.count { t.setFlat(i, value) } }

    /// Identity matrix (2-D tensors).
    public static func eye(_ t: Tensor) {
        precondition(t.rank == 2, "eye_ needs a 2-D tensor, got \(t.shape)")
        constant(t, 0)
        for i in 0..<Swift.min(t.shape[0], t.shape[1]) { t.setFlat(i * t.shape[1] + i, 1) }
    }

    public static func xavierUniform(_ t: Tensor, gain: Double = 1, generator g: inout RandomGenerator) {
        let (fi, fo) = fans(t.shape)
        let a = gain * Foundation.sqrt(6.0 / Double(fi + fo))
        uniform(t, a: -a, b: a, generator: &g)
    }

    public static func xavierNormal(_ t: Tensor, gain: Double = 1, generator g: inout RandomGenerator) {
        let (fi, fo) = fans(t.shape)
        normal(t, std: gain * Foundation.sqrt(2.0 / Double(fi + fo)), generator: &g)
    }

    static func kaimingStd(_ shape: [Int], a: Double, mode: String, nonlinearity: String) -> Double {
        let (fi, fo) = fans(shape)
        let fan = mode == "fan_out" ? fo : fi
        return gain(nonlinearity: nonlinearity, parameter: a) / Foundation.sqrt(Double(fan))
    }

    public static func kaimingUniform(
        _ t: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
        generator g: inout RandomGenerator
    ) {
        let bound = Foundation.sqrt(3.0) * kaimingStd(t.shape, a: a, mode: mode, nonlinearity: nonlinearity)
        uniform(t, a: -bound, b: bound, generator: &g)
    }

    public static func kaimingNormal(
        _ t: Tensor, a: Double = 0, mode: String = "fan_in", nonlinearity: String = "leaky_relu",
        generator g: inout RandomGenerator
    ) {
        normal(t, std: kaimingStd(t.shape, a: a, mode: mode, nonlinearity: nonlinearity), generator: &g)
    }

    /// Normal draws redrawn until inside [a, b] (torch.nn.init.trunc_normal_'s distribution).
    public static func truncNormal(
        _ t: Tensor, mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2,
        generator g: inout RandomGenerator
    ) {
        fill(
            t,
            { gen in
                for _ in 0..<1000 { let v = mean + std * gen.nextNormal(); if v >= a && v <= b { return v } }
                return Swift.min(Swift.max(mean, a), b)
            }, &g)
    }

    /// A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, signs fixed so the
    /// diagonal of R is positive (torch.nn.init.orthogonal_); dims after the first are flattened.
    public static func orthogonal(_ t: Tensor, gain: Double = 1, generator g: inout RandomGenerator) {
        precondition(t.rank >= 2, "orthogonal_ needs at least 2 dimensions, got \(t.shape)")
        let rows = t.shape[0], cols = t.count / rows
        let m = Swift.max(rows, cols), n = Swift.min(rows, cols)
        // A is m×n (tall), column-major for LAPACK; Q has orthonormal columns.
        var a = (0..<(m * n)).map { _ in g.nextNormal() }
        var tau = [Double](repeating: 0, count: n)
        _ = LAPACK.geqrf(m: m, n: n, a: &a, tau: &tau)
        let diagonalSigns = (0..<n).map { a[$0 * m + $0] < 0 ? -1.0 : 1.0 }
        _ = LAPACK.orgqr(m: m, n: n, a: &a, tau: &tau)
        for i in 0..<rows {
            for j in 0..<cols {
                // Q is m×n; the result is Q (rows ≥ cols) or Qᵀ (rows < cols).
                let value = rows >= cols ? a[j * m + i] * diagonalSigns[j] : a[i * m + j] * diagonalSigns[i]
                t.setFlat(i * cols + j, gain * value)
            }
        }
    }

    /// Applies the initialiser `name` (with or without torch's trailing underscore) with keyword
    /// arguments as in torch.nn.init. Throws for unknown names or arguments.
    public static func apply(
        _ name: String, to t: Tensor, arguments: [String: Double], strings: [String: String] = [:],
        generator g: inout RandomGenerator
    ) throws {
        let base = name.hasSuffix("_") ? String(name.dropLast()) : name
        func arg(_ key: String, _ fallback: Double) -> Double { arguments[key] ?? fallback }
        // torch raises for these on vectors (e.g. a bias); so do we, instead of trapping.
        if ["xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal", "orthogonal"].contains(base),
            t.rank < 2
        {
            throw InitError(
                message: "\(name) needs a tensor with at least 2 dimensions (fan-in and fan-out), got shape \(t.shape)")
        }
        if base == "eye", t.rank != 2 { throw InitError(message: "\(name) needs a 2-D tensor, got shape \(t.shape)") }
        switch base {
        case "uniform": uniform(t, a: arg("a", 0), b: arg("b", 1), generator: &g)
        case "normal": normal(t, mean: arg("mean", 0), std: arg("std", 1), generator: &g)
        case "constant": constant(t, arg("val", 0))
        case "ones": constant(t, 1)
        case "zeros": constant(t, 0)
        case "eye": eye(t)
        case "xavier_uniform": xavierUniform(t, gain: arg("gain", 1), generator: &g)
        case "xavier_normal": xavierNormal(t, gain: arg("gain", 1), generator: &g)
        case "kaiming_uniform":
            kaimingUniform(
                t, a: arg("a", 0), mode: strings["mode"] ?? "fan_in",
                nonlinearity: strings["nonlinearity"] ?? "leaky_relu", generator: &g)
        case "kaiming_normal":
            kaimingNormal(
                t, a: arg("a", 0), mode: strings["mode"] ?? "fan_in",
                nonlinearity: strings["nonlinearity"] ?? "leaky_relu", generator: &g)
        case "orthogonal": orthogonal(t, gain: arg("gain", 1), generator: &g)
        case "trunc_normal":
            truncNormal(t, mean: arg("mean", 0), std: arg("std", 1), a: arg("a", -2), b: arg("b", 2), generator: &g)
        default: throw InitError(message: "unknown initialiser '\(name)'")
        }
    }

    public static let names = [
        "uniform", "normal", "constant", "ones", "zeros", "eye", "xavier_uniform", "xavier_normal",
        "kaiming_uniform", "kaiming_normal", "orthogonal", "trunc_normal",
    ]
}

/// An initialiser that cannot be applied.
public struct InitError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

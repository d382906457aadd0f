import Foundation

/// A linear map from data values to pixels with "nice" ticks (steps of 1, 2 or 5 × 10ⁿ).
public struct LinearScale {
    public let domain: (Double, Double)
    public let range: (Double, Double)

    /// A scale covering `values` (padded when all are equal), extended to the nearest ticks.
    public init(covering values: [Double], range: (Double, Double), includeZero: Bool = false, nice: Bool = true) {
        var lo = values.filter(\.isFinite).min() ?? 0, hi = values.filter(\.isFinite).max() ?? 1
        if includeZero { lo = Swift.min(lo, 0); hi = Swift.max(hi, 0) }
        if lo == hi { lo -= Swift.max(Swift.abs(lo) * 0.1, 0.5); hi += Swift.max(Swift.abs(hi) * 0.1, 0.5) }
        if nice {
            let step = Self.step(lo, hi, count: 5)
            lo = (lo / step).rounded(.down) * step; hi = (hi / step).rounded(.up) * step
        }
        domain = (lo, hi); self.range = range
    }

    public init(domain: (Double, Double), range: (Double, Double)) { self.domain = domain; self.range = range }

    public func callAsFunction(_ v: Double) -> Double {
        let t = domain.1 == domain.0 ? 0.5 : (v - domain.0) / (domain.1 - domain.0)
        return range.0 + t * (range.1 - range.0)
    }

    static func step(_ lo: Double, _ hi: Double, count: Int) -> Double {
        let raw = (hi - lo) / Double(Swift.max(count, 1))
        let magnitude = Foundation.pow(10, (Foundation.log10(raw)).rounded(.down))
        let r = raw / magnitude
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude
    }

    /// About `count` tick values inside the domain; with `integers`, whole numbers only (for
    /// iterations, epochs and counts, which have no halves).
    public func ticks(_ count: Int = 5, integers: Bool = false) -> [Double] {
        let nice = Self.step(domain.0, domain.1, count: count)
        let step = integers ? Swift.max(1, nice.rounded(.up)) : nice
        var out: [Double] = []
        var v = (domain.0 / step).rounded(.up) * step
        while v <= domain.1 + step * 1e-9 { out.append(Swift.abs(v) < step * 1e-9 ? 0 : v); v += step }
        return out
    }

    /// A tick label with as many decimals as the tick step needs.
    public func label(_ v: Double, ticks: [Double]) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        if Swift.abs(v) >= 1e5 || (Swift.abs(v) < 1e-3 && v != 0) { return String(format: "%.1e", v) }
        let decimals = Swift.max(0, -Int(Foundation.log10(step).rounded(.down)))
        return String(format: "%.\(decimals)f", v)
    }
}

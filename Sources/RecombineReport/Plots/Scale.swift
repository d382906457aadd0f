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

/// Category colours (matplotlib's tab10, then tab20's lighter shades) and marker shapes.
public enum Palette {
    public static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
                                "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]
    public static func color(_ i: Int) -> String { colors[((i % colors.count) + colors.count) % colors.count] }

    /// Marker outlines for category `i` (circle, square, triangles, diamond, plus, cross, star, ...), centred at (x, y).
    public static func marker(_ i: Int, x: Double, y: Double, r: Double, fill: String) -> String {
        let n = SVG.n
        func polygon(_ pts: [(Double, Double)]) -> String {
            "<polygon points=\"" + pts.map { "\(n(x + $0.0 * r)),\(n(y + $0.1 * r))" }.joined(separator: " ") + "\" fill=\"\(fill)\"/>"
        }
        switch ((i % 10) + 10) % 10 {
        case 0: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"/>"
        case 1: return polygon([(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)])
        case 2: return polygon([(0, -1.1), (1, 0.8), (-1, 0.8)])
        case 3: return polygon([(0, 1.1), (1, -0.8), (-1, -0.8)])
        case 4: return polygon([(0, -1.2), (1, 0), (0, 1.2), (-1, 0)])
        case 5: return polygon([(-0.35, -1), (0.35, -1), (0.35, -0.35), (1, -0.35), (1, 0.35), (0.35, 0.35), (0.35, 1), (-0.35, 1), (-0.35, 0.35), (-1, 0.35), (-1, -0.35), (-0.35, -0.35)])
        case 6: return polygon([(-1, -0.6), (-0.6, -1), (0, -0.4), (0.6, -1), (1, -0.6), (0.4, 0), (1, 0.6), (0.6, 1), (0, 0.4), (-0.6, 1), (-1, 0.6), (-0.4, 0)])
        case 7: return polygon((0..<10).map { k in let a = Double(k) * .pi / 5 - .pi / 2, rr = k % 2 == 0 ? 1.2 : 0.5; return (rr * Foundation.cos(a), rr * Foundation.sin(a)) })
        case 8: return polygon((0..<5).map { k in let a = Double(k) * 2 * .pi / 5 - .pi / 2; return (Foundation.cos(a), Foundation.sin(a)) })
        default: return polygon((0..<6).map { k in let a = Double(k) * .pi / 3; return (Foundation.cos(a), Foundation.sin(a)) })
        }
    }
}

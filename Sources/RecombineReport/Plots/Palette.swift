import Foundation

/// Category colours: matplotlib's tab10, then tab20's lighter shades; beyond twenty categories,
/// evenly spread hues in alternating lightness.
public enum Palette {
    public static let colors = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ]
    /// The colour of series `i` (cycling through the twenty).
    public static func color(_ i: Int) -> String { colors[((i % colors.count) + colors.count) % colors.count] }

    /// `count` distinct colours: the twenty above for up to twenty categories, else hues spread by
    /// the golden angle with three alternating lightness levels (no two categories share a colour).
    public static func categorical(_ count: Int) -> [String] {
        guard count > colors.count else { return Array(colors.prefix(Swift.max(count, 0))) }
        return (0..<count).map { i in
            let hue = (Double(i) * 137.508).truncatingRemainder(dividingBy: 360)
            return hex(hue: hue, saturation: 0.65, lightness: [0.42, 0.58, 0.72][i % 3])
        }
    }

    /// `#rrggbb` of an HSL colour (hue in degrees, saturation and lightness in [0, 1]).
    static func hex(hue: Double, saturation s: Double, lightness l: Double) -> String {
        let c = (1 - Swift.abs(2 * l - 1)) * s, h = hue / 60
        let x = c * (1 - Swift.abs(h.truncatingRemainder(dividingBy: 2) - 1)), m = l - c / 2
        let (r, g, b): (Double, Double, Double) =
            switch Int(h) % 6 {
            case 0: (c, x, 0)
            case 1: (x, c, 0)
            case 2: (0, c, x)
            case 3: (0, x, c)
            case 4: (x, 0, c)
            default: (c, 0, x)
            }
        func byte(_ v: Double) -> Int { Swift.min(255, Swift.max(0, Int(((v + m) * 255).rounded()))) }
        return String(format: "#%02x%02x%02x", byte(r), byte(g), byte(b))
    }
}

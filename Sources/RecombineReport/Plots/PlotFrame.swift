import Foundation

/// The axes of a 2-D plot: plot area, x/y scales, ticks with labels, grid lines, axis titles and a title.
struct PlotFrame {
    let left = 64.0, right = 190.0, top = 36.0, bottom = 48.0
    let x: LinearScale, y: LinearScale
    /// Whether the x axis counts (iterations, epochs): whole-number ticks only.
    let integerX: Bool

    /// `yDomain` fixes the y axis (scores in [0, 1]) instead of fitting it to the values.
    init(svg: SVG, xValues: [Double], yValues: [Double], includeZeroY: Bool = false, yDomain: (Double, Double)? = nil, integerX: Bool = false) {
        x = LinearScale(covering: xValues, range: (left, svg.width - right))
        let yRange = (svg.height - bottom, top)
        if let yDomain { y = LinearScale(domain: yDomain, range: yRange) }
        else { y = LinearScale(covering: yValues, range: yRange, includeZero: includeZeroY) }
        self.integerX = integerX
    }

    func draw(on svg: inout SVG, title: String, xLabel: String, yLabel: String) {
        let xTicks = x.ticks(6, integers: integerX), yTicks = y.ticks(5)
        for t in yTicks {
            svg.line(left, y(t), svg.width - right, y(t), stroke: "#e5e5e5")
            svg.text(y.label(t, ticks: yTicks), x: left - 6, y: y(t) + 4, size: 11, anchor: "end")
        }
        for t in xTicks {
            svg.line(x(t), top, x(t), svg.height - bottom, stroke: "#f0f0f0")
            svg.line(x(t), svg.height - bottom, x(t), svg.height - bottom + 4, stroke: "#444")
            svg.text(x.label(t, ticks: xTicks), x: x(t), y: svg.height - bottom + 17, size: 11, anchor: "middle")
        }
        svg.line(left, svg.height - bottom, svg.width - right, svg.height - bottom, stroke: "#444")
        svg.line(left, top, left, svg.height - bottom, stroke: "#444")
        svg.text(title, x: (left + svg.width - right) / 2, y: 22, size: 14, anchor: "middle", weight: "bold")
        svg.text(xLabel, x: (left + svg.width - right) / 2, y: svg.height - 10, size: 12, anchor: "middle")
        svg.text(yLabel, x: 16, y: (top + svg.height - bottom) / 2, size: 12, anchor: "middle", rotate: -90)
    }

    /// A legend to the right of the plot area; `swatch` draws each entry's symbol.
    func legend(on svg: inout SVG, entries: [String], swatch: (inout SVG, Int, Double, Double) -> Void) {
        var yy = top + 8
        for (i, name) in entries.enumerated() {
            swatch(&svg, i, svg.width - right + 14, yy)
            svg.text(Self.shorten(name, to: 30), x: svg.width - right + 30, y: yy + 4, size: 11)
            yy += 17
            if yy > svg.height - bottom { break }
        }
    }

    static func shorten(_ s: String, to n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}

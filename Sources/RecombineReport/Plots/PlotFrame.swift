import Foundation

/// The axes of a 2-D plot: a plot area, x/y scales, ticks with labels, grid lines and axis titles,
/// every text fitted to the room it has (see `TextMetrics`).
struct PlotFrame {
    /// The plot area's edges in pixels.
    let left: Double, right: Double, top: Double, bottom: Double
    let x: LinearScale, y: LinearScale
    /// Whether the x axis counts (iterations, epochs): whole-number ticks only.
    let integerX: Bool

    /// `yDomain` fixes the y axis (scores in [0, 1]) instead of fitting it to the values.
    init(
        left: Double, top: Double, right: Double, bottom: Double, xValues: [Double], yValues: [Double],
        includeZeroY: Bool = false,
        yDomain: (Double, Double)? = nil, integerX: Bool = false
    ) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
        x = LinearScale(covering: xValues, range: (left, right))
        if let yDomain {
            y = LinearScale(domain: yDomain, range: (bottom, top))
        } else {
            y = LinearScale(covering: yValues, range: (bottom, top), includeZero: includeZeroY)
        }
        self.integerX = integerX
    }

    /// A chart title fitted to the SVG's width: shrunk to 11 px, then wrapped (at most three lines).
    static func titleBlock(_ title: String, width: Double) -> TextMetrics.Block {
        TextMetrics.fit(title, size: 14, minSize: 11, maxWidth: width - 16, bold: true)
    }

    /// Draws `block` centred at `centre`, its first line's top at `top`; returns where the block ends.
    @discardableResult
    static func drawTitle(_ block: TextMetrics.Block, text: String, on svg: inout SVG, centre: Double, top: Double)
        -> Double
    {
        svg.textBlock(block, x: centre, y: top + block.size, anchor: "middle", weight: "bold", tooltip: text)
        return top + block.height
    }

    func draw(on svg: inout SVG, xLabel: String, yLabel: String) {
        let xTicks = x.ticks(6, integers: integerX), yTicks = y.ticks(5)
        for t in yTicks {
            svg.line(left, y(t), right, y(t), stroke: "#e5e5e5")
            svg.fittedText(
                y.label(t, ticks: yTicks), x: left - 6, y: y(t) + 4, size: 11, maxWidth: left - 30, anchor: "end")
        }
        for t in xTicks {
            svg.line(x(t), top, x(t), bottom, stroke: "#f0f0f0")
            svg.line(x(t), bottom, x(t), bottom + 4, stroke: "#444")
            svg.text(x.label(t, ticks: xTicks), x: x(t), y: bottom + 17, size: 11, anchor: "middle")
        }
        svg.line(left, bottom, right, bottom, stroke: "#444")
        svg.line(left, top, left, bottom, stroke: "#444")
        let centre = (left + right) / 2
        svg.fittedText(
            xLabel, x: centre, y: bottom + 38, size: 12, maxWidth: 2 * Swift.min(centre, svg.width - centre) - 8,
            anchor: "middle")
        svg.fittedText(
            yLabel, x: left - 48, y: (top + bottom) / 2, size: 12, maxWidth: bottom - top + 20, anchor: "middle",
            rotate: -90)
    }

    /// A legend to the right of the plot area, entries cut to the room left in the SVG; entries that
    /// do not fit below each other end in "… and N more". `swatch` draws each entry's symbol.
    func legend(on svg: inout SVG, entries: [String], swatch: (inout SVG, Int, Double, Double) -> Void) {
        var yy = top + 8
        let textX = right + 30, room = svg.width - textX - 6
        for (i, name) in entries.enumerated() {
            if yy + 17 > bottom, i < entries.count - 1 {
                svg.fittedText(
                    "… and \(entries.count - i) more", x: textX, y: yy + 4, size: 11, maxWidth: room, fill: "#666")
                break
            }
            swatch(&svg, i, right + 14, yy)
            svg.fittedText(name, x: textX, y: yy + 4, size: 11, maxWidth: room)
            yy += 17
        }
    }
}

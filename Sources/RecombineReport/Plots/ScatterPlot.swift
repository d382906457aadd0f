import Foundation

/// Points coloured by one categorical variable (the predicted cluster) and shaped by another (the
/// true label, when known), with optional highlighted centres drawn as large crosses.
public struct ScatterPlot {
    public var title: String
    public var xLabel = "", yLabel = ""
    public var points: [(Double, Double)]
    public var colors: [Int]
    public var shapes: [Int]?
    public var centres: [(Double, Double)] = []
    public var colorLegendTitle = "cluster", shapeLegendTitle = "true label"
    public var width = 620.0, height = 520.0

    public init(title: String, points: [(Double, Double)], colors: [Int], shapes: [Int]? = nil) {
        self.title = title; self.points = points; self.colors = colors; self.shapes = shapes
    }

    public var svg: String {
        var svg = SVG(width: width, height: height)
        let frame = PlotFrame(svg: svg, xValues: points.map(\.0) + centres.map(\.0), yValues: points.map(\.1) + centres.map(\.1))
        frame.draw(on: &svg, title: title, xLabel: xLabel, yLabel: yLabel)
        let radius = points.count > 1500 ? 2.2 : 3.0
        for (i, p) in points.enumerated() where p.0.isFinite && p.1.isFinite {
            svg.raw(Palette.marker(shapes?[i] ?? 0, x: frame.x(p.0), y: frame.y(p.1), r: radius, fill: Palette.color(colors[i])).replacingOccurrences(of: "/>", with: " fill-opacity=\"0.75\"/>"))
        }
        for c in centres {
            let x = frame.x(c.0), y = frame.y(c.1)
            svg.line(x - 8, y - 8, x + 8, y + 8, stroke: "#000", width: 3)
            svg.line(x - 8, y + 8, x + 8, y - 8, stroke: "#000", width: 3)
        }
        let clusters = Array(Set(colors)).sorted()
        var entries = clusters.map { "\(colorLegendTitle) \($0)" }
        let labels = shapes.map { Array(Set($0)).sorted() } ?? []
        entries += labels.map { "\(shapeLegendTitle) \($0)" }
        if !centres.isEmpty { entries.append("centroid") }
        frame.legend(on: &svg, entries: entries) { svg, i, x, y in
            if i < clusters.count { svg.raw(Palette.marker(0, x: x, y: y, r: 5, fill: Palette.color(clusters[i]))) }
            else if i < clusters.count + labels.count { svg.raw(Palette.marker(labels[i - clusters.count], x: x, y: y, r: 5, fill: "#555")) }
            else { svg.line(x - 5, y - 5, x + 5, y + 5, stroke: "#000", width: 2.5); svg.line(x - 5, y + 5, x + 5, y - 5, stroke: "#000", width: 2.5) }
        }
        return svg.document
    }
}

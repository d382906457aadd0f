import Foundation

/// Named series of (x, y) points drawn as lines with a legend, optionally with labelled vertical
/// markers (phase boundaries).
public struct LineChart {
    public struct Series {
        public let name: String; public let points: [(Double, Double)]
        public init(name: String, points: [(Double, Double)]) { self.name = name; self.points = points }
    }
    public var title: String
    public var xLabel: String, yLabel: String
    public var series: [Series]
    public var markers: [(x: Double, label: String)] = []
    public var width = 760.0, height = 360.0
    /// A fixed y axis (scores: [0, 1]) instead of one fitted to the values.
    public var yDomain: (Double, Double)? = nil
    /// Whether x counts iterations or epochs: whole-number ticks only.
    public var integerX = false

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
    }

    public var svg: String {
        var svg = SVG(width: width, height: height)
        let titleBlock = PlotFrame.titleBlock(title, width: width)
        let plotTop = PlotFrame.drawTitle(titleBlock, text: title, on: &svg, centre: width / 2, top: 8) + 14
        let all = series.flatMap(\.points).filter { $0.0.isFinite && $0.1.isFinite }
        let frame = PlotFrame(
            left: 64, top: plotTop, right: width - 190, bottom: height - 48, xValues: all.map(\.0) + markers.map(\.x),
            yValues: all.map(\.1),
            yDomain: yDomain, integerX: integerX)
        frame.draw(on: &svg, xLabel: xLabel, yLabel: yLabel)
        let markerXs = markers.map { frame.x($0.x) }.sorted()
        for m in markers {
            let mx = frame.x(m.x), next = markerXs.first { $0 > mx } ?? frame.right
            svg.line(mx, frame.top, mx, frame.bottom, stroke: "#999", dash: "4 3")
            svg.fittedText(
                m.label, x: mx + 3, y: frame.top + 10, size: 10, maxWidth: Swift.max(12, next - mx - 6), fill: "#666")
        }
        if all.isEmpty { svg.text("no data", x: width / 2 - 40, y: height / 2, size: 13, fill: "#888") }
        for (i, s) in series.enumerated() {
            let points = s.points.filter { $0.0.isFinite && $0.1.isFinite }.map { (frame.x($0.0), frame.y($0.1)) }
            svg.polyline(points, stroke: Palette.color(i))
            if points.count <= 40 {
                for p in points {
                    svg.raw(
                        "<circle cx=\"\(SVG.n(p.0))\" cy=\"\(SVG.n(p.1))\" r=\"2.5\" fill=\"\(Palette.color(i))\"/>")
                }
            }
        }
        frame.legend(on: &svg, entries: series.map(\.name)) { svg, i, x, y in
            svg.line(x - 8, y, x + 8, y, stroke: Palette.color(i), width: 3)
        }
        return svg.document
    }
}

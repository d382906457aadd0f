import Foundation
import RecombineClustering

/// Points in two panels side by side sharing their axes: coloured by predicted cluster, and coloured
/// by true label (one panel when labels are unknown). A cluster takes the colour of the label the
/// Hungarian matching pairs it with, so a perfect clustering looks the same in both panels. Optional
/// centres are drawn as large crosses in the cluster panel. Each panel is a `<g class="panel">`.
public struct ScatterPlot {
    public var title: String
    public var xLabel = "", yLabel = ""
    public var points: [(Double, Double)]
    /// The predicted cluster of each point.
    public var clusters: [Int]
    /// The true label of each point, when known.
    public var labels: [Int]?
    public var centres: [(Double, Double)] = []
    /// Side of each panel's square plot area, in pixels.
    public var panelSize = 360.0

    public init(title: String, points: [(Double, Double)], clusters: [Int], labels: [Int]? = nil) {
        self.title = title; self.points = points; self.clusters = clusters
        self.labels = labels.flatMap { $0.count == clusters.count ? $0 : nil }
    }

    /// What a legend entry shows before its name.
    enum Swatch {
        case colour(String)
        case cross
    }

    /// Colour of each cluster and each label (see the type's description).
    func colouring() -> (clusters: [Int: String], labels: [Int: String], clusterOrder: [Int], labelOrder: [Int]) {
        let clusterOrder = Array(Set(clusters)).sorted()
        guard let labels else {
            let palette = Palette.categorical(clusterOrder.count)
            return (
                Dictionary(uniqueKeysWithValues: clusterOrder.enumerated().map { ($1, palette[$0]) }), [:],
                clusterOrder, []
            )
        }
        let labelOrder = Array(Set(labels)).sorted()
        let labelIndex = Dictionary(uniqueKeysWithValues: labelOrder.enumerated().map { ($1, $0) })
        let matching = ClusteringMetrics.matching(truth: labels, prediction: clusters)
        var clusterIndex: [Int: Int] = [:], next = labelOrder.count
        for c in clusterOrder {
            if let label = matching[c], let i = labelIndex[label] {
                clusterIndex[c] = i
            } else {
                clusterIndex[c] = next; next += 1
            }
        }
        let palette = Palette.categorical(next)
        return (clusterIndex.mapValues { palette[$0] }, labelIndex.mapValues { palette[$0] }, clusterOrder, labelOrder)
    }

    static let left = 58.0, right = 18.0, legendRowHeight = 16.0, maxLegendRows = 10

    /// Legend entries laid out in columns under a panel: how many are shown, in how many columns and
    /// rows (a last row says how many more there are).
    static func legendLayout(_ names: [String], width: Double) -> (
        shown: Int, columns: Int, rows: Int, columnWidth: Double
    ) {
        guard !names.isEmpty else { return (0, 1, 0, width) }
        let longest = names.map { TextMetrics.width($0, size: 11) }.max() ?? 0
        let columnWidth = Swift.min(width, longest + 24)
        let columns = Swift.max(1, Int(width / columnWidth))
        let shown = names.count > columns * maxLegendRows ? columns * (maxLegendRows - 1) : names.count
        return (shown, columns, (shown + columns - 1) / columns + (shown < names.count ? 1 : 0), columnWidth)
    }

    public var svg: String {
        let colours = colouring()
        var panels:
            [(kind: String, subtitle: String, colour: (Int) -> String, legend: [(name: String, swatch: Swatch)])] = []
        let clusterLegend = colours.clusterOrder.map {
            (name: "cluster \($0)", swatch: Swatch.colour(colours.clusters[$0] ?? "#555"))
        }
        panels.append(
            (
                "cluster", "coloured by predicted cluster", { colours.clusters[clusters[$0]] ?? "#555" },
                clusterLegend + (centres.isEmpty ? [] : [(name: "centroid", swatch: .cross)])
            ))
        if let labels {
            panels.append(
                (
                    "label", "coloured by true label", { colours.labels[labels[$0]] ?? "#555" },
                    colours.labelOrder.map { (name: "label \($0)", swatch: .colour(colours.labels[$0] ?? "#555")) }
                ))
        }
        let panelWidth = Self.left + panelSize + Self.right
        let width = Double(panels.count) * panelWidth + 12
        let titleBlock = PlotFrame.titleBlock(title, width: width)
        let plotTop = 8 + titleBlock.height + 30
        let plotBottom = plotTop + panelSize
        let layouts = panels.map { Self.legendLayout($0.legend.map(\.name), width: panelSize) }
        let legendTop = plotBottom + 56
        let height = legendTop + Double(layouts.map(\.rows).max() ?? 0) * Self.legendRowHeight + 10
        var svg = SVG(width: width, height: height)
        PlotFrame.drawTitle(titleBlock, text: title, on: &svg, centre: width / 2, top: 8)
        let xs = points.map(\.0) + centres.map(\.0), ys = points.map(\.1) + centres.map(\.1)
        let radius = points.count > 1500 ? 2.2 : 3.0
        for (p, panel) in panels.enumerated() {
            let x0 = 6 + Double(p) * panelWidth
            svg.raw("<g class=\"panel\" data-colour=\"\(panel.kind)\">")
            let frame = PlotFrame(
                left: x0 + Self.left, top: plotTop, right: x0 + Self.left + panelSize, bottom: plotBottom, xValues: xs,
                yValues: ys)
            frame.draw(on: &svg, xLabel: xLabel, yLabel: yLabel)
            svg.fittedText(
                panel.subtitle, x: (frame.left + frame.right) / 2, y: plotTop - 8, size: 12, maxWidth: panelSize,
                anchor: "middle", fill: "#444")
            for (i, point) in points.prefix(clusters.count).enumerated() where point.0.isFinite && point.1.isFinite {
                svg.raw(
                    "<circle cx=\"\(SVG.n(frame.x(point.0)))\" cy=\"\(SVG.n(frame.y(point.1)))\" r=\"\(SVG.n(radius))\" fill=\"\(panel.colour(i))\" fill-opacity=\"0.75\"/>"
                )
            }
            if panel.kind == "cluster" {
                for c in centres { Self.cross(&svg, x: frame.x(c.0), y: frame.y(c.1), arm: 8, width: 3) }
            }
            let layout = layouts[p]
            for (i, entry) in panel.legend.prefix(layout.shown).enumerated() {
                let ex = frame.left + Double(i % layout.columns) * layout.columnWidth,
                    ey = legendTop + Double(i / layout.columns) * Self.legendRowHeight
                switch entry.swatch {
                case .colour(let colour):
                    svg.raw("<circle cx=\"\(SVG.n(ex + 6))\" cy=\"\(SVG.n(ey - 4))\" r=\"5\" fill=\"\(colour)\"/>")
                case .cross: Self.cross(&svg, x: ex + 6, y: ey - 4, arm: 5, width: 2.5)
                }
                svg.fittedText(entry.name, x: ex + 16, y: ey, size: 11, maxWidth: layout.columnWidth - 18)
            }
            if layout.shown < panel.legend.count {
                svg.fittedText(
                    "… and \(panel.legend.count - layout.shown) more", x: frame.left,
                    y: legendTop + Double(layout.rows - 1) * Self.legendRowHeight,
                    size: 11, maxWidth: panelSize, fill: "#666")
            }
            svg.raw("</g>")
        }
        return svg.document
    }

    static func cross(_ svg: inout SVG, x: Double, y: Double, arm: Double, width: Double) {
        svg.line(x - arm, y - arm, x + arm, y + arm, stroke: "#000", width: width)
        svg.line(x - arm, y + arm, x + arm, y - arm, stroke: "#000", width: width)
    }
}

import Foundation

/// A matrix of counts as coloured cells with the count written in each (a confusion matrix).
public struct Heatmap {
    public var title: String
    public var rowLabels: [String], columnLabels: [String]
    public var values: [[Double]]
    public var rowTitle = "", columnTitle = ""

    public init(title: String, rowLabels: [String], columnLabels: [String], values: [[Double]]) {
        self.title = title; self.rowLabels = rowLabels; self.columnLabels = columnLabels; self.values = values
    }

    public var svg: String {
        let rows = values.count, cols = values.first?.count ?? 0
        let cell = Swift.max(18.0, Swift.min(44.0, 520.0 / Double(Swift.max(rows, cols, 1))))
        let left = 80.0, gridWidth = Double(cols) * cell
        // Wide enough for the title and the column title (up to a chart's width), then fitted.
        let wanted = Swift.max(
            TextMetrics.width(title, size: 14, bold: true) + 24, TextMetrics.width(columnTitle, size: 12) + 16)
        let width = Swift.max(left + gridWidth + 30, Swift.min(760, wanted))
        let titleBlock = PlotFrame.titleBlock(title, width: width)
        let top = 6 + titleBlock.height + 44
        var svg = SVG(width: width, height: top + Double(rows) * cell + 30)
        let peak = Swift.max(values.flatMap { $0 }.max() ?? 1, 1e-12)
        PlotFrame.drawTitle(titleBlock, text: title, on: &svg, centre: width / 2, top: 6)
        // Centred over the columns when it fits there, else from the left edge.
        let centre = left + gridWidth / 2, room = 2 * Swift.min(centre, width - centre) - 8
        if TextMetrics.width(columnTitle, size: 12) <= room {
            svg.text(columnTitle, x: centre, y: top - 24, size: 12, anchor: "middle")
        } else {
            svg.fittedText(columnTitle, x: 8, y: top - 24, size: 12, maxWidth: width - 16)
        }
        svg.fittedText(
            rowTitle, x: 16, y: top + Double(rows) * cell / 2, size: 12, maxWidth: Double(rows) * cell + 40,
            anchor: "middle", rotate: -90)
        for (j, label) in columnLabels.enumerated() {
            svg.fittedText(
                label, x: left + (Double(j) + 0.5) * cell, y: top - 6, size: 11, maxWidth: cell - 2, anchor: "middle")
        }
        for (i, row) in values.enumerated() {
            svg.fittedText(
                i < rowLabels.count ? rowLabels[i] : "", x: left - 6, y: top + (Double(i) + 0.6) * cell, size: 11,
                maxWidth: left - 32, anchor: "end")
            for (j, v) in row.enumerated() {
                let t = v / peak
                let shade = Int((1 - t) * 235 + 20 * (1 - t))
                let fill = String(
                    format: "#%02x%02x%02x", Swift.min(255, shade + 20), Swift.min(255, shade + 40), 255 - Int(t * 90))
                svg.rect(
                    left + Double(j) * cell, top + Double(i) * cell, cell, cell, fill: fill, stroke: "#fff",
                    title: "\(rowLabels[safe: i] ?? "") / \(columnLabels[safe: j] ?? ""): \(Int(v))")
                if cell >= 24 {
                    svg.text(
                        String(Int(v)), x: left + (Double(j) + 0.5) * cell, y: top + (Double(i) + 0.62) * cell,
                        size: Swift.min(11, cell / 3.2), anchor: "middle", fill: t > 0.55 ? "#fff" : "#222")
                }
            }
        }
        return svg.document
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

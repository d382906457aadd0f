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
        let left = 80.0, top = 70.0
        var svg = SVG(width: left + Double(cols) * cell + 30, height: top + Double(rows) * cell + 30)
        let peak = Swift.max(values.flatMap { $0 }.max() ?? 1, 1e-12)
        svg.text(title, x: svg.width / 2, y: 20, size: 14, anchor: "middle", weight: "bold")
        svg.text(columnTitle, x: left + Double(cols) * cell / 2, y: 40, size: 12, anchor: "middle")
        svg.text(rowTitle, x: 16, y: top + Double(rows) * cell / 2, size: 12, anchor: "middle", rotate: -90)
        for (j, label) in columnLabels.enumerated() { svg.text(label, x: left + (Double(j) + 0.5) * cell, y: top - 6, size: 11, anchor: "middle") }
        for (i, row) in values.enumerated() {
            svg.text(i < rowLabels.count ? rowLabels[i] : "", x: left - 6, y: top + (Double(i) + 0.6) * cell, size: 11, anchor: "end")
            for (j, v) in row.enumerated() {
                let t = v / peak
                let shade = Int((1 - t) * 235 + 20 * (1 - t))
                let fill = String(format: "#%02x%02x%02x", Swift.min(255, shade + 20), Swift.min(255, shade + 40), 255 - Int(t * 90))
                svg.rect(left + Double(j) * cell, top + Double(i) * cell, cell, cell, fill: fill, stroke: "#fff", title: "\(rowLabels[safe: i] ?? "") / \(columnLabels[safe: j] ?? ""): \(Int(v))")
                if cell >= 24 {
                    svg.text(String(Int(v)), x: left + (Double(j) + 0.5) * cell, y: top + (Double(i) + 0.62) * cell, size: Swift.min(11, cell / 3.2), anchor: "middle", fill: t > 0.55 ? "#fff" : "#222")
                }
            }
        }
        return svg.document
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

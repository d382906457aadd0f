import Foundation

/// A small SVG writer: elements appended in drawing order, text escaped, numbers rounded to 0.01 px.
public struct SVG {
    public let width: Double, height: Double
    var body: [String] = []

    public init(width: Double, height: Double) { self.width = width; self.height = height }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func n(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    public mutating func raw(_ element: String) { body.append(element) }

    public mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = "#000", width: Double = 1,
        dash: String? = nil
    ) {
        body.append(
            "<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\""
                + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>")
    }

    public mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, title: String? = nil
    ) {
        let open =
            "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\""
            + (stroke.map { " stroke=\"\($0)\"" } ?? "")
        body.append(title.map { open + "><title>\(Self.escape($0))</title></rect>" } ?? open + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        body.append(
            "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.n(width))\" stroke-linejoin=\"round\"/>"
        )
    }

    public mutating func text(
        _ s: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String? = nil,
        rotate: Double? = nil, fill: String = "#222"
    ) {
        var attributes =
            "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let rotate { attributes += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        body.append("<text \(attributes)>\(Self.escape(s))</text>")
    }

    /// Lines of text at `y` (the first line's baseline), one `tspan` per line; `tooltip` (the full
    /// text of shortened text) becomes the element's `title`.
    public mutating func textBlock(
        _ block: TextMetrics.Block, x: Double, y: Double, anchor: String = "middle", weight: String? = nil,
        rotate: Double? = nil,
        fill: String = "#222", tooltip: String? = nil
    ) {
        var attributes =
            "x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(block.size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let rotate { attributes += " transform=\"rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))\"" }
        let hint = (block.shortened ? tooltip : nil).map { "<title>\(Self.escape($0))</title>" } ?? ""
        if block.lines.count == 1 {
            body.append("<text \(attributes)>\(hint)\(Self.escape(block.lines[0]))</text>"); return
        }
        let spans = block.lines.enumerated().map { i, line in
            "<tspan x=\"\(Self.n(x))\" dy=\"\(i == 0 ? "0" : Self.n(block.lineHeight))\">\(Self.escape(line))</tspan>"
        }
        body.append("<text \(attributes)>\(hint)\(spans.joined())</text>")
    }

    /// Text cut with an ellipsis to `maxWidth`, the full text as its tooltip when cut.
    public mutating func fittedText(
        _ s: String, x: Double, y: Double, size: Double, maxWidth: Double, anchor: String = "start",
        weight: String? = nil,
        rotate: Double? = nil, fill: String = "#222"
    ) {
        let shown = TextMetrics.truncate(s, size: size, maxWidth: maxWidth, bold: weight == "bold")
        textBlock(
            TextMetrics.Block(lines: [shown], size: size, shortened: shown != s), x: x, y: y, anchor: anchor,
            weight: weight, rotate: rotate, fill: fill, tooltip: s)
    }

    public mutating func image(pngBase64: String, x: Double, y: Double, width w: Double, height h: Double) {
        body.append(
            "<image x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(pngBase64)\"/>"
        )
    }

    /// The complete document.
    public var document: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }
}

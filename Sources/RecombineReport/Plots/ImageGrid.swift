import Foundation

/// Rows of small images (e.g. the samples nearest each cluster centre), each image embedded as PNG.
public struct ImageGrid {
    public var title: String
    /// Per row: its label and images, each `channels × height × width` floats in [0, 1].
    public var rows: [(label: String, images: [[Float]])]
    public let channels: Int, imageHeight: Int, imageWidth: Int
    public var scale = 2.0

    public init(title: String, rows: [(label: String, images: [[Float]])], channels: Int, height: Int, width: Int) {
        self.title = title; self.rows = rows; self.channels = channels; imageHeight = height; imageWidth = width
    }

    public var svg: String {
        let w = Double(imageWidth) * scale, h = Double(imageHeight) * scale, gap = 4.0, left = 80.0
        let columns = rows.map(\.images.count).max() ?? 0
        let width = Swift.max(
            left + Double(columns) * (w + gap) + 10, Swift.min(760, TextMetrics.width(title, size: 14, bold: true) + 24)
        )
        let titleBlock = PlotFrame.titleBlock(title, width: width)
        let top = 6 + titleBlock.height + 10
        var svg = SVG(width: width, height: top + Double(rows.count) * (h + gap) + 10)
        PlotFrame.drawTitle(titleBlock, text: title, on: &svg, centre: width / 2, top: 6)
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * (h + gap)
            svg.fittedText(row.label, x: left - 8, y: y + h / 2 + 4, size: 11, maxWidth: left - 14, anchor: "end")
            for (c, image) in row.images.enumerated() {
                let png = PNG.encode(image, channels: channels, height: imageHeight, width: imageWidth)
                svg.image(
                    pngBase64: png.base64EncodedString(), x: left + Double(c) * (w + gap), y: y, width: w, height: h)
            }
        }
        return svg.document
    }
}

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
        let w = Double(imageWidth) * scale, h = Double(imageHeight) * scale, gap = 4.0, left = 80.0, top = 36.0
        let columns = rows.map(\.images.count).max() ?? 0
        var svg = SVG(width: left + Double(columns) * (w + gap) + 10, height: top + Double(rows.count) * (h + gap) + 10)
        svg.text(title, x: svg.width / 2, y: 22, size: 14, anchor: "middle", weight: "bold")
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * (h + gap)
            svg.text(row.label, x: left - 8, y: y + h / 2 + 4, size: 11, anchor: "end")
            for (c, image) in row.images.enumerated() {
                let png = PNG.encode(image, channels: channels, height: imageHeight, width: imageWidth)
                svg.image(pngBase64: png.base64EncodedString(), x: left + Double(c) * (w + gap), y: y, width: w, height: h)
            }
        }
        return svg.document
    }
}

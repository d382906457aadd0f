import Foundation

/// Approximate widths of text in the plots' font (Helvetica/Arial and their metric-compatible
/// substitutes), so titles, labels and legend entries can be shrunk, wrapped or shortened to fit
/// instead of running past the SVG's edge. Widths are Helvetica's advance widths plus a margin for
/// wider fallback fonts, so they err on the long side.
public enum TextMetrics {
    /// Helvetica advance widths of the printable ASCII characters (space to tilde), in 1/1000 em.
    static let ascii: [Int] = [
        // space ! " # $ % & ' ( ) * + , - . /
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0-9 : ; < = > ?
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ A-O
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P-Z [ \ ] ^ _
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` a-o
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,  // p-z { | } ~
    ]
    /// Headroom for fonts wider than Helvetica (DejaVu Sans is the usual fallback on Linux).
    static let safety = 1.1

    /// The width in pixels of `text` at `size` pixels (bold text is about 7 % wider).
    public static func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        var units = 0.0
        for scalar in text.unicodeScalars {
            let v = Int(scalar.value)
            if v >= 32 && v < 127 {
                units += Double(ascii[v - 32])
            } else if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || v >= 0x1F300
            {
                units += 1000
            } else if (0x0300...0x036F).contains(v) {
                continue
            }  // combining marks
            else {
                units += 600
            }
        }
        return units / 1000 * size * safety * (bold ? 1.07 : 1)
    }

    /// `text` shortened with an ellipsis to fit `maxWidth` (unchanged when it fits).
    public static func truncate(_ text: String, size: Double, maxWidth: Double, bold: Bool = false) -> String {
        guard width(text, size: size, bold: bold) > maxWidth else { return text }
        var characters = Array(text)
        while !characters.isEmpty && width(String(characters) + "…", size: size, bold: bold) > maxWidth {
            characters.removeLast()
        }
        return String(characters) + "…"
    }

    /// Text laid out to fit a width: its font size and lines.
    public struct Block {
        public let lines: [String]
        public let size: Double
        /// Whether text was cut (the full text should then be given as a tooltip).
        public let shortened: Bool
        public var lineHeight: Double { size * 1.2 }
        public var height: Double { Double(lines.count) * lineHeight }
    }

    /// `text` fitted into `maxWidth`: kept at `size` when it fits, else shrunk down to `minSize`, else
    /// wrapped at spaces (long words split) into at most `maxLines` lines at `minSize`, the last one
    /// shortened with an ellipsis.
    public static func fit(
        _ text: String, size: Double, minSize: Double, maxWidth: Double, maxLines: Int = 3, bold: Bool = false
    ) -> Block {
        let full = width(text, size: size, bold: bold)
        if full <= maxWidth { return Block(lines: [text], size: size, shortened: false) }
        let shrunk = Swift.max(minSize, size * maxWidth / full)
        if width(text, size: shrunk, bold: bold) <= maxWidth {
            return Block(lines: [text], size: shrunk, shortened: false)
        }
        var lines: [String] = [], current = ""
        func fits(_ s: String) -> Bool { width(s, size: minSize, bold: bold) <= maxWidth }
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if fits(candidate) { current = candidate; continue }
            if !current.isEmpty { lines.append(current); current = "" }
            var rest = word
            while !rest.isEmpty && !fits(rest) {
                var head = ""
                for ch in rest { if fits(head + String(ch)) { head.append(ch) } else { break } }
                if head.isEmpty { head = String(rest.first!) }
                lines.append(head); rest = String(rest.dropFirst(head.count))
            }
            current = rest
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return Block(lines: lines, size: minSize, shortened: false) }
        let kept =
            Array(lines.prefix(maxLines - 1)) + [
                truncate(lines[(maxLines - 1)...].joined(separator: " "), size: minSize, maxWidth: maxWidth, bold: bold)
            ]
        return Block(lines: kept, size: minSize, shortened: true)
    }
}

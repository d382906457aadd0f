import CZlib
import Foundation
import XCTest

@testable import RecombineReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Whether `text` parses as XML (every plot must be a well-formed SVG document).
func isWellFormedXML(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
}

final class PlotTests: XCTestCase {
    func testChartsAreWellFormedSVGWithTheirContent() {
        var chart = LineChart(
            title: "Loss <&> \"quoted\"", xLabel: "iteration", yLabel: "loss",
            series: [
                .init(name: "reconstruction", points: [(1, 3), (2, 2), (3, 1.5)]),
                .init(name: "kl", points: [(1, 0.5), (3, .nan)]),
            ])
        chart.markers = [(2, "phase 2")]
        let line = chart.svg
        XCTAssertTrue(isWellFormedXML(line))
        XCTAssertTrue(
            line.contains("Loss &lt;&amp;&gt; &quot;quoted&quot;") && line.contains("<polyline")
                && line.contains("reconstruction"))
        let scatter = ScatterPlot(
            title: "PCA", points: [(0, 0), (1, 1), (2, 0.5)], clusters: [0, 1, 1], labels: [0, 2, 9]
        ).svg
        XCTAssertTrue(isWellFormedXML(scatter))
        XCTAssertTrue(scatter.contains("label 9") && scatter.contains("cluster 1"))
        let heat = Heatmap(
            title: "Confusion", rowLabels: ["0", "1"], columnLabels: ["c1", "c0"], values: [[5, 1], [0, 7]]
        ).svg
        XCTAssertTrue(isWellFormedXML(heat))
        XCTAssertTrue(heat.contains(">7</text>"))
        let grid = ImageGrid(
            title: "Nearest", rows: [("cluster 0", [[Float](repeating: 0.5, count: 16)])], channels: 1, height: 4,
            width: 4
        ).svg
        XCTAssertTrue(isWellFormedXML(grid))
        XCTAssertTrue(grid.contains("data:image/png;base64,"))
        XCTAssertTrue(isWellFormedXML(LineChart(title: "empty", xLabel: "", yLabel: "", series: []).svg))
        XCTAssertFalse(isWellFormedXML("<svg><text>a < b</text></svg>"), "the XML check must reject unescaped text")
    }

    func testNiceTicks() {
        let s = LinearScale(covering: [0.13, 0.87], range: (0, 100))
        XCTAssertEqual(s.domain.0, 0); XCTAssertEqual(s.domain.1, 1, accuracy: 1e-12)
        let ticks = s.ticks(5)
        XCTAssertEqual(ticks.count, 6)
        for (t, e) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1.0]) { XCTAssertEqual(t, e, accuracy: 1e-12) }
        XCTAssertEqual(s.label(0.4, ticks: ticks), "0.4")
        XCTAssertEqual(s(0.5), 50, accuracy: 1e-9)
        let flat = LinearScale(covering: [3, 3], range: (0, 1))
        XCTAssertLessThan(flat.domain.0, 3); XCTAssertGreaterThan(flat.domain.1, 3)
    }

    /// Iterations have no halves: a short schedule (4 iterations) gets whole-number ticks only.
    func testIntegerTicksForIterations() {
        let s = LinearScale(covering: [1, 4], range: (0, 100))
        XCTAssertTrue(
            s.ticks(6).contains { $0 != $0.rounded() }, "without the option a short axis gets fractional ticks")
        let ticks = s.ticks(6, integers: true)
        XCTAssertFalse(ticks.isEmpty)
        XCTAssertTrue(ticks.allSatisfy { $0 == $0.rounded() }, "\(ticks)")
        XCTAssertEqual(s.label(2, ticks: ticks), "2")
    }

    /// Scores are drawn on a fixed [0, 1] axis, so runs and reports compare at a glance.
    func testScoreChartsHaveAFixedUnitAxis() {
        var chart = LineChart(
            title: "scores", xLabel: "iteration", yLabel: "score",
            series: [.init(name: "ACC", points: [(1, 0.52), (2, 0.55)])])
        chart.yDomain = (0, 1)
        chart.integerX = true
        let svg = chart.svg
        for label in [">0.0<", ">1.0<"] {
            XCTAssertTrue(svg.contains(label), "the axis must run from 0 to 1: \(label) missing")
        }
    }

    /// The PNG's header names its size and its compressed data inflates to unfiltered rows of the pixels.
    func testPNGEncodesThePixels() throws {
        let pixels: [Float] = [0, 0.5, 1, 0.25, 1, 0, 0.5, 0.75, 0.1, 0.2, 0.3, 0.4]  // 1 × 3 × 4
        let png = [UInt8](PNG.encode(pixels, channels: 1, height: 3, width: 4))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func u32(_ i: Int) -> Int { Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3]) }
        XCTAssertEqual(String(bytes: png[12..<16], encoding: .ascii), "IHDR")
        XCTAssertEqual(u32(16), 4); XCTAssertEqual(u32(20), 3)
        let idatStart = 8 + 12 + 13
        let length = u32(idatStart)
        XCTAssertEqual(String(bytes: png[(idatStart + 4)..<(idatStart + 8)], encoding: .ascii), "IDAT")
        let compressed = Array(png[(idatStart + 8)..<(idatStart + 8 + length)])
        var raw = [UInt8](repeating: 0, count: 15)
        var rawLength = uLong(raw.count)
        XCTAssertEqual(uncompress(&raw, &rawLength, compressed, uLong(compressed.count)), Z_OK)
        XCTAssertEqual(raw, [0, 0, 128, 255, 64, 0, 255, 0, 128, 191, 0, 26, 51, 77, 102])
        let crc = UInt32(
            truncatingIfNeeded: crc32(0, Array(png[(idatStart + 4)..<(idatStart + 8 + length)]), uInt(length + 4)))
        XCTAssertEqual(UInt32(u32(idatStart + 8 + length)), crc)
    }

    /// t-SNE/PCA plots are two panels sharing their points, coloured by cluster and by true label,
    /// with one colour per category (no marker shapes); without labels, one panel.
    func testScatterHasAClusterPanelAndALabelPanel() {
        let points = (0..<12).map { (Double($0), Double($0 % 5)) }
        let clusters = (0..<12).map { ($0 + 1) % 3 }, labels = (0..<12).map { $0 % 3 }
        let two = ScatterPlot(title: "t-SNE", points: points, clusters: clusters, labels: labels).svg
        XCTAssertTrue(isWellFormedXML(two))
        XCTAssertEqual(two.components(separatedBy: "<g class=\"panel\"").count - 1, 2)
        XCTAssertTrue(two.contains("data-colour=\"cluster\"") && two.contains("data-colour=\"label\""))
        XCTAssertFalse(two.contains("<polygon"), "no marker shapes")
        XCTAssertEqual(two.components(separatedBy: "fill-opacity=\"0.75\"").count - 1, 24, "every point in both panels")
        // Cluster (c + 1) % 3 is matched to label c, so both panels colour each point alike.
        let fills = two.components(separatedBy: "fill-opacity=\"0.75\"").dropLast().map {
            $0.components(separatedBy: "fill=\"").last!.prefix(7)
        }
        XCTAssertEqual(Array(fills.prefix(12)), Array(fills.suffix(12)))
        XCTAssertEqual(Set(fills).count, 3)
        let one = ScatterPlot(title: "t-SNE", points: points, clusters: clusters).svg
        XCTAssertEqual(one.components(separatedBy: "<g class=\"panel\"").count - 1, 1)
        XCTAssertFalse(one.contains("label 0"))
    }

    /// Up to twenty categories take the tab20 colours; more get distinct generated colours, and a
    /// legend too long for its rows ends in "… and N more" instead of running off the plot.
    func testPaletteAndLegendScaleBeyondTwentyClasses() {
        XCTAssertEqual(Palette.categorical(10), Array(Palette.colors.prefix(10)))
        let many = Palette.categorical(60)
        XCTAssertEqual(Set(many).count, 60)
        XCTAssertTrue(many.allSatisfy { $0.count == 7 && $0.hasPrefix("#") }, "\(many)")
        let n = 200
        let svg = ScatterPlot(
            title: "many", points: (0..<n).map { (Double($0), Double($0 * 7 % 13)) }, clusters: Array(0..<n),
            labels: (0..<n).map { $0 / 2 }
        ).svg
        XCTAssertTrue(isWellFormedXML(svg))
        XCTAssertTrue(svg.contains(" more</text>"), "an overlong legend is cut with a count")
        assertTextInsideViewBox(svg)
    }

    /// Long method and pattern names never run past the SVG's edge: titles shrink and wrap, labels
    /// and legend entries are shortened (the full text kept as a tooltip).
    func testLongNamesStayInsideTheViewBox() {
        let long = String(repeating: "encouraging_cluster_formation_", count: 4)  // 120 characters
        XCTAssertEqual(long.count, 120)
        let spaced =
            "Losses — phase \"" + long + "\" on MNIST with a long dataset name and more words than fit on one line"
        var line = LineChart(
            title: spaced, xLabel: long, yLabel: long,
            series: [.init(name: long, points: [(1, 1), (2, 0.5)]), .init(name: "b", points: [(1, 2)])])
        line.markers = [(1, long), (1.5, long)]
        let scatter = ScatterPlot(
            title: long, points: [(0, 0), (1, 1), (2, 3)], clusters: [0, 1, 2], labels: [0, 1, 1])
        var heat = Heatmap(
            title: long, rowLabels: [long, "1"], columnLabels: [long, "c1"], values: [[1, 2], [3, 4]])
        heat.rowTitle = long; heat.columnTitle = long
        let grid = ImageGrid(
            title: long, rows: [(long, [[Float](repeating: 0.5, count: 16)])], channels: 1, height: 4, width: 4)
        for svg in [line.svg, scatter.svg, heat.svg, grid.svg] {
            XCTAssertTrue(isWellFormedXML(svg))
            assertTextInsideViewBox(svg)
        }
        XCTAssertTrue(
            line.svg.contains("<title>" + long + "</title>"), "a shortened text keeps its full text as a tooltip")
        XCTAssertGreaterThan(
            TextMetrics.width(long, size: 14, bold: true), 760, "the name is too long for one line of a chart")
    }

    func testTextFittingShrinksThenWrapsThenShortens() {
        XCTAssertEqual(TextMetrics.fit("short", size: 14, minSize: 11, maxWidth: 200).lines, ["short"])
        let wrapped = TextMetrics.fit("one two three four five six seven", size: 14, minSize: 11, maxWidth: 80)
        XCTAssertGreaterThan(wrapped.lines.count, 1)
        XCTAssertEqual(wrapped.size, 11)
        XCTAssertTrue(wrapped.lines.allSatisfy { TextMetrics.width($0, size: 11) <= 80 }, "\(wrapped.lines)")
        let cut = TextMetrics.fit(String(repeating: "x", count: 500), size: 14, minSize: 11, maxWidth: 80, maxLines: 2)
        XCTAssertEqual(cut.lines.count, 2)
        XCTAssertTrue(cut.shortened && cut.lines[1].hasSuffix("…"))
        XCTAssertTrue(
            TextMetrics.fit("x", size: 14, minSize: 11, maxWidth: -5).lines.count <= 3, "no room at all still ends")
    }
}

/// Fails when a `<text>` of `svg` (its extent estimated with `TextMetrics`, rotation and anchor
/// taken into account) reaches outside the viewBox.
func assertTextInsideViewBox(_ svg: String, file: StaticString = #filePath, line: UInt = #line) {
    let boxes = TextBoxes(svg)
    XCTAssertFalse(boxes.texts.isEmpty, "no text found", file: file, line: line)
    for t in boxes.texts {
        let inside = t.minX >= -0.5 && t.minY >= -0.5 && t.maxX <= boxes.width + 0.5 && t.maxY <= boxes.height + 0.5
        XCTAssertTrue(
            inside,
            "\"\(t.text)\" spans x \(t.minX)…\(t.maxX), y \(t.minY)…\(t.maxY) in a \(boxes.width)×\(boxes.height) SVG",
            file: file, line: line)
    }
}

/// The estimated extent of every line of text in an SVG document.
final class TextBoxes: NSObject, XMLParserDelegate {
    struct Box { let text: String; let minX: Double, maxX: Double, minY: Double, maxY: Double }
    var texts: [Box] = [], width = 0.0, height = 0.0
    var element: [String: String] = [:], line: [String: String]? = nil, buffer = "", inTitle = false, lineY = 0.0

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        _ = parser.parse()
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch name {
        case "svg": width = Double(attributes["width"] ?? "") ?? 0; height = Double(attributes["height"] ?? "") ?? 0
        case "text": element = attributes; buffer = ""; lineY = Double(attributes["y"] ?? "") ?? 0
        case "tspan": flush(); line = attributes; lineY += Double(attributes["dy"] ?? "") ?? 0
        case "title": inTitle = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if !inTitle { buffer += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "title": inTitle = false
        case "tspan": flush(); line = nil
        case "text": flush(); element = [:]
        default: break
        }
    }

    func flush() {
        defer { buffer = "" }
        guard !buffer.isEmpty else { return }
        let size = Double(element["font-size"] ?? "") ?? 12
        let w = TextMetrics.width(buffer, size: size, bold: element["font-weight"] == "bold")
        let x = Double(line?["x"] ?? element["x"] ?? "") ?? 0, y = lineY
        let anchor = element["text-anchor"] ?? "start"
        let start = anchor == "middle" ? -w / 2 : anchor == "end" ? -w : 0
        // Along the text: [start, start + w]; across: ascent 0.8 em above the baseline, descent 0.25 em below.
        if element["transform"]?.hasPrefix("rotate(-90") == true {
            texts.append(
                Box(text: buffer, minX: x - 0.8 * size, maxX: x + 0.25 * size, minY: y - start - w, maxY: y - start))
        } else {
            texts.append(
                Box(text: buffer, minX: x + start, maxX: x + start + w, minY: y - 0.8 * size, maxY: y + 0.25 * size))
        }
    }
}

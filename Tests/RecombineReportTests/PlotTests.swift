import CZlib
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import RecombineReport
import XCTest

/// Whether `text` parses as XML (every plot must be a well-formed SVG document).
func isWellFormedXML(_ text: String) -> Bool {
    XMLParser(data: Data(text.utf8)).parse()
}

final class PlotTests: XCTestCase {
    func testChartsAreWellFormedSVGWithTheirContent() {
        var chart = LineChart(title: "Loss <&> \"quoted\"", xLabel: "iteration", yLabel: "loss",
                              series: [.init(name: "reconstruction", points: [(1, 3), (2, 2), (3, 1.5)]), .init(name: "kl", points: [(1, 0.5), (3, .nan)])])
        chart.markers = [(2, "phase 2")]
        let line = chart.svg
        XCTAssertTrue(isWellFormedXML(line))
        XCTAssertTrue(line.contains("Loss &lt;&amp;&gt; &quot;quoted&quot;") && line.contains("<polyline") && line.contains("reconstruction"))
        let scatter = ScatterPlot(title: "PCA", points: [(0, 0), (1, 1), (2, 0.5)], colors: [0, 1, 1], shapes: [0, 2, 9]).svg
        XCTAssertTrue(isWellFormedXML(scatter))
        XCTAssertTrue(scatter.contains("true label 9") && scatter.contains("cluster 1"))
        let heat = Heatmap(title: "Confusion", rowLabels: ["0", "1"], columnLabels: ["c1", "c0"], values: [[5, 1], [0, 7]]).svg
        XCTAssertTrue(isWellFormedXML(heat))
        XCTAssertTrue(heat.contains(">7</text>"))
        let grid = ImageGrid(title: "Nearest", rows: [("cluster 0", [[Float](repeating: 0.5, count: 16)])], channels: 1, height: 4, width: 4).svg
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
        XCTAssertTrue(s.ticks(6).contains { $0 != $0.rounded() }, "without the option a short axis gets fractional ticks")
        let ticks = s.ticks(6, integers: true)
        XCTAssertFalse(ticks.isEmpty)
        XCTAssertTrue(ticks.allSatisfy { $0 == $0.rounded() }, "\(ticks)")
        XCTAssertEqual(s.label(2, ticks: ticks), "2")
    }

    /// Scores are drawn on a fixed [0, 1] axis, so runs and reports compare at a glance.
    func testScoreChartsHaveAFixedUnitAxis() {
        var chart = LineChart(title: "scores", xLabel: "iteration", yLabel: "score", series: [.init(name: "ACC", points: [(1, 0.52), (2, 0.55)])])
        chart.yDomain = (0, 1)
        chart.integerX = true
        let svg = chart.svg
        for label in [">0.0<", ">1.0<"] { XCTAssertTrue(svg.contains(label), "the axis must run from 0 to 1: \(label) missing") }
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
        let crc = UInt32(truncatingIfNeeded: crc32(0, Array(png[(idatStart + 4)..<(idatStart + 8 + length)]), uInt(length + 4)))
        XCTAssertEqual(UInt32(u32(idatStart + 8 + length)), crc)
    }
}

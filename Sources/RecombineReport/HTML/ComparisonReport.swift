import Foundation
import RecombineNN

/// A page comparing several runs: their final metrics side by side and each metric's curve overlaid.
public enum ComparisonReport {
    /// Writes `comparison.html` (and its SVGs) into `outputDirectory`; returns the page's path.
    @discardableResult
    public static func build(directories: [String], outputDirectory: String) throws -> String {
        let runs = try directories.map { try RunArtifacts(directory: $0) }
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var html = HTMLPage(title: "recombine — comparison of \(runs.count) runs")
        html.add("<h1>Comparison of \(runs.count) runs</h1>")
        var table = "<table><tr><th>run</th><th>method</th><th>seed</th><th>status</th><th>ACC</th><th>NMI</th><th>ARI</th><th>wall time (s)</th></tr>"
        for r in runs {
            let o = r.outcome
            table += "<tr><td><a href=\"\(SVG.escape(relative(r.directory, from: outputDirectory)))/report.html\">\(SVG.escape((r.directory as NSString).lastPathComponent))</a></td>"
            table += "<td>\(SVG.escape(o.method))</td><td>\(SVG.escape(o.seed))</td><td>\(SVG.escape(o.status))</td>"
            table += "<td>\(RunReport.f(o.acc as Any?))</td><td>\(RunReport.f(o.nmi as Any?))</td><td>\(RunReport.f(o.ari as Any?))</td><td>\(String(format: "%.1f", o.wallSeconds))</td></tr>"
        }
        html.add(table + "</table>")
        for metric in ["acc", "nmi", "ari"] {
            let series = runs.map { run -> LineChart.Series in
                var step = 0.0, points: [(Double, Double)] = []
                for r in run.evaluationRecords { if let v = (r[metric] as? NSNumber)?.doubleValue { step += 1; points.append((step, v)) } }
                return LineChart.Series(name: (run.directory as NSString).lastPathComponent, points: points)
            }
            var chart = LineChart(title: "\(metric.uppercased()) at each evaluation", xLabel: "evaluation", yLabel: metric.uppercased(), series: series)
            chart.yDomain = (0, 1)
            chart.integerX = true
            let file = "comparison_\(metric).svg"
            try AtomicFile.write(Data(chart.svg.utf8), to: (outputDirectory as NSString).appendingPathComponent(file))
            html.add("<figure>\(chart.svg)<figcaption>\(metric.uppercased()) of each run at its evaluations, in order. <a href=\"\(file)\">SVG</a></figcaption></figure>")
        }
        let path = (outputDirectory as NSString).appendingPathComponent("comparison.html")
        try AtomicFile.write(Data(html.document.utf8), to: path)
        return path
    }

    static func relative(_ path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents, b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var i = 0
        while i < p.count && i < b.count && p[i] == b[i] { i += 1 }
        let parts = Array(repeating: "..", count: b.count - i) + p[i...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

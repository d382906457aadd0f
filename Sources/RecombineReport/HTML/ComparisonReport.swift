import Foundation
import RecombineNN
import RecombineRunFiles

/// A page comparing several runs: their final metrics side by side (with the dataset they are on) and,
/// per dataset, each metric's curve over iterations, so runs on different datasets never share an axis.
public enum ComparisonReport {
    /// Writes `comparison.html` (and its SVGs) into `outputDirectory`; returns the page's path.
    @discardableResult
    public static func build(directories: [String], outputDirectory: String) throws -> String {
        try build(
            runs: directories.map { try RunArtifacts(directory: $0, readFinal: false) },
            outputDirectory: outputDirectory)
    }

    static func build(runs: [RunArtifacts], outputDirectory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        let names = seriesNames(runs.map(\.directory))
        var html = HTMLPage(title: "recombine — comparison of \(runs.count) runs")
        html.add("<h1>Comparison of \(runs.count) runs</h1>")
        var table =
            "<table><tr><th>dataset</th><th>run</th><th>method</th><th>seed</th><th>status</th><th>ACC</th><th>NMI</th><th>ARI</th><th>wall time (s)</th></tr>"
        for (i, r) in runs.enumerated().sorted(by: {
            ($0.element.outcome.dataset, $0.offset) < ($1.element.outcome.dataset, $1.offset)
        }) {
            let o = r.outcome
            table +=
                "<tr><td>\(SVG.escape(o.dataset))</td><td><a href=\"\(SVG.escape(relative(r.directory, from: outputDirectory)))/report.html\">\(SVG.escape(names[i]))</a></td>"
            table +=
                "<td>\(SVG.escape(o.method))</td><td>\(SVG.escape(o.seed))</td><td>\(SVG.escape(o.status.rawValue))</td>"
            table +=
                "<td>\(RunReport.f(o.acc as Any?))</td><td>\(RunReport.f(o.nmi as Any?))</td><td>\(RunReport.f(o.ari as Any?))</td><td>\(String(format: "%.1f", o.wallSeconds))</td></tr>"
        }
        html.add(table + "</table>")
        var datasets: [String] = []
        for run in runs {
            for r in run.evaluationRecords where r["acc"] != nil {
                let d = r["dataset"] as? String ?? ""; if !datasets.contains(d) { datasets.append(d) }
            }
        }
        if datasets.isEmpty { html.add("<p class=\"note\">No run has a scored evaluation: no curves.</p>") }
        let axes = runs.map { IterationAxis($0.iterationRecords) }
        for dataset in datasets {
            html.add("<h2>\(SVG.escape(dataset.isEmpty ? "(unnamed dataset)" : dataset))</h2>")
            for metric in ["acc", "nmi", "ari"] {
                let series = runs.indices.compactMap { i -> LineChart.Series? in
                    let points = runs[i].evaluationRecords.filter { ($0["dataset"] as? String ?? "") == dataset }
                        .compactMap { r in (r[metric] as? NSNumber).map { (axes[i].x(r), $0.doubleValue) } }
                    return points.isEmpty ? nil : LineChart.Series(name: names[i], points: points)
                }
                var chart = LineChart(
                    title: "\(metric.uppercased()) on \(dataset) over training",
                    xLabel: "iteration (phases end to end)", yLabel: metric.uppercased(), series: series)
                chart.yDomain = (0, 1)
                chart.integerX = true
                let file = "comparison_\(RunPlots.slug(dataset))_\(metric).svg"
                try AtomicFile.write(
                    Data(chart.svg.utf8), to: (outputDirectory as NSString).appendingPathComponent(file))
                html.add(
                    "<figure>\(chart.svg)<figcaption>\(metric.uppercased()) on \(SVG.escape(dataset)) of each run at its evaluations, against the iteration (each run's phases end to end). <a href=\"\(file)\">SVG</a></figcaption></figure>"
                )
            }
        }
        let path = (outputDirectory as NSString).appendingPathComponent("comparison.html")
        try AtomicFile.write(Data(html.document.utf8), to: path)
        return path
    }

    /// Each run's name in tables and legends: its directory's name, with as many parent folders as
    /// it takes to tell runs apart (`a/seed-1` and `b/seed-1`).
    static func seriesNames(_ directories: [String]) -> [String] {
        let parts = directories.map { URL(fileURLWithPath: $0).standardizedFileURL.pathComponents.filter { $0 != "/" } }
        for depth in 1...Swift.max(1, parts.map(\.count).max() ?? 1) {
            let names = parts.map { $0.suffix(depth).joined(separator: "/") }
            if Set(names).count == names.count || depth == parts.map(\.count).max() { return names }
        }
        return directories
    }

    static func relative(_ path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents,
            b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var i = 0
        while i < p.count && i < b.count && p[i] == b[i] { i += 1 }
        let parts = Array(repeating: "..", count: b.count - i) + p[i...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}

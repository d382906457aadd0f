import Foundation
import RecombineNN
import RecombineRunFiles

/// `report.html` of a run: one self-contained page (plots inlined as SVG) with the final metrics,
/// every evaluation, the plots, provenance and the method as run; the plots are also written to
/// `plots/*.svg`.
public enum RunReport {
    /// Samples in the report's t-SNE plot by default: exact t-SNE is quadratic in them; 1 000 take
    /// seconds where 3 000 took a minute (Docs/benchmarks.md, "Reports").
    public static let defaultTSNEPoints = 1000

    /// Builds the report of `directory` into `output` (default: the run directory itself); returns the
    /// path of `report.html`. A t-SNE plot computed before for the same final state is reused (see
    /// `RunPlots.make`).
    @discardableResult
    public static func build(directory: String, tsnePoints: Int = defaultTSNEPoints, output: String? = nil) throws
        -> String
    {
        let target = output ?? directory
        let run = try RunArtifacts(directory: directory)
        let plots = RunPlots.make(
            run, tsnePoints: tsnePoints, existingTSNE: existingTSNE(in: directory, output: target))
        let plotDirectory = (target as NSString).appendingPathComponent("plots")
        try FileManager.default.createDirectory(atPath: plotDirectory, withIntermediateDirectories: true)
        for p in plots {
            // An unchanged plot (a reused t-SNE) is left alone, so its date still says when it was computed.
            let file = (plotDirectory as NSString).appendingPathComponent(p.file), data = Data(p.svg.utf8)
            if FileManager.default.contents(atPath: file) != data { try AtomicFile.write(data, to: file) }
        }
        let path = (target as NSString).appendingPathComponent("report.html")
        try AtomicFile.write(Data(page(run, plots: plots, linksToRun: output != nil).utf8), to: path)
        return path
    }

    /// The version of the report's layout, written into report.html: a report of another version is
    /// built again by `update` even when it is newer than the run's files.
    static let formatVersion = 2
    static var generatorTag: String { "<meta name=\"generator\" content=\"recombine report \(formatVersion)\">" }

    /// The run's files a report is built from.
    static let inputs = ["result.json", "metrics.jsonl", "final.safetensors", "method.json"]

    /// Whether `output/report.html` (default: the run's own) is of this version and newer than every file
    /// of `directory` it was built from.
    public static func isCurrent(directory: String, output: String? = nil) -> Bool {
        let fm = FileManager.default
        func modified(_ name: String, in folder: String = directory) -> Date? {
            (try? fm.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(name)))?[.modificationDate]
                as? Date
        }
        let target = output ?? directory
        guard let page = modified("report.html", in: target),
            let handle = FileHandle(forReadingAtPath: (target as NSString).appendingPathComponent("report.html"))
        else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 1024)) ?? Data(), as: UTF8.self)
        return head.contains(generatorTag)
            && inputs.flatMap { [$0, $0 + ".gz"] }.allSatisfy { modified($0).map { $0 <= page } ?? true }
    }

    /// `build`, unless no t-SNE size is asked for and the run already has a current report (see
    /// `isCurrent`), which is then kept as it is: `recombine report A B` reuses finished runs' reports.
    /// Without a size, a rebuild keeps a t-SNE of the same final state whatever its size.
    public static func update(directory: String, tsnePoints: Int?, output: String? = nil) throws -> (
        path: String, reused: Bool
    ) {
        if tsnePoints == nil, isCurrent(directory: directory, output: output) {
            return (((output ?? directory) as NSString).appendingPathComponent("report.html"), true)
        }
        return (
            try build(
                directory: directory,
                tsnePoints: tsnePoints ?? existingTSNE(in: directory, output: output)?.samples ?? defaultTSNEPoints,
                output: output), false
        )
    }

    /// `plots/tsne.svg` of the report in `output` (default: the run's own) when it is newer than the run's
    /// final state and says how many samples it shows.
    static func existingTSNE(in directory: String, output: String? = nil) -> RunPlots.ExistingTSNE? {
        let path = ((output ?? directory) as NSString).appendingPathComponent("plots/tsne.svg")
        let final = (directory as NSString).appendingPathComponent("final.safetensors")
        let fm = FileManager.default
        guard let svg = try? String(contentsOfFile: path, encoding: .utf8),
            let plotDate = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
            let finalDate = (try? fm.attributesOfItem(atPath: final))?[.modificationDate] as? Date,
            plotDate >= finalDate,
            let range = svg.range(
                of: #"<!-- recombine two-panel t-SNE of (\d+) samples -->"#, options: .regularExpression)
        else { return nil }
        guard let samples = Int(svg[range].filter(\.isNumber)) else { return nil }
        return RunPlots.ExistingTSNE(
            samples: samples, plot: RunPlots.Plot(file: "tsne.svg", caption: RunPlots.tsneCaption(samples), svg: svg))
    }

    static func esc(_ s: String) -> String { SVG.escape(s) }
    /// A JSON value as text: strings as they are, anything else as compact JSON.
    static func text(_ v: Any) -> String {
        if let s = v as? String { return s }
        guard JSONSerialization.isValidJSONObject([v]),
            let data = try? JSONSerialization.data(
                withJSONObject: [v], options: [.sortedKeys, .withoutEscapingSlashes]),
            let array = String(data: data, encoding: .utf8)
        else { return "\(v)" }
        return String(array.dropFirst().dropLast())
    }
    static func f(_ v: Any?) -> String { (v as? NSNumber).map { String(format: "%.4f", $0.doubleValue) } ?? "–" }

    /// `linksToRun`: the page is written outside the run directory, so its file links name the run's files
    /// by absolute path.
    static func page(_ run: RunArtifacts, plots: [RunPlots.Plot], linksToRun: Bool = false) -> String {
        let o = run.outcome
        var html = HTMLPage(title: "recombine — \(o.method)")
        html.add("<h1>\(esc(o.method))</h1>")
        html.add(
            "<p class=\"meta\">Run directory <code>\(esc(run.directory))</code> · seed \(esc(o.seed)) · status <b>\(esc(o.status.rawValue))</b> · \(String(format: "%.1f", o.wallSeconds)) s</p>"
        )
        if let reason = run.result["reason"] as? String { html.add("<p class=\"warn\">\(esc(reason))</p>") }
        html.add(
            "<table class=\"final\"><tr><th>ACC</th><th>NMI</th><th>ARI</th></tr><tr><td>\(f(o.acc as Any?))</td><td>\(f(o.nmi as Any?))</td><td>\(f(o.ari as Any?))</td></tr></table>"
        )
        for note in run.notes { html.add("<p class=\"note\">\(esc(note))</p>") }
        html.add("<h2>Plots</h2>")
        for p in plots {
            html.add(
                "<figure id=\"\(esc(p.file))\">\(stripHeader(p.svg))<figcaption>\(esc(p.caption)) <a href=\"plots/\(esc(p.file))\">SVG</a></figcaption></figure>"
            )
        }
        html.add("<h2>Evaluations</h2>")
        let evaluations = (run.result["evaluations"] as? [[String: Any]]) ?? []
        if evaluations.isEmpty {
            html.add("<p>No evaluations.</p>")
        } else {
            var table =
                "<table><tr><th>dataset</th><th>phase</th><th>iteration</th><th>epoch</th><th>ACC</th><th>NMI</th><th>ARI</th><th>reassignment</th></tr>"
            for e in evaluations {
                table +=
                    "<tr><td>\(esc(e["dataset"] as? String ?? ""))</td><td>\(esc(e["phase"] as? String ?? ""))</td><td>\(e["iteration"] ?? "")</td><td>\(e["epoch"] ?? "")</td>"
                table +=
                    "<td>\(f(e["acc"]))</td><td>\(f(e["nmi"]))</td><td>\(f(e["ari"]))</td><td>\(f(e["reassignment_ratio"]))</td></tr>"
            }
            html.add(table + "</table>")
        }
        html.add("<h2>Provenance</h2>")
        var provenance = "<table>"
        for (k, v) in ((run.result["provenance"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            provenance += "<tr><td>\(esc(k))</td><td><code>\(esc(text(v)))</code></td></tr>"
        }
        for (k, v) in ((run.result["data_files_sha256"] as? [String: String]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            provenance += "<tr><td>\(esc(k))</td><td><code>\(esc(v))</code></td></tr>"
        }
        for (k, v) in ((run.result["loaded_files_sha256"] as? [String: String]) ?? [:]).sorted(by: { $0.key < $1.key })
        {
            provenance += "<tr><td>loaded \(esc(k))</td><td><code>\(esc(v))</code></td></tr>"
        }
        html.add(provenance + "</table>")
        let files = ["method.json", "metrics.jsonl", "result.json", "log.txt", "predictions.csv"]
            .flatMap { [$0, $0 + ".gz"] }
            .filter { FileManager.default.fileExists(atPath: (run.directory as NSString).appendingPathComponent($0)) }
        let runFolder = URL(fileURLWithPath: run.directory).standardizedFileURL
        func link(_ file: String) -> String {
            linksToRun ? runFolder.appendingPathComponent(file).absoluteString : file
        }
        html.add(
            "<h2>Files</h2><p>" + files.map { "<a href=\"\(esc(link($0)))\">\($0)</a>" }.joined(separator: " · ")
                + "</p>")
        if let method = run.methodText {
            html.add("<details><summary>Method as run (method.json)</summary><pre>\(esc(method))</pre></details>")
        }
        return html.document
    }

    /// An SVG document without its XML namespace line breaks, ready to inline.
    static func stripHeader(_ svg: String) -> String { svg.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// The HTML shell shared by run reports and comparisons (inline CSS, no external resources).
struct HTMLPage {
    let title: String
    var parts: [String] = []
    init(title: String) { self.title = title }
    mutating func add(_ s: String) { parts.append(s) }

    var document: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">\(RunReport.generatorTag)<title>\(SVG.escape(title))</title>
        <style>
        body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
        h1{margin-bottom:4px} .meta{color:#555} .warn{color:#b00} .note{color:#886600}
        table{border-collapse:collapse;margin:8px 0} td,th{border:1px solid #ddd;padding:4px 8px;text-align:right;font-size:13px}
        th{background:#f4f4f4} table.final td{font-size:20px;font-weight:bold;padding:6px 18px}
        figure{display:inline-block;margin:10px;vertical-align:top} figcaption{font-size:13px;color:#555;max-width:760px}
        pre{background:#f7f7f7;padding:10px;overflow:auto;font-size:12px} code{font-size:12px}
        </style></head><body>
        \(parts.joined(separator: "\n"))
        </body></html>

        """
    }
}

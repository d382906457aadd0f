import Foundation

/// A live progress line on stderr for a terminal (phase, iteration / total, each loss's latest value,
/// iterations per second, time left), redrawn in place at most ten times a second and cut to the
/// terminal's width, so it never wraps into a new line. Between steps it shows what the run is doing
/// (k-means, evaluations, reports). Off when stderr is not a terminal or the run is quiet: then the
/// log's lines are the progress.
final class ProgressLine {
    let enabled: Bool
    var phase = "", total: Int? = nil
    var start = Date(), lastDraw = Date.distantPast

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) != 0 }

    func begin(phase: String, total: Int?) {
        self.phase = phase; self.total = total
        start = Date(); lastDraw = .distantPast
    }

    /// Redraws the line with the step's losses; `patterns` holds each loss's pattern label, shown
    /// before a loss name that more than one pattern reports.
    func update(iteration: Int, losses: [(String, Double)], patterns: [String] = []) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start), rate = Double(iteration) / Swift.max(elapsed, 1e-9)
        var text = "\(phase): \(iteration)" + (total.map { "/\($0)" } ?? "")
        let labels = Self.uniqueLabels(names: losses.map(\.0), patterns: patterns)
        text += zip(labels, losses).map { "  \($0) \(Self.value($1.1))" }.joined()
        text += String(format: "  %.1f it/s", rate)
        if let total, rate > 0 { text += "  ETA " + Self.duration(Double(total - iteration) / rate) }
        draw(text)
    }

    /// Shows what the run does between steps (a k-means initialisation, an evaluation, a report).
    func status(_ text: String) {
        guard enabled else { return }
        draw(text + " …")
        lastDraw = .distantPast
    }

    func end() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    func draw(_ text: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.fitted(text, width: TerminalWidth.current())).utf8))
    }

    /// `text` cut to fit `width` columns without wrapping (the last column stays free: some terminals
    /// wrap as soon as it is written).
    static func fitted(_ text: String, width: Int) -> String {
        let room = Swift.max(width - 1, 1)
        guard text.count > room else { return text }
        return room > 1 ? String(text.prefix(room - 1)) + "…" : String(text.prefix(room))
    }

    /// Loss names, each prefixed by its pattern's label where another loss of the step has the same name.
    static func uniqueLabels(names: [String], patterns: [String]) -> [String] {
        names.enumerated().map { index, name in
            guard names.filter({ $0 == name }).count > 1, index < patterns.count else { return name }
            return "\(patterns[index]) \(name)"
        }
    }

    /// Four significant digits, never "-0.0000".
    static func value(_ v: Double) -> String {
        let text = String(format: "%.4g", v)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}

import Foundation

/// A live progress line on stderr for a terminal (phase, iteration / total, each loss's latest value,
/// iterations per second, time left), redrawn in place at most ten times a second. Off when stderr is
/// not a terminal or the run is quiet: then the loss reports in the log are the progress.
final class ProgressLine {
    let enabled: Bool
    var phase = "", total: Int? = nil
    var start = Date(), lastDraw = Date.distantPast
    var losses: [(String, Double)] = []

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) != 0 }

    func begin(phase: String, total: Int?) {
        self.phase = phase; self.total = total
        start = Date(); lastDraw = .distantPast; losses = []
    }

    func update(iteration: Int, losses: [(String, Double)]) {
        guard enabled else { return }
        self.losses = losses
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(start), rate = Double(iteration) / Swift.max(elapsed, 1e-9)
        var text = "\(phase): \(iteration)" + (total.map { "/\($0)" } ?? "")
        text += losses.map { String(format: "  %@ %.4f", $0.0, $0.1) }.joined()
        text += String(format: "  %.1f it/s", rate)
        if let total, rate > 0 { text += "  ETA " + Self.duration(Double(total - iteration) / rate) }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    func end() {
        guard enabled, lastDraw != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}

import Foundation

/// Console and log-file output in the reference framework's format (`[YYYY-mm-dd HH:MM:SS] message`),
/// plus `metrics.jsonl`, one JSON object per loss report and evaluation.
public final class RunLog {
    let timestamps: Bool
    let quiet: Bool
    /// When the run started: a resumed run counts the time its earlier segments ran, so
    /// `elapsed_seconds` continues where the checkpoint left it instead of starting again at zero.
    let start: Date
    var logFile: FileHandle?
    var metricsFile: FileHandle?
    let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        f.locale = Locale(identifier: "en_US_POSIX")
        return f
    }()

    /// Opens (appending) the log and metrics files. A resumed run passes the lengths the files had at
    /// its checkpoint: what an interrupted run wrote after it (possibly a partial last line) is cut off,
    /// so the files read as if the run had never stopped; `elapsedBefore` is the time it had run.
    public init(
        timestamps: Bool, quiet: Bool, logPath: String?, metricsPath: String?,
        truncateLogTo: UInt64? = nil, truncateMetricsTo: UInt64? = nil, elapsedBefore: TimeInterval = 0
    ) {
        start = Date().addingTimeInterval(-elapsedBefore)
        self.timestamps = timestamps
        self.quiet = quiet
        func open(_ path: String?, truncateTo length: UInt64?) -> FileHandle? {
            guard let path else { return nil }
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
            let handle = FileHandle(forWritingAtPath: path)
            if let length, let handle, let size = try? handle.seekToEnd(), size > length {
                try? handle.truncate(atOffset: length)
            }
            handle?.seekToEndOfFile()
            return handle
        }
        logFile = open(logPath, truncateTo: truncateLogTo)
        metricsFile = open(metricsPath, truncateTo: truncateMetricsTo)
    }

    /// Current lengths of the log and metrics files (for checkpoints).
    var offsets: (log: UInt64?, metrics: UInt64?) {
        (try? logFile?.offset(), try? metricsFile?.offset())
    }

    /// One line to the console (stdout) and the log file.
    public func line(_ message: String) {
        let text = (timestamps ? "[\(formatter.string(from: Date()))] " : "") + message + "\n"
        if !quiet {
            // Clear a progress line on the terminal first, so log lines never mix with it.
            if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        logFile?.write(Data(text.utf8))
    }

    /// One record to metrics.jsonl.
    func record(_ object: [String: Any]) {
        var object = object
        object["elapsed_seconds"] = (Date().timeIntervalSince(start) * 1000).rounded() / 1000
        guard let metricsFile, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return }
        metricsFile.write(data)
        metricsFile.write(Data("\n".utf8))
    }

    deinit {
        try? logFile?.close()
        try? metricsFile?.close()
    }
}

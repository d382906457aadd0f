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

    /// Opens (appending) the log and metrics files, and throws naming the file when one cannot be created
    /// or opened. A resumed run passes the lengths the files had at its checkpoint: what an interrupted run
    /// wrote after it (possibly a partial last line) is cut off, so the files read as if the run had never
    /// stopped; `elapsedBefore` is the time it had run.
    public init(
        timestamps: Bool, quiet: Bool, logPath: String?, metricsPath: String?,
        truncateLogTo: UInt64? = nil, truncateMetricsTo: UInt64? = nil, elapsedBefore: TimeInterval = 0
    ) throws {
        start = Date().addingTimeInterval(-elapsedBefore)
        self.timestamps = timestamps
        self.quiet = quiet
        func open(_ path: String?, truncateTo length: UInt64?) throws -> FileHandle? {
            guard let path else { return nil }
            if !FileManager.default.fileExists(atPath: path),
                !FileManager.default.createFile(atPath: path, contents: nil)
            {
                throw TrainingError("\(path): cannot create the file (is its folder writable?)")
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw TrainingError("\(path): cannot open the file for writing")
            }
            if let length, let size = try? handle.seekToEnd(), size > length {
                try handle.truncate(atOffset: length)
            }
            try handle.seekToEnd()
            return handle
        }
        logFile = try open(logPath, truncateTo: truncateLogTo)
        metricsFile = try open(metricsPath, truncateTo: truncateMetricsTo)
    }

    /// Where each file's last complete write ended, once writing it failed: checkpoints keep that length,
    /// so a resumed run cuts the file back to its last whole line instead of to nothing.
    var stoppedAt: (log: UInt64?, metrics: UInt64?) = (nil, nil)

    /// Appends to a run file; on the first failure (a full disk, a vanished folder) says so once on stderr
    /// and stops writing that file, so training goes on and its checkpoints report the condition.
    private func append(_ data: Data, to file: inout FileHandle?, stoppedAt: inout UInt64?, name: String) {
        guard let handle = file else { return }
        let before = try? handle.offset()
        do {
            try handle.write(contentsOf: data)
        } catch {
            FileHandle.standardError.write(
                Data("recombine: cannot write \(name) any more (\(error)); it stops here\n".utf8))
            file = nil
            stoppedAt = before
        }
    }

    /// Current lengths of the log and metrics files (for checkpoints).
    var offsets: (log: UInt64?, metrics: UInt64?) {
        ((try? logFile?.offset()) ?? stoppedAt.log, (try? metricsFile?.offset()) ?? stoppedAt.metrics)
    }

    /// One line to the console (stdout) and the log file.
    public func line(_ message: String) {
        let text = (timestamps ? "[\(formatter.string(from: Date()))] " : "") + message + "\n"
        if !quiet {
            // Clear a progress line on the terminal first, so log lines never mix with it.
            if isatty(STDERR_FILENO) != 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        append(Data(text.utf8), to: &logFile, stoppedAt: &stoppedAt.log, name: "the log file")
    }

    /// One record to metrics.jsonl.
    func record(_ object: [String: Any]) {
        var object = object
        object["elapsed_seconds"] = (Date().timeIntervalSince(start) * 1000).rounded() / 1000
        guard metricsFile != nil, var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        else { return }
        data.append(UInt8(ascii: "\n"))
        append(data, to: &metricsFile, stoppedAt: &stoppedAt.metrics, name: "metrics.jsonl")
    }

    deinit {
        try? logFile?.close()
        try? metricsFile?.close()
    }
}

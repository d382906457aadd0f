import Foundation

/// Console and log-file output in the reference framework's format (`[YYYY-mm-dd HH:MM:SS] message`),
/// plus `metrics.jsonl`, one JSON object per loss report and evaluation.
public final class RunLog {
    let timestamps: Bool
    let quiet: Bool
    let start = Date()
    var logFile: FileHandle?
    var metricsFile: FileHandle?
    let formatter: DateFormatter = {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        f.locale = Locale(identifier: "en_US_POSIX")
        return f
    }()

    public init(timestamps: Bool, quiet: Bool, logPath: String?, metricsPath: String?) {
        self.timestamps = timestamps
        self.quiet = quiet
        func open(_ path: String?) -> FileHandle? {
            guard let path else { return nil }
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = FileHandle(forWritingAtPath: path)
            handle?.seekToEndOfFile()
            return handle
        }
        logFile = open(logPath)
        metricsFile = open(metricsPath)
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
        guard let metricsFile, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        metricsFile.write(data)
        metricsFile.write(Data("\n".utf8))
    }

    deinit {
        try? logFile?.close()
        try? metricsFile?.close()
    }
}

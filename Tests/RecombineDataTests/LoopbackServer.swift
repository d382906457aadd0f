import Foundation
import RecombineTestSupport

/// A folder served over HTTP on 127.0.0.1 by python3's http.server, on a port the system picks (so
/// servers of consecutive tests never answer for each other). Call `stop()` in `defer`.
final class LoopbackServer {
    let process = Process()
    /// `http://127.0.0.1:<port>/`.
    let baseURL: String

    init(serving folder: URL) throws {
        try PythonOracle.require(["http.server"])
        let script = """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw NotStarted(folder: folder.path)
        }
        baseURL = "http://127.0.0.1:\(port)/"
    }

    struct NotStarted: Error, CustomStringConvertible {
        let folder: String
        var description: String { "python3's http.server did not start serving \(folder)" }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

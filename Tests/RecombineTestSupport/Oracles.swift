import Foundation
import XCTest

/// Whether the tests run in CI (`CI=true`), where a missing oracle or dataset fails instead of skipping.
public func runsInCI(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    ["true", "1", "yes"].contains(environment["CI"]?.lowercased() ?? "")
}

/// A prerequisite of a test (a Python oracle, a dataset) that is missing where it must be present.
public struct MissingPrerequisite: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "\(what) is missing, and under CI=true a test never skips for that" }
}

/// Skips the test when `available` is false — or, under `CI=true`, fails it: CI installs every oracle
/// and provides every dataset, so a missing one there means the comparison would silently not happen.
public func requirePrerequisite(
    _ available: Bool, _ what: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws {
    guard !available else { return }
    if runsInCI(environment) { throw MissingPrerequisite(what: what) }
    throw XCTSkip("\(what) is not available")
}

/// Python 3 as a source of reference values (NumPy, SciPy, scikit-learn, jsonschema, safetensors, PyTorch).
public enum PythonOracle {
    /// Fails the test under CI (skips elsewhere) when any of `modules` cannot be imported.
    public static func require(
        _ modules: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let imported = (try? run("import " + modules.joined(separator: ", "))) != nil
        try requirePrerequisite(
            imported, "the Python oracle (\(modules.joined(separator: ", ")))",
            environment: environment)
    }

    /// Runs `python3 -c script arguments…` (with `input` on its standard input) and returns its standard
    /// output; throws with its standard error when it cannot start or exits non-zero.
    @discardableResult
    public static func run(_ script: String, arguments: [String] = [], input: Data? = nil) throws -> String {
        try runProcess(["python3", "-c", script] + arguments, input: input)
    }
}

/// A command that exited non-zero or could not start.
public struct CommandFailure: Error, CustomStringConvertible {
    public let command: [String]
    public let status: Int32
    public let standardError: String
    public var description: String {
        "\(command.prefix(2).joined(separator: " ")) … exited \(status): \(standardError.suffix(2000))"
    }
}

/// Runs a command found through PATH and returns its standard output; throws `CommandFailure` otherwise.
@discardableResult
public func runProcess(_ arguments: [String], input: Data? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    // Standard error goes to a file, so a chatty child can never block on a full pipe.
    let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorFile) }
    let output = Pipe(), feed = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    if input != nil { process.standardInput = feed }
    do { try process.run() } catch {
        throw CommandFailure(command: arguments, status: -1, standardError: "\(error)")
    }
    if let input { feed.fileHandleForWriting.write(input); try? feed.fileHandleForWriting.close() }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errorData = (try? Data(contentsOf: errorFile)) ?? Data()
    guard process.terminationStatus == 0 else {
        throw CommandFailure(
            command: arguments, status: process.terminationStatus,
            standardError: String(decoding: errorData, as: UTF8.self))
    }
    return String(decoding: outputData, as: UTF8.self)
}

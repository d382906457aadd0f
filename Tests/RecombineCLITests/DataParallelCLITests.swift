import Foundation
import RecombineTestSupport
import XCTest

/// The default build (without the package trait MPI, as `swift test` builds it) started by an MPI launcher:
/// it must refuse to run, since each process would otherwise train the same run on its own into one folder.
final class DataParallelCLITests: XCTestCase {
    func testBuildWithoutMPIRefusesToRunAsOneOfSeveralLaunchedProcesses() throws {
        let folder = try TemporaryDirectory("recombine-mpi-refusal")
        defer { folder.remove() }
        let output = folder.appending("run").path
        let process = Process()
        process.executableURL = CLIContractTests.binary
        process.arguments = [
            "run", Repository.configurations.appendingPathComponent("dec_gaussians.json").path, "--quiet",
            "--no-report", "--output", output,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1",
        ]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, message)
        XCTAssertTrue(message.contains("one of 2 MPI processes") && message.contains("--traits MPI"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "a run directory was written")
    }
}

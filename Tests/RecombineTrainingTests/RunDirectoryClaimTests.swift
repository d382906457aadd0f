import Foundation
import RecombineMethod
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// A run never writes into a folder that holds another run.
final class RunDirectoryClaimTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }

    /// A fresh folder under the temporary directory, removed in tearDown.
    func folder() throws -> String {
        let folder = try TemporaryDirectory("recombine-claim")
        directories.append(folder.url)
        return folder.path
    }

    func run(_ text: String, into output: String, seed: UInt64 = 1, replace: Bool = false) throws -> RunResult {
        let spec = try loadMethodText(text, directories: &directories)
        var configuration = RunConfiguration()
        configuration.seed = seed
        configuration.quiet = true
        configuration.outputDirectory = output
        configuration.replaceExisting = replace
        return try MethodRunner(spec: spec, configuration: configuration).run()
    }

    /// Every file of a folder with its contents.
    func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for case let name as String in FileManager.default.enumerator(atPath: directory)! {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return files
    }

    func testASecondMethodIntoAFinishedRunIsRefusedAndTouchesNothing() throws {
        let output = try folder() + "/run"
        _ = try run(TrainerTests.decMethod(), into: output)
        let before = try snapshot(output)
        let other = try MethodDocument(TrainerTests.decMethod()).setting("/name", "other").text
        XCTAssertThrowsError(try run(other, into: output)) {
            XCTAssertTrue("\($0)".contains("holds another run (another method"), "\($0)")
        }
        XCTAssertThrowsError(try run(TrainerTests.decMethod(), into: output, seed: 2)) {
            XCTAssertTrue("\($0)".contains("seed 1, not 2"), "\($0)")
        }
        XCTAssertEqual(try snapshot(output), before, "a refused run changed the folder")
    }

    func testTheSameFinishedRunIsSkippedAndForceReplacesIt() throws {
        let output = try folder() + "/run"
        _ = try run(TrainerTests.decMethod(), into: output)
        let before = try snapshot(output)
        XCTAssertThrowsError(try run(TrainerTests.decMethod(), into: output)) {
            XCTAssertTrue($0 is RunDirectoryClaim.AlreadyFinished, "\($0)")
        }
        XCTAssertEqual(try snapshot(output), before)
        try "stale".write(toFile: output + "/report.html", atomically: true, encoding: .utf8)
        let replaced = try run(TrainerTests.decMethod(), into: output, seed: 2, replace: true)
        XCTAssertEqual(replaced.seed, 2)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: output + "/report.html"), "--force leaves nothing of the old run")
    }

    func testAFolderOfOtherFilesIsRefusedEvenWithForce() throws {
        let output = try folder()
        try "mine".write(toFile: output + "/notes.txt", atomically: true, encoding: .utf8)
        for replace in [false, true] {
            XCTAssertThrowsError(try run(TrainerTests.decMethod(), into: output, replace: replace)) {
                XCTAssertTrue("\($0)".contains("holds no recombine run (notes.txt)"), "\($0)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: output), ["notes.txt"])
    }

    func testDefaultRunDirectoriesNeverCollide() throws {
        let parent = try folder()
        let previous = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(parent) else { return XCTFail("cannot enter \(parent)") }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let names = try (0..<5).map { _ in try RunConfiguration.newDefaultRunDirectory(method: "m") }
        XCTAssertEqual(Set(names).count, 5, "\(names)")
    }
}

import Foundation
import RecombineMethod
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The jobs of a sweep: their order, folders and the shards that split them.
final class SweepPlanTests: XCTestCase {
    /// Two method files written into a fresh folder (names "alpha" and "beta", seeds 7 and none).
    func methodFiles(_ folder: TemporaryDirectory) throws -> [String] {
        let a = folder.appending("a.json").path, b = folder.appending("b.json").path
        try #"{"name": "alpha", "seed": 7}"#.write(toFile: a, atomically: true, encoding: .utf8)
        try #"{"name": "beta"}"#.write(toFile: b, atomically: true, encoding: .utf8)
        return [a, b]
    }

    func testJobsRunFilesThenGridPointsThenSeedsInFoldersNamedAfterThem() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let axes = [
            try GridAxis(parsing: "/phases/0/optimizers/0/lr=0.01,0.001"),
            try GridAxis(parsing: "/datasets/0/batch_size=64,128"),
        ]
        let plan = SweepPlan(files: try methodFiles(folder), seed: nil, runs: 2, axes: axes, sweep: true)
        XCTAssertEqual(plan.jobs.count, 2 * 4 * 2)
        XCTAssertEqual(plan.jobs.map(\.position), Array(0..<16))
        XCTAssertEqual(
            plan.jobs.prefix(5).map(\.directory),
            [
                "alpha/lr=0.01,batch_size=64/seed-7", "alpha/lr=0.01,batch_size=64/seed-8",
                "alpha/lr=0.01,batch_size=128/seed-7", "alpha/lr=0.01,batch_size=128/seed-8",
                "alpha/lr=0.001,batch_size=64/seed-7",
            ])
        XCTAssertEqual(plan.jobs[8].directory, "beta/lr=0.01,batch_size=64/seed-0", "a file without a seed starts at 0")
        XCTAssertEqual(plan.jobs[2].gridAssignments, ["/phases/0/optimizers/0/lr=0.01", "/datasets/0/batch_size=128"])
        XCTAssertEqual(plan.jobs[2].seedsDirectory, "alpha/lr=0.01,batch_size=128")
        XCTAssertEqual(Set(plan.jobs.map(\.directory)).count, plan.jobs.count, "every job has its own folder")
        let seeded = SweepPlan(files: try methodFiles(folder), seed: 100, runs: 1, axes: [], sweep: true)
        XCTAssertEqual(seeded.jobs.map(\.directory), ["alpha/seed-100", "beta/seed-100"])
    }

    func testWithoutGridOrShardLevelsThatCannotVaryAreLeftOut() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let files = try methodFiles(folder)
        XCTAssertEqual(
            SweepPlan(files: [files[0]], seed: nil, runs: 1, axes: [], sweep: false).jobs.map(\.directory), [""])
        XCTAssertEqual(
            SweepPlan(files: [files[0]], seed: nil, runs: 2, axes: [], sweep: false).jobs.map(\.directory),
            ["seed-7", "seed-8"])
        XCTAssertEqual(
            SweepPlan(files: files, seed: nil, runs: 1, axes: [], sweep: false).jobs.map(\.directory),
            ["alpha", "beta"])
    }

    func testGridPointNamesStayUniqueWhenValuesLookAlikeOrAreLong() throws {
        let alike = try GridAxis(parsing: #"/x="a/b","a_b""#)
        let names = SweepPlan.gridPointNames(SweepPlan.cartesianProduct([alike]))
        XCTAssertEqual(names.count, 2)
        XCTAssertNotEqual(names[0], names[1])
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("x=a_b-") && $0.count == "x=a_b-".count + 8 }, "\(names)")
        let long = try GridAxis(parsing: "/name=" + String(repeating: "n", count: 200))
        let longName = SweepPlan.gridPointNames(SweepPlan.cartesianProduct([long]))[0]
        XCTAssertLessThanOrEqual(longName.count, SweepPlan.maximumNameLength)
        let sameLeaf = [try GridAxis(parsing: "/phases/0/lr=1"), try GridAxis(parsing: "/phases/1/lr=2")]
        XCTAssertEqual(
            SweepPlan.gridPointNames(SweepPlan.cartesianProduct(sameLeaf)), ["0.lr=1,1.lr=2"],
            "equal leaves are told apart by their parents")
    }

    func testMethodsOfTheSameNameGetDistinctFolders() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let a = folder.appending("a.json").path, b = folder.appending("b.json").path
        for path in [a, b] { try #"{"name": "same"}"#.write(toFile: path, atomically: true, encoding: .utf8) }
        let directories = SweepPlan(files: [a, b], seed: nil, runs: 1, axes: [], sweep: true).jobs.map(\.directory)
        XCTAssertEqual(Set(directories).count, 2, "\(directories)")
        XCTAssertTrue(directories.allSatisfy { $0.hasPrefix("same-") }, "\(directories)")
    }

    func testShardsPartitionTheJobsExactlyOnce() throws {
        for count in 1...7 {
            var seen = Array(repeating: 0, count: 23)
            for index in 0..<count {
                let shard = try Shard(parsing: "\(index)/\(count)")
                for position in 0..<23 where shard.contains(position) { seen[position] += 1 }
            }
            XCTAssertEqual(seen, Array(repeating: 1, count: 23), "n = \(count)")
        }
    }

    func testShardAutoReadsASlurmArrayThenRecombineShard() throws {
        let slurm = [
            "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4",
            "RECOMBINE_SHARD": "0/9",
        ]
        XCTAssertEqual(try Shard(parsing: "auto", environment: slurm), Shard(index: 2, count: 4))
        XCTAssertEqual(try Shard(parsing: "auto", environment: ["RECOMBINE_SHARD": "3/5"]), Shard(index: 3, count: 5))
        XCTAssertEqual(try Shard(parsing: "1/2", environment: slurm), Shard(index: 1, count: 2))
    }

    func testMalformedShardsAreRefusedNamingTheValue() {
        let cases: [(String, [String: String], String)] = [
            ("2/2", [:], "'2/2'"), ("a/b", [:], "'a/b'"), ("1", [:], "'1'"), ("0/0", [:], "'0/0'"),
            ("-1/3", [:], "'-1/3'"),
            ("auto", [:], "neither a Slurm job array"),
            ("auto", ["RECOMBINE_SHARD": "x"], "RECOMBINE_SHARD expects i/n"),
            ("auto", ["SLURM_ARRAY_TASK_ID": "3"], "SLURM_ARRAY_TASK_MIN is not"),
            (
                "auto", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "x"],
                "got 'x'"
            ),
            (
                "auto", ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"],
                "shard 9/4"
            ),
        ]
        for (text, environment, expected) in cases {
            XCTAssertThrowsError(try Shard(parsing: text, environment: environment), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text) \(environment): \(error)")
            }
        }
    }

    func testGridValuesAreJSONOrStrings() throws {
        XCTAssertEqual(try GridAxis(parsing: "/a/b=1,2.5,true").values, [.int(1), .double(2.5), .bool(true)])
        XCTAssertEqual(try GridAxis(parsing: "/opt=adam,sgd").values, [.string("adam"), .string("sgd")])
        XCTAssertEqual(try GridAxis(parsing: "/x=[1,2],[3]").values, [.array([.int(1), .int(2)]), .array([.int(3)])])
        XCTAssertEqual(try GridAxis(parsing: "/x/0=1").pointer, JSONPointer(["x", "0"]))
    }

    func testMalformedGridsAreRefusedNamingTheText() {
        for (text, expected) in [
            ("lr=1,2", "got 'lr=1,2'"), ("/lr", "got '/lr'"), ("/lr=", "has no values"), ("/lr=1,1", "twice"),
            ("/lr=1,,2", "empty value"), ("/seed=1,2", "--seed S and --runs N"),
        ] {
            XCTAssertThrowsError(try GridAxis(parsing: text), text) {
                XCTAssertTrue("\($0)".contains(expected), "\(text): \($0)")
            }
        }
    }

    func testARunDirectoryLockExcludesASecondHolderUntilReleased() throws {
        let folder = try TemporaryDirectory(); defer { folder.remove() }
        let directory = folder.appending("job").path
        let first = try RunDirectoryLock(directory: directory)
        XCTAssertThrowsError(try RunDirectoryLock(directory: directory)) { error in
            XCTAssertTrue(error is RunDirectoryLock.Busy, "\(error)")
            XCTAssertTrue("\(error)".contains("pid \(getpid())"), "\(error)")
        }
        first.release()
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: directory + "/" + RunDirectoryLock.fileName),
            "the lock file is removed on release")
        let second = try RunDirectoryLock(directory: directory)
        second.release()
    }
}

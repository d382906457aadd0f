import Foundation
import RecombineData
import RecombineMethod
import RecombineTensor
import RecombineTestSupport
import XCTest

@testable import RecombineTraining

/// The data-parallel bookkeeping that needs no MPI: batch partitions, the single-process group, the
/// launcher detection, broadcasts of values, the gather's placement of this process's rows, and
/// whole-dataset passes shared out over the processes.
final class DataParallelTests: XCTestCase {
    var directories: [URL] = []
    override func tearDown() { for d in directories { try? FileManager.default.removeItem(at: d) } }
    func testRowPartitionGivesContiguousBlocksInRankOrderDifferingByAtMostOneRow() {
        for rows in [1, 2, 7, 256, 257] {
            for parts in 1...5 {
                let p = RowPartition(rows: rows, parts: parts)
                XCTAssertEqual(p.counts.reduce(0, +), rows, "\(rows) rows over \(parts)")
                XCTAssertLessThanOrEqual(p.counts.max()! - p.counts.min()!, 1, "\(rows) rows over \(parts)")
                XCTAssertEqual(p.range(of: 0).lowerBound, 0)
                for r in 1..<parts { XCTAssertEqual(p.range(of: r).lowerBound, p.range(of: r - 1).upperBound) }
                XCTAssertEqual(p.range(of: parts - 1).upperBound, rows)
                XCTAssertEqual(p.coversEveryPart, p.counts.allSatisfy { $0 > 0 })
            }
        }
        XCTAssertEqual(RowPartition(rows: 256, parts: 2).range(of: 1), 128..<256)
        XCTAssertEqual(RowPartition(rows: 5, parts: 2).counts, [2, 3])
    }

    func testSingleProcessGroupLeavesValuesAndCopiesItsOwnRowsWhenGathering() {
        let group = SingleProcessGroup()
        XCTAssertEqual(group.rank, 0); XCTAssertEqual(group.size, 1); XCTAssertTrue(group.isPrimary)
        var values: [Float] = [1, -2, 3]
        values.withUnsafeMutableBufferPointer { group.allreduceSum($0) }
        XCTAssertEqual(values, [1, -2, 3])
        let local: [UInt8] = [1, 2, 3, 4]
        var out = [UInt8](repeating: 0, count: 4)
        local.withUnsafeBytes { l in out.withUnsafeMutableBytes { group.allgather(l, counts: [4], into: $0) } }
        XCTAssertEqual(out, local)
        XCTAssertEqual(group.broadcast(42), 42)
        XCTAssertEqual(group.broadcast("runs/ä b"), "runs/ä b")
    }

    func testLaunchersAreRecognisedByTheirEnvironmentBeforeMPIStarts() {
        XCTAssertNil(DataParallelLaunch.launchedProcesses(environment: [:]))
        XCTAssertNil(DataParallelLaunch.launchedProcesses(environment: ["SLURM_NTASKS": "4", "SLURM_PROCID": "1"]))
        XCTAssertEqual(DataParallelLaunch.launchedProcesses(environment: ["OMPI_COMM_WORLD_SIZE": "4"]), 4)
        XCTAssertEqual(DataParallelLaunch.launchedProcesses(environment: ["PMI_SIZE": "2", "PMI_RANK": "1"]), 2)
        XCTAssertEqual(DataParallelLaunch.launchedProcesses(environment: ["PMIX_RANK": "0"]), 1)
        XCTAssertEqual(DataParallelLaunch.launchedProcesses(environment: ["OMPI_COMM_WORLD_SIZE": "x"]), 1)
    }

    func testGatherPlacesThisProcessRowsAtItsOffsetAndBackwardKeepsOnlyThem() throws {
        // Rank 1 of 2 holding rows 2..<5 of a 5-row batch; the stand-in group writes only this process's
        // bytes where the collective would, and sums nothing (as if the other process held zeros).
        let group = RecordingGroup(rank: 1, size: 2)
        let partition = RowPartition(rows: 5, parts: 2)
        let local = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [3, 2]).requiringGrad()
        let gathered = RowGather.gather(local, partition: partition, group: group)
        XCTAssertEqual(gathered.shape, [5, 2])
        XCTAssertEqual(group.gatherCounts, [2 * 8, 3 * 8])
        XCTAssertEqual(gathered.toFloatArray(), [0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
        let weights = Tensor((1...10).map(Float.init), shape: [5, 2])
        (gathered * weights).sum().backward()
        XCTAssertEqual(group.summedValues, 10)
        XCTAssertEqual(try XCTUnwrap(local.grad).toFloatArray(), [5, 6, 7, 8, 9, 10])
    }

    func testGradientsPackIntoOneBufferAndComeBackShapedAndDividedByTheProcessCount() {
        let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]), b = Tensor([5, 6] as [Float], shape: [2])
        let flat = Tensor(uninitialized: [7], dtype: .float32)
        XCTAssertEqual(PhaseRunner.pack([a, b], into: flat), 6)
        XCTAssertEqual(Array(flat.toFloatArray().prefix(6)), [1, 2, 3, 4, 5, 6])
        let back = PhaseRunner.unpack(flat, like: [a, b], dividedBy: 2)
        XCTAssertEqual(back.map(\.shape), [[2, 2], [2]])
        XCTAssertEqual(back.map { $0.toFloatArray() }, [[0.5, 1, 1.5, 2], [2.5, 3]])
    }

    func testReplicaChecksumTellsApartSwappedValues() {
        let a = Tensor([1, 2, 3] as [Float]), b = Tensor([2, 1, 3] as [Float])
        XCTAssertEqual(PhaseRunner.checksum([a]), PhaseRunner.checksum([Tensor([1, 2, 3] as [Float])]))
        XCTAssertNotEqual(PhaseRunner.checksum([a]), PhaseRunner.checksum([b]))
    }

    func testMappingsThatWorkAlongTheBatchAxisRunWholeOnEveryProcess() throws {
        func mapping(_ layers: String) throws -> Mapping {
            let method = TrainerTests.decMethod().replacingOccurrences(
                of: #"{"type": "Linear", "in_features": 2, "out_features": 16}, {"type": "ReLU"},"#,
                with: #"{"type": "Linear", "in_features": 2, "out_features": 16}, \#(layers)"#)
            let spec = try loadMethodText(method, directories: &directories)
            var g = RandomGenerator(seed: 1)
            return try XCTUnwrap(MappingSet(specs: spec.mappings, generator: &g)["encoder"])
        }
        XCTAssertTrue(PhaseRunner.computesRowByRow(try mapping(#"{"type": "ReLU"},"#)))
        // BatchNorm and dropout take the whole batch's statistics and mask through BatchRowShare.
        XCTAssertTrue(PhaseRunner.computesRowByRow(try mapping(#"{"type": "ReLU"}, {"type": "Dropout", "p": 0.1},"#)))
        XCTAssertTrue(PhaseRunner.computesRowByRow(try mapping(#"{"type": "BatchNorm1d", "num_features": 16},"#)))
        XCTAssertTrue(PhaseRunner.computesRowByRow(try mapping(#"{"type": "Softmax", "dim": 1},"#)))
        XCTAssertFalse(PhaseRunner.computesRowByRow(try mapping(#"{"type": "Softmax", "dim": 0},"#)))
        XCTAssertFalse(PhaseRunner.computesRowByRow(try mapping(#"{"type": "LogSoftmax", "dim": -2},"#)))
    }

    func testCapturingPassComputesThisProcessRowsAndGathersTheOutputAndEveryCapturedLayer() throws {
        let spec = try loadMethodText(TrainerTests.decMethod(), directories: &directories)
        var g = RandomGenerator(seed: 1)
        let encoder = try XCTUnwrap(MappingSet(specs: spec.mappings, generator: &g)["encoder"])
        let x = Tensor.normal([5, 2], generator: &g)
        let outputWeights = Tensor.normal([5, 2], generator: &g), hiddenWeights = Tensor.normal([5, 16], generator: &g)
        // Σ output·u + Σ hidden·v: each row's terms depend on that row alone, so the whole batch's parameter
        // gradients are the sum of the two processes' (whose stand-in groups sum nothing).
        func pass() throws -> (output: [Double], hidden: [Double], gradients: [Double]) {
            encoder.zeroGrad()
            let (output, captured) = encoder.forward(x, capturing: ["1"])
            let hidden = try XCTUnwrap(captured["1"])
            ((output * outputWeights).sum() + (hidden * hiddenWeights).sum()).backward()
            return (
                output.toDoubleArray(), hidden.toDoubleArray(),
                try encoder.parameters.flatMap { try XCTUnwrap($0.grad).toDoubleArray() }
            )
        }
        let whole = try pass()
        var gradientSum = [Double](repeating: 0, count: whole.gradients.count)
        for (rank, rows) in [0..<2, 2..<5].enumerated() {
            let group = RecordingGroup(rank: rank, size: 2)
            let cache = ForwardCache()
            cache.distributedForward = PhaseRunner.rowSharingForward(group)
            ForwardCache.active = cache
            defer { ForwardCache.active = nil }
            let shared = DataParallelStatistics.sharedForwards, wholeBefore = DataParallelStatistics.wholeForwards
            let part = try pass()
            XCTAssertEqual(DataParallelStatistics.sharedForwards, shared + 1, "rank \(rank): one pass on its rows")
            XCTAssertEqual(DataParallelStatistics.wholeForwards, wholeBefore, "rank \(rank)")
            // The hidden layer's output was gathered last: 16 float32 values per row.
            XCTAssertEqual(group.gatherCounts, [2 * 16 * 4, 3 * 16 * 4])
            XCTAssertEqual(group.summedValues, 5 * 2 + 5 * 16, "rank \(rank): both gathers' backwards")
            // This process's rows equal the whole pass's; the other process's are left to the collective.
            assertClose(
                Array(part.output[(rows.lowerBound * 2)..<(rows.upperBound * 2)]),
                Array(whole.output[(rows.lowerBound * 2)..<(rows.upperBound * 2)]), tolerance: 1e-6)
            assertClose(
                Array(part.hidden[(rows.lowerBound * 16)..<(rows.upperBound * 16)]),
                Array(whole.hidden[(rows.lowerBound * 16)..<(rows.upperBound * 16)]), tolerance: 1e-6)
            XCTAssertEqual(part.output.count, whole.output.count)
            XCTAssertEqual(part.hidden.count, whole.hidden.count)
            gradientSum = zip(gradientSum, part.gradients).map(+)
        }
        assertClose(gradientSum, whole.gradients, tolerance: 1e-5)
    }

    func testShardedSweepComputesThisProcessRowsAndGathersThemInDatasetOrder() {
        let data = FeatureDataset(name: "ramp", features: (0..<15).map { Float($0) }, dimension: 3, labels: nil)
        let pipeline = TransformPipeline([])
        var seen: [Int] = []
        let double: (Tensor) -> Tensor = {
            seen.append($0.shape[0]); return $0 * 2
        }
        // Rank 1 of 2 holds rows 2..<5; the stand-in group leaves the other process's rows zero.
        let group = RecordingGroup(rank: 1, size: 2)
        let shared = ShardedSweep(group: group).sweep(pipeline, data, seed: 1, rowByRow: true, double)
        XCTAssertEqual(seen, [3])
        XCTAssertEqual(group.gatherCounts, [2 * 3 * 4, 3 * 3 * 4])
        XCTAssertEqual(shared.toFloatArray(), [0, 0, 0, 0, 0, 0] + (6..<15).map { 2 * Float($0) })
        // Rows that depend on each other: every row computed here, nothing gathered.
        seen = []
        let whole = ShardedSweep(group: RecordingGroup(rank: 1, size: 2)).sweep(
            pipeline, data, seed: 1, rowByRow: false, double)
        XCTAssertEqual(seen, [5])
        XCTAssertEqual(whole.toFloatArray(), (0..<15).map { 2 * Float($0) })
        let alone = ShardedSweep(group: SingleProcessGroup()).sweep(pipeline, data, seed: 1, rowByRow: true, double)
        XCTAssertEqual(alone.toFloatArray(), whole.toFloatArray())
    }

    func testRunRecordStoresTheWorldSize() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = RunConfiguration()
        configuration.dataParallel = RecordingGroup(rank: 0, size: 3)
        try RunRecord(methodFile: "m.json", baseDirectory: directory, seed: 1, configuration: configuration, threads: 1)
            .write(to: directory)
        XCTAssertEqual(try RunRecord.read(directory: directory).worldSize, 3)
        let text = try String(contentsOfFile: directory + "/run.json", encoding: .utf8)
        XCTAssertTrue(text.contains("\"world_size\" : 3"), text)
    }
}

/// A stand-in for one process of a larger group: collectives touch only this process's data and are recorded.
final class RecordingGroup: DataParallelGroup, @unchecked Sendable {
    let rank: Int, size: Int
    var gatherCounts: [Int] = []
    var summedValues = 0
    init(rank: Int, size: Int) { self.rank = rank; self.size = size }
    var libraryVersion: String? { "recording" }
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) { summedValues += values.count }
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) { summedValues += values.count }
    func allreduceMax(_ values: UnsafeMutableBufferPointer<Double>) {}
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {}
    func allgather(_ local: UnsafeRawBufferPointer, counts: [Int], into output: UnsafeMutableRawBufferPointer) {
        gatherCounts = counts
        output.initializeMemory(as: UInt8.self, repeating: 0)
        let offset = counts.prefix(rank).reduce(0, +)
        UnsafeMutableRawBufferPointer(rebasing: output[offset..<(offset + local.count)]).copyMemory(from: local)
    }
}

import Foundation
import RecombineClustering
import RecombineTensor
import XCTest

/// k-means restarts shared out over processes (`KMeans.processes`): threads stand in for the processes,
/// and every one of them must end with exactly what one process computes alone.
final class KMeansSharedRestartsTests: XCTestCase {
    /// Collectives between threads: each call deposits this thread's bytes and returns every thread's, in
    /// rank order, once all have called.
    final class Exchange: @unchecked Sendable {
        let size: Int
        let condition = NSCondition()
        var deposits: [[UInt8]?]
        var completed: [[UInt8]] = []
        var round = 0
        private(set) var calls = 0

        init(size: Int) { self.size = size; deposits = Array(repeating: nil, count: size) }

        func exchange(_ bytes: [UInt8], rank: Int) -> [[UInt8]] {
            condition.lock(); defer { condition.unlock() }
            calls += 1
            deposits[rank] = bytes
            if deposits.allSatisfy({ $0 != nil }) {
                completed = deposits.map { $0 ?? [] }
                deposits = Array(repeating: nil, count: size)
                round += 1
                condition.broadcast()
                return completed
            }
            let mine = round
            while round == mine { condition.wait() }
            return completed
        }
    }

    /// One thread's view of the exchange as a process group.
    final class Member: KMeansProcessGroup, @unchecked Sendable {
        let rank: Int, exchange: Exchange
        var size: Int { exchange.size }
        init(rank: Int, exchange: Exchange) { self.rank = rank; self.exchange = exchange }

        func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
            let all = exchange.exchange(Array(UnsafeRawBufferPointer(values)), rank: rank)
            for i in values.indices {
                values[i] = all.reduce(0.0) { total, bytes in
                    total + bytes.withUnsafeBytes { $0.load(fromByteOffset: i * 8, as: Double.self) }
                }
            }
        }

        func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
            let all = exchange.exchange(Array(UnsafeRawBufferPointer(bytes)), rank: rank)
            all[root].withUnsafeBytes { bytes.copyMemory(from: $0) }
        }
    }

    final class Results: @unchecked Sendable {
        var byRank: [Int: Result<KMeans.Result, Error>] = [:]
        let lock = NSLock()
    }

    /// `kmeans` fitted to `x` by `size` threads at once, each as one process; their results in rank order.
    func fitOnThreads(_ kmeans: KMeans, _ x: Tensor, size: Int) throws -> ([KMeans.Result], calls: Int) {
        let exchange = Exchange(size: size), results = Results(), done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            var shared = kmeans
            shared.processes = Member(rank: rank, exchange: exchange)
            let job = shared
            Thread {
                let r = Result { try job.fit(x) }
                results.lock.lock(); results.byRank[rank] = r; results.lock.unlock()
                done.leave()
            }.start()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success, "the threads did not finish")
        return (try (0..<size).map { try XCTUnwrap(results.byRank[$0]).get() }, exchange.calls)
    }

    func assertIdentical(_ a: KMeans.Result, _ b: KMeans.Result, _ message: String) {
        XCTAssertEqual(a.labels, b.labels, message)
        XCTAssertEqual(a.centers, b.centers, message)
        XCTAssertEqual(a.inertia.bitPattern, b.inertia.bitPattern, message)
        XCTAssertEqual(a.bestRun, b.bestRun, message)
        XCTAssertEqual(a.iterations, b.iterations, message)
        XCTAssertEqual(a.converged, b.converged, message)
        XCTAssertEqual(a.inertiaHistory.map(\.bitPattern), b.inertiaHistory.map(\.bitPattern), message)
    }

    func testEveryProcessEndsWithTheSingleProcessResultBitForBit() throws {
        // Uniform noise: restarts end in different local optima, so the winner is one restart's alone.
        var g = RandomGenerator(seed: 3)
        let x = Tensor.uniform([400, 6], low: -1, high: 1, generator: &g)
        for (nInit, size) in [(6, 2), (7, 3), (2, 3), (1, 2)] {
            for usesBounds in [true, false] {
                let kmeans = KMeans(k: 5, nInit: nInit, seed: 11, usesBounds: usesBounds)
                let alone = try kmeans.fit(x)
                let (shared, calls) = try fitOnThreads(kmeans, x, size: size)
                for (rank, result) in shared.enumerated() {
                    assertIdentical(
                        result, alone, "nInit \(nInit), \(size) processes, bounds \(usesBounds), rank \(rank)")
                }
                // One table of bests, then the winner's header, labels, centres and history, on every process.
                XCTAssertEqual(calls, 5 * size, "nInit \(nInit), \(size) processes")
            }
        }
        // The winners differ between seeds, so the processes' own bests would not all agree with it.
        let winners = try (1...6).map { try KMeans(k: 5, nInit: 6, seed: UInt64($0)).fit(x).bestRun }
        XCTAssertGreaterThan(Set(winners.map { $0 % 2 }).count, 1, "winning restarts \(winners)")
    }

    func testAGroupOfOneRunsEveryRestartHere() throws {
        var g = RandomGenerator(seed: 4)
        let x = Tensor.uniform([200, 3], low: -1, high: 1, generator: &g)
        let (shared, calls) = try fitOnThreads(KMeans(k: 4, nInit: 4, seed: 2), x, size: 1)
        assertIdentical(shared[0], try KMeans(k: 4, nInit: 4, seed: 2).fit(x), "one process")
        XCTAssertEqual(calls, 0, "no collective for one process")
    }
}

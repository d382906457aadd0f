import ArgumentParser
import Foundation

#if RECOMBINE_MPI
    import RecombineDistributed
#endif

/// `recombine-bench allreduce`: the time of data-parallel training's per-step gradient sum, one in-place
/// float32 allreduce of a method's trainable values across the processes of an MPI job. Rank 0 prints
/// the median and the range over the rounds.
struct AllreduceBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time of one float32 gradient allreduce over the processes of `mpirun -np P` (MPI trait builds).")

    @Option(help: "Values summed per allreduce (default: dec_cc_hybrid's 3 402 090 parameters).")
    var count = 3_402_090

    @Option(help: "Timed allreduces (after 3 untimed ones).")
    var rounds = 50

    func validate() throws {
        guard count > 0, rounds > 0 else { throw ValidationError("--count and --rounds must be positive") }
    }

    func run() throws {
        #if RECOMBINE_MPI
            let group = try MPIGroup()
            defer { group.finalize() }
            var values = [Float](repeating: 1, count: count)
            var seconds: [Double] = []
            for round in 0..<(rounds + 3) {
                let start = DispatchTime.now().uptimeNanoseconds
                values.withUnsafeMutableBufferPointer { group.allreduceSum($0) }
                if round >= 3 { seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
            }
            guard group.rank == 0 else { return }
            seconds.sort()
            print(
                String(
                    format:
                        "allreduce of %d float32 values (%.1f MB) over %d processes: median %.2f ms (min %.2f, max %.2f) over %d rounds",
                    count, Double(count * 4) / 1e6, group.size, 1000 * seconds[seconds.count / 2], 1000 * seconds[0],
                    1000 * seconds[seconds.count - 1], rounds))
        #else
            throw ValidationError("recombine-bench was built without MPI: swift build -c release --traits MPI")
        #endif
    }
}

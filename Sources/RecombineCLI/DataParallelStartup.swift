import Foundation
import RecombineTraining

#if RECOMBINE_MPI
    import RecombineDistributed
#endif

/// Joins an MPI job when a launcher started this process (`mpirun -np P recombine run FILE`, `srun
/// --mpi=pmix`) and the binary was built with the `MPI` trait; otherwise the process trains alone.
enum DataParallelStartup {
    /// Call once, after the BLAS re-exec (MPI must be initialised in the final process image).
    static func start() {
        let launched = DataParallelLaunch.launchedProcesses(environment: ProcessInfo.processInfo.environment)
        #if RECOMBINE_MPI
            guard launched != nil else { return }
            do {
                let group = try MPIGroup()
                DataParallelLaunch.group = group
                // Rank 0 alone speaks; the others' errors still reach standard error.
                if group.rank != 0 { freopen("/dev/null", "w", stdout) }
            } catch {
                printError("error: \(error)")
                exit(1)
            }
        #else
            if let launched, launched > 1 {
                printError(
                    "error: started as one of \(launched) MPI processes, but this recombine was built without MPI; rebuild with `swift build -c release --traits MPI` (each process would otherwise train the same run on its own)"
                )
                exit(1)
            }
        #endif
    }

    /// Before the process exits with `status`: after a finished or signal-stopped run every process
    /// finalises MPI together; after a failure the whole job is ended, since the other processes may be
    /// waiting in a collective this one will never join.
    static func finish(status: Int32) {
        #if RECOMBINE_MPI
            guard let group = DataParallelLaunch.group as? MPIGroup else { return }
            if status == 0 || status == 130 || group.size == 1 { group.finalize() } else { group.abort(code: status) }
        #endif
    }
}

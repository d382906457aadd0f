import Foundation
import RecombineTensor
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
                shareCPUs()
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

    /// Processes started on one machine share its CPUs: without OPENBLAS_NUM_THREADS or
    /// SLURM_CPUS_PER_TASK, each takes the CPUs it may run on divided by the processes on this machine
    /// (Open MPI's and MPICH's local size), so `mpirun --bind-to none -np 2` on 2 cores runs 1 thread each.
    static func shareCPUs() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_NUM_THREADS"] == nil, environment["SLURM_CPUS_PER_TASK"] == nil,
            let local = ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"].lazy.compactMap({ environment[$0] })
                .first.flatMap(Int.init), local > 1
        else { return }
        Threads.set(max(1, Threads.count / local))
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

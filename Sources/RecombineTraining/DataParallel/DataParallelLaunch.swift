/// How this process takes part in data-parallel training, decided once at start-up.
public enum DataParallelLaunch {
    /// The group every run of this process trains in (`RunConfiguration.dataParallel`'s default); the
    /// command replaces it with an MPI group when a launcher started it.
    nonisolated(unsafe) public static var group: any DataParallelGroup = SingleProcessGroup()

    /// The number of processes an MPI launcher says it started (Open MPI's mpirun, MPICH's hydra,
    /// `srun --mpi=pmi2`), 1 when the environment shows one process, nil when no launcher started this
    /// process. Read before MPI is initialised, so that a binary built with MPI runs alone without it.
    public static func launchedProcesses(environment: [String: String]) -> Int? {
        for key in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"] {
            if let text = environment[key] { return Int(text).map { max(1, $0) } ?? 1 }
        }
        // PMIx (Open MPI, `srun --mpi=pmix`) names the rank only; MPI tells the size after initialisation.
        return environment["PMIX_RANK"] != nil ? 1 : nil
    }
}

// Compiled with the package trait MPI only (`swift build --traits MPI`); empty otherwise.
#if RECOMBINE_MPI
    import Foundation
    import CMPIShim
    import RecombineTraining

    /// The processes of `MPI_COMM_WORLD` as a data-parallel group, through the C shim's handle-free calls.
    /// MPI's default error handler ends the job on a failed collective, so the calls do not return errors.
    public final class MPIGroup: DataParallelGroup, @unchecked Sendable {
        public let rank: Int
        public let size: Int
        public let libraryVersion: String?

        /// Initialises MPI (call once, after any re-exec of the process and before training).
        public init() throws {
            let status = recombine_mpi_init()
            guard status == 0 else { throw MPIError(description: "MPI_Init_thread failed with error \(status)") }
            rank = Int(recombine_mpi_rank())
            size = Int(recombine_mpi_size())
            var text = [CChar](repeating: 0, count: 512)
            recombine_mpi_library_version(&text, text.count)
            libraryVersion = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Ends MPI after a run every process finished (a collective: every process calls it).
        public func finalize() { _ = recombine_mpi_finalize() }

        /// Ends every process of the job with `code`, for a failure on this one that the others may not share.
        public func abort(code: Int32) { recombine_mpi_abort(code) }

        public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            _ = recombine_mpi_allreduce_sum_f32(values.baseAddress, values.count)
        }

        public func allreduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
            _ = recombine_mpi_allreduce_sum_f64(values.baseAddress, values.count)
        }

        public func allreduceMax(_ values: UnsafeMutableBufferPointer<Double>) {
            _ = recombine_mpi_allreduce_max_f64(values.baseAddress, values.count)
        }

        public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
            _ = recombine_mpi_bcast_bytes(bytes.baseAddress, bytes.count, Int32(root))
        }

        public func allgather(
            _ local: UnsafeRawBufferPointer, counts: [Int], into output: UnsafeMutableRawBufferPointer
        ) {
            let sizes = counts.map { size_t($0) }
            _ = sizes.withUnsafeBufferPointer {
                recombine_mpi_allgatherv_bytes(local.baseAddress, local.count, output.baseAddress, $0.baseAddress)
            }
        }
    }

    /// MPI could not be started.
    public struct MPIError: Error, CustomStringConvertible {
        public let description: String
    }
#endif

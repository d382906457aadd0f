#ifndef RECOMBINE_MPI_H
#define RECOMBINE_MPI_H
#include <stddef.h>

// A handle-free view of the few MPI calls data-parallel training needs, all on MPI_COMM_WORLD. Swift sees
// only C scalars and buffers, never MPI_Comm or MPI_Datatype (pointers in Open MPI, integers in MPICH), so
// the same Swift code builds against either library. Every function returns 0 on success, else the MPI
// error code; counts are in elements (bytes for *_bytes) and may exceed INT_MAX (sent in chunks).

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the main thread calls MPI); errors are returned, not fatal.
int recombine_mpi_init(void);
/// Whether MPI_Init has run and MPI_Finalize has not.
int recombine_mpi_active(void);
int recombine_mpi_finalize(void);
/// Ends every process of the job (after a failure on one rank, so the others do not wait forever).
void recombine_mpi_abort(int code);
int recombine_mpi_rank(void);
int recombine_mpi_size(void);
/// In place: every rank ends with the element-wise sum over all ranks.
int recombine_mpi_allreduce_sum_f32(float *values, size_t count);
int recombine_mpi_allreduce_sum_f64(double *values, size_t count);
/// In place: every rank ends with the element-wise maximum over all ranks.
int recombine_mpi_allreduce_max_f64(double *values, size_t count);
/// Rank `root`'s bytes copied to every rank.
int recombine_mpi_bcast_bytes(void *bytes, size_t count, int root);
/// Every rank's `local` bytes concatenated in rank order into `out`; counts[r] is rank r's byte count
/// (each at most INT_MAX).
int recombine_mpi_allgatherv_bytes(const void *local, size_t local_count, void *out, const size_t *counts);
int recombine_mpi_barrier(void);
/// Seconds since an arbitrary moment (MPI_Wtime).
double recombine_mpi_wtime(void);
/// The library's version text (MPI_Get_library_version), cut to `capacity` bytes including the NUL.
void recombine_mpi_library_version(char *out, size_t capacity);

#endif

#include "recombine_mpi.h"

// Compiled with the package trait MPI only: without it the target is empty and mpi.h is never needed.
#ifdef RECOMBINE_MPI
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <mpi.h>

// Collectives take int counts: larger buffers go in chunks of at most this many elements.
static const size_t chunk_elements = (size_t)INT_MAX / 2;

int recombine_mpi_init(void) {
    int provided = 0;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
}

int recombine_mpi_active(void) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    return initialized && !finalized;
}

int recombine_mpi_finalize(void) { return recombine_mpi_active() ? MPI_Finalize() : 0; }

void recombine_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

int recombine_mpi_rank(void) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int recombine_mpi_size(void) {
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

static int allreduce(void *values, size_t count, size_t element_size, MPI_Datatype type, MPI_Op op) {
    char *bytes = values;
    for (size_t done = 0; done < count;) {
        size_t n = count - done < chunk_elements ? count - done : chunk_elements;
        int status = MPI_Allreduce(MPI_IN_PLACE, bytes + done * element_size, (int)n, type, op, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        done += n;
    }
    return 0;
}

int recombine_mpi_allreduce_sum_f32(float *values, size_t count) {
    return allreduce(values, count, sizeof(float), MPI_FLOAT, MPI_SUM);
}

int recombine_mpi_allreduce_sum_f64(double *values, size_t count) {
    return allreduce(values, count, sizeof(double), MPI_DOUBLE, MPI_SUM);
}

int recombine_mpi_allreduce_max_f64(double *values, size_t count) {
    return allreduce(values, count, sizeof(double), MPI_DOUBLE, MPI_MAX);
}

int recombine_mpi_bcast_bytes(void *bytes, size_t count, int root) {
    char *p = bytes;
    for (size_t done = 0; done < count;) {
        size_t n = count - done < chunk_elements ? count - done : chunk_elements;
        int status = MPI_Bcast(p + done, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        done += n;
    }
    return 0;
}

int recombine_mpi_allgatherv_bytes(const void *local, size_t local_count, void *out, const size_t *counts) {
    int size = recombine_mpi_size();
    int *sizes = malloc(sizeof(int) * (size_t)size), *offsets = malloc(sizeof(int) * (size_t)size);
    if (sizes == NULL || offsets == NULL) { free(sizes); free(offsets); return MPI_ERR_NO_MEM; }
    size_t offset = 0;
    int status = MPI_SUCCESS;
    for (int r = 0; r < size; r++) {
        if (counts[r] > (size_t)INT_MAX || offset > (size_t)INT_MAX) { status = MPI_ERR_COUNT; break; }
        sizes[r] = (int)counts[r];
        offsets[r] = (int)offset;
        offset += counts[r];
    }
    if (status == MPI_SUCCESS && local_count <= (size_t)INT_MAX)
        status = MPI_Allgatherv(local, (int)local_count, MPI_BYTE, out, sizes, offsets, MPI_BYTE, MPI_COMM_WORLD);
    else if (status == MPI_SUCCESS)
        status = MPI_ERR_COUNT;
    free(sizes);
    free(offsets);
    return status;
}

int recombine_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

double recombine_mpi_wtime(void) { return MPI_Wtime(); }

void recombine_mpi_library_version(char *out, size_t capacity) {
    if (capacity == 0) return;
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) length = 0;
    size_t n = (size_t)length < capacity - 1 ? (size_t)length : capacity - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

#endif

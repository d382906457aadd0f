#ifndef RECOMBINE_CKERNELS_H
#define RECOMBINE_CKERNELS_H
#include <stddef.h>

/// Lloyd E-step over rows [begin, end) of x [n, d]: nearest of k centres [k, d] (squared norms given),
/// writes labels and squared distances, adds each row to sums [k, d] (float64) and counts, and returns
/// the summed squared distances. Uses AVX2/FMA when the CPU has them, portable C otherwise.
double recombine_kmeans_assign(const float *x, size_t begin, size_t end, size_t d,
                               const float *centers, size_t k, const float *center_norms, const float *row_norms,
                               long *labels, float *distances, double *sums, long *counts);

/// Whether the AVX2/FMA path is used on this CPU.
int recombine_kmeans_uses_avx2(void);
#endif

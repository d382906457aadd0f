#ifndef RECOMBINE_CKERNELS_H
#define RECOMBINE_CKERNELS_H
#include <stddef.h>
// Named here too, so that builds whose module cache predates the header rebuild the module.
#include "sha256_blocks.h"

/// The largest padded centre count of the transposed (few-feature) path of the Hamerly pass.
#define RECOMBINE_KMEANS_TRANSPOSED_MAX_K 64

/// Lloyd E-step over rows [begin, end) of x [n, d]: nearest of k centres [k, d] (squared norms given),
/// writes labels and squared distances, adds each row to sums [k, d] (float64) and counts, and returns
/// the summed squared distances. Uses AVX2/FMA when the CPU has them, portable C otherwise.
double recombine_kmeans_assign(const float *x, size_t begin, size_t end, size_t d,
                               const float *centers, size_t k, const float *center_norms, const float *row_norms,
                               long *labels, float *distances, double *sums, long *counts);

/// One Lloyd assignment step with Hamerly's bounds over rows [begin, end) of x [n, d]. On entry the bounds
/// (upper: distance to the own centre, lower: to any other) are those of the previous centres; `moved[c]` is
/// how far centre c moved since then, `fastest` the centre that moved most (by `fastest_move`),
/// `second_fastest_move` the largest move of the others; `half_gap[c]` is half the distance from centre c
/// to its nearest other centre. A label of −1 (first step) forces a full computation. Rows whose bounds
/// fail get their exact nearest centre; rows that change label move between `delta_sums` [k, d],
/// `delta_counts` and `delta_norms` (summed squared row norms). Returns the number of rows that changed.
long recombine_kmeans_hamerly_pass(const float *x, size_t begin, size_t end, size_t d, const float *centers, size_t k,
                                   const float *centers_t, size_t k_pad, const float *row_norms, const double *half_gap, const double *moved, long fastest,
                                   double fastest_move, double second_fastest_move, long *labels, double *upper,
                                   double *lower, double *delta_sums, long *delta_counts, double *delta_norms);

/// k-means++ candidates over rows [begin, end) of x [n, d]: for each of `count` ≤ 8 candidate centres
/// [count, d], totals[t] += Σ_i min(closest[i], ‖x_i − candidate_t‖²). With `update` (count 1), closest[i] is
/// lowered to that minimum. `candidates_t`, when not NULL, holds the candidates transposed [d, 8] (padding
/// far away) for few features.
void recombine_kmeans_candidate_potentials(const float *x, size_t begin, size_t end, size_t d,
                                           const float *candidates, const float *candidates_t, size_t count,
                                           double *closest, int update, double *totals);

/// Whether the AVX2/FMA path is used on this CPU.
int recombine_kmeans_uses_avx2(void);
#endif

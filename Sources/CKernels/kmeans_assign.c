#include "ckernels.h"
#include <float.h>
#include <stdlib.h>

// One body, compiled twice: for the baseline and (through the target attribute, no global flags) for
// AVX2/FMA; the compiler vectorises the inner loops. Dispatch happens once, at run time.
#define BLOCK 4
// Rows are processed four at a time so every centre value loaded serves four rows.
#define ASSIGN_BODY                                                                                  \
    double inertia = 0;                                                                              \
    float *partial = calloc(k * d, sizeof(float));                                                   \
    size_t pending = 0;                                                                              \
    for (size_t i0 = begin; i0 < end; i0 += BLOCK) {                                                 \
        size_t rows = end - i0 < BLOCK ? end - i0 : BLOCK;                                           \
        const float *r[BLOCK];                                                                       \
        for (size_t b = 0; b < BLOCK; b++) r[b] = x + (i0 + (b < rows ? b : 0)) * d;                 \
        size_t best[BLOCK] = {0, 0, 0, 0};                                                           \
        float best_score[BLOCK] = {FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX};                              \
        for (size_t c = 0; c < k; c++) {                                                             \
            const float *centre = centers + c * d;                                                   \
            float d0 = 0, d1 = 0, d2 = 0, d3 = 0;                                                    \
            const float *r0 = r[0], *r1 = r[1], *r2 = r[2], *r3 = r[3];                              \
            for (size_t j = 0; j < d; j++) {                                                         \
                float cj = centre[j];                                                                \
                d0 += r0[j] * cj; d1 += r1[j] * cj; d2 += r2[j] * cj; d3 += r3[j] * cj;              \
            }                                                                                        \
            float dots[BLOCK] = {d0, d1, d2, d3};                                                    \
            for (size_t b = 0; b < rows; b++) {                                                      \
                float score = center_norms[c] - 2 * dots[b];                                         \
                if (score < best_score[b]) { best_score[b] = score; best[b] = c; }                   \
            }                                                                                        \
        }                                                                                            \
        for (size_t b = 0; b < rows; b++) {                                                          \
            size_t i = i0 + b;                                                                       \
            float dist = best_score[b] + row_norms[i];                                               \
            if (dist < 0) dist = 0;                                                                  \
            labels[i] = (long)best[b]; distances[i] = dist; inertia += dist; counts[best[b]] += 1;   \
            float *target = partial + best[b] * d;                                                   \
            const float *row = r[b];                                                                 \
            for (size_t j = 0; j < d; j++) target[j] += row[j];                                      \
        }                                                                                            \
        pending += rows;                                                                             \
        if (pending >= 256) {                                                                        \
            for (size_t t = 0; t < k * d; t++) { sums[t] += partial[t]; partial[t] = 0; }            \
            pending = 0;                                                                             \
        }                                                                                            \
    }                                                                                                \
    for (size_t t = 0; t < k * d; t++) sums[t] += partial[t];                                        \
    free(partial);                                                                                   \
    return inertia;

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static double assign_avx2(const float *x, size_t begin, size_t end, size_t d, const float *centers, size_t k,
                          const float *center_norms, const float *row_norms, long *labels, float *distances,
                          double *sums, long *counts) {
#pragma clang fp reassociate(on)
    ASSIGN_BODY
}
#endif

static double assign_generic(const float *x, size_t begin, size_t end, size_t d, const float *centers, size_t k,
                             const float *center_norms, const float *row_norms, long *labels, float *distances,
                             double *sums, long *counts) {
#pragma clang fp reassociate(on)
    ASSIGN_BODY
}

int recombine_kmeans_uses_avx2(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

double recombine_kmeans_assign(const float *x, size_t begin, size_t end, size_t d, const float *centers, size_t k,
                               const float *center_norms, const float *row_norms, long *labels, float *distances,
                               double *sums, long *counts) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    static int avx2 = -1;
    if (avx2 < 0) avx2 = recombine_kmeans_uses_avx2();
    if (avx2) return assign_avx2(x, begin, end, d, centers, k, center_norms, row_norms, labels, distances, sums, counts);
#endif
    return assign_generic(x, begin, end, d, centers, k, center_norms, row_norms, labels, distances, sums, counts);
}

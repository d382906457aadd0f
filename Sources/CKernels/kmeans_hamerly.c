#include "ckernels.h"
#include <float.h>
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// Hamerly's bounds (Hamerly 2010, "Making k-means even faster"): each row keeps an upper bound on the
// distance to its own centre and a lower bound on the distance to any other. A row whose upper bound
// is below both its lower bound and half the gap between its centre and the nearest other centre
// cannot change label, so its distances are not computed. The result is Lloyd's assignment.
// One body, compiled for the baseline and for AVX2/FMA (runtime dispatch), as kmeans_assign.c.

// Distances from one row to 16 or 64 centres stored transposed [d, k_pad]: the fixed trip count keeps the
// accumulators in vector registers.
#define TRANSPOSED_DISTANCES(width)                                                                    \
    float acc[width] = {0};                                                                           \
    for (size_t j = 0; j < d; j++) {                                                                  \
        float v = row[j];                                                                             \
        const float *column = centers_t + j * width;                                                  \
        for (size_t c = 0; c < width; c++) { float t = v - column[c]; acc[c] += t * t; }              \
    }                                                                                                 \
    for (size_t c = 0; c < width; c++) out[c] = acc[c];

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma"), always_inline)) static inline void transposed_distances_16_avx2(const float *row, size_t d, const float *centers_t, float *out) { TRANSPOSED_DISTANCES(16) }
__attribute__((target("avx2,fma"), always_inline)) static inline void transposed_distances_64_avx2(const float *row, size_t d, const float *centers_t, float *out) { TRANSPOSED_DISTANCES(64) }
#endif
static inline void transposed_distances_16_generic(const float *row, size_t d, const float *centers_t, float *out) { TRANSPOSED_DISTANCES(16) }
static inline void transposed_distances_64_generic(const float *row, size_t d, const float *centers_t, float *out) { TRANSPOSED_DISTANCES(64) }

// Branch-free update of the smallest (with its index) and second smallest distance: near ties between
// centres make the branches unpredictable.
#define KEEP_TWO_SMALLEST(value, index)                                                                \
    {                                                                                                 \
        float v_ = (value);                                                                           \
        int less_ = v_ < best;                                                                        \
        float larger_ = less_ ? best : v_;                                                            \
        next = larger_ < next ? larger_ : next;                                                       \
        best_c = less_ ? (long)(index) : best_c;                                                      \
        best = less_ ? v_ : best;                                                                     \
    }

#define HAMERLY_BODY                                                                                  \
    long changed = 0;                                                                                 \
    for (size_t i = begin; i < end; i++) {                                                            \
        long own = labels[i];                                                                         \
        double up = upper[i], low = lower[i];                                                         \
        if (own >= 0) {                                                                               \
            up += moved[own];                                                                         \
            low -= (own == fastest) ? second_fastest_move : fastest_move;                             \
        }                                                                                             \
        const float *row = x + i * d;                                                                 \
        double bound = own >= 0 && half_gap[own] > low ? half_gap[own] : low;                         \
        if (own >= 0 && up > bound) {                                                                 \
            const float *centre = centers + (size_t)own * d;                                          \
            float s = 0;                                                                              \
            for (size_t j = 0; j < d; j++) { float t = row[j] - centre[j]; s += t * t; }              \
            up = sqrt((double)s);                                                                     \
        }                                                                                             \
        if (own < 0 || up > bound) {                                                                  \
            float best = FLT_MAX, next = FLT_MAX;                                                     \
            long best_c = 0;                                                                          \
            if (centers_t) {                                                                          \
                /* Few features: vectorise across the centres (transposed, padded to k_pad). */       \
                float acc[RECOMBINE_KMEANS_TRANSPOSED_MAX_K];                                         \
                if (k_pad == 16) transposed_distances_16(row, d, centers_t, acc);                     \
                else transposed_distances_64(row, d, centers_t, acc);                                 \
                for (size_t c = 0; c < k; c++) {                                                      \
                    KEEP_TWO_SMALLEST(acc[c], c)                                                      \
                }                                                                                     \
            } else {                                                                                  \
                for (size_t c = 0; c < k; c++) {                                                      \
                    const float *centre = centers + c * d;                                            \
                    float s = 0;                                                                      \
                    for (size_t j = 0; j < d; j++) { float t = row[j] - centre[j]; s += t * t; }      \
                    KEEP_TWO_SMALLEST(s, c)                                                           \
                }                                                                                     \
            }                                                                                         \
            up = sqrt((double)best);                                                                  \
            low = k > 1 ? sqrt((double)next) : INFINITY;                                              \
            if (best_c != own) {                                                                      \
                changed++;                                                                            \
                double norm = row_norms[i];                                                           \
                if (own >= 0) {                                                                       \
                    double *from = delta_sums + (size_t)own * d;                                      \
                    for (size_t j = 0; j < d; j++) from[j] -= row[j];                                 \
                    delta_counts[own] -= 1; delta_norms[own] -= norm;                                 \
                }                                                                                     \
                double *to = delta_sums + (size_t)best_c * d;                                         \
                for (size_t j = 0; j < d; j++) to[j] += row[j];                                       \
                delta_counts[best_c] += 1; delta_norms[best_c] += norm;                               \
                labels[i] = best_c;                                                                   \
            }                                                                                         \
        }                                                                                             \
        upper[i] = up; lower[i] = low;                                                                \
    }                                                                                                 \
    return changed;

#define HAMERLY_PARAMETERS                                                                            \
    const float *x, size_t begin, size_t end, size_t d, const float *centers, size_t k,               \
    const float *centers_t, size_t k_pad, const float *row_norms, const double *half_gap, const double *moved, long fastest,                \
    double fastest_move, double second_fastest_move, long *labels, double *upper, double *lower,      \
    double *delta_sums, long *delta_counts, double *delta_norms

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((target("avx2,fma")))
static long hamerly_avx2(HAMERLY_PARAMETERS) {
#pragma clang fp reassociate(on)
#define transposed_distances_16 transposed_distances_16_avx2
#define transposed_distances_64 transposed_distances_64_avx2
    HAMERLY_BODY
#undef transposed_distances_16
#undef transposed_distances_64
}
#endif

static long hamerly_generic(HAMERLY_PARAMETERS) {
#pragma clang fp reassociate(on)
#define transposed_distances_16 transposed_distances_16_generic
#define transposed_distances_64 transposed_distances_64_generic
    HAMERLY_BODY
#undef transposed_distances_16
#undef transposed_distances_64
}

long recombine_kmeans_hamerly_pass(HAMERLY_PARAMETERS) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    static int avx2 = -1;
    if (avx2 < 0) avx2 = recombine_kmeans_uses_avx2();
    if (avx2) return hamerly_avx2(x, begin, end, d, centers, k, centers_t, k_pad, row_norms, half_gap, moved, fastest, fastest_move,
                                  second_fastest_move, labels, upper, lower, delta_sums, delta_counts, delta_norms);
#endif
    return hamerly_generic(x, begin, end, d, centers, k, centers_t, k_pad, row_norms, half_gap, moved, fastest, fastest_move,
                           second_fastest_move, labels, upper, lower, delta_sums, delta_counts, delta_norms);
}

// k-means++ candidates: one pass over the rows for all candidates, direct differences (no norm trick),
// potentials accumulated in registers; with `update`, the single candidate's distances lower `closest`.
#define CANDIDATE_BODY                                                                                \
    double sum[8] = {0};                                                                              \
    for (size_t i = begin; i < end; i++) {                                                            \
        const float *row = x + i * d;                                                                 \
        float dist[8];                                                                                \
        if (candidates_t) {                                                                           \
            float acc[8] = {0};                                                                       \
            for (size_t j = 0; j < d; j++) {                                                          \
                float v = row[j];                                                                     \
                const float *column = candidates_t + j * 8;                                           \
                for (size_t t = 0; t < 8; t++) { float u = v - column[t]; acc[t] += u * u; }          \
            }                                                                                         \
            for (size_t t = 0; t < 8; t++) dist[t] = acc[t];                                          \
        } else {                                                                                      \
            for (size_t t = 0; t < count; t++) {                                                      \
                const float *candidate = candidates + t * d;                                          \
                float s = 0;                                                                          \
                for (size_t j = 0; j < d; j++) { float v = row[j] - candidate[j]; s += v * v; }       \
                dist[t] = s;                                                                          \
            }                                                                                         \
        }                                                                                             \
        double current = closest[i];                                                                  \
        for (size_t t = 0; t < count; t++) {                                                          \
            double m = (double)dist[t] < current ? (double)dist[t] : current;                         \
            sum[t] += m;                                                                              \
        }                                                                                             \
        if (update) closest[i] = (double)dist[0] < current ? (double)dist[0] : current;               \
    }                                                                                                 \
    for (size_t t = 0; t < count; t++) totals[t] += sum[t];

#define CANDIDATE_PARAMETERS                                                                          \
    const float *x, size_t begin, size_t end, size_t d, const float *candidates,                      \
    const float *candidates_t, size_t count, double *closest, int update, double *totals

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// The transposed few-feature case with explicit AVX2: the eight candidates fill one register and four rows
// run as independent FMA chains (one chain alone is bound by the FMA latency).
__attribute__((target("avx2,fma")))
static void candidates_transposed_avx2(CANDIDATE_PARAMETERS) {
    (void)candidates;
    __m256d sum_lo = _mm256_setzero_pd(), sum_hi = _mm256_setzero_pd();
    __m256 mask = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    size_t i = begin;
    for (; i < end; i += 4) {
        size_t rows = end - i < 4 ? end - i : 4;
        const float *r0 = x + i * d, *r1 = x + (i + (rows > 1)) * d, *r2 = x + (i + (rows > 2) * 2) * d, *r3 = x + (i + (rows > 3) * 3) * d;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (size_t j = 0; j < d; j++) {
            __m256 column = _mm256_loadu_ps(candidates_t + j * 8);
            __m256 t0 = _mm256_sub_ps(_mm256_broadcast_ss(r0 + j), column);
            __m256 t1 = _mm256_sub_ps(_mm256_broadcast_ss(r1 + j), column);
            __m256 t2 = _mm256_sub_ps(_mm256_broadcast_ss(r2 + j), column);
            __m256 t3 = _mm256_sub_ps(_mm256_broadcast_ss(r3 + j), column);
            a0 = _mm256_fmadd_ps(t0, t0, a0); a1 = _mm256_fmadd_ps(t1, t1, a1);
            a2 = _mm256_fmadd_ps(t2, t2, a2); a3 = _mm256_fmadd_ps(t3, t3, a3);
        }
        __m256 acc[4] = {a0, a1, a2, a3};
        for (size_t b = 0; b < rows; b++) {
            __m256 masked = _mm256_and_ps(acc[b], mask);  /* padding candidates contribute 0 */
            __m256d current = _mm256_set1_pd(closest[i + b]);
            __m256d lo = _mm256_min_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(masked)), current);
            __m256d hi = _mm256_min_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(masked, 1)), current);
            sum_lo = _mm256_add_pd(sum_lo, lo); sum_hi = _mm256_add_pd(sum_hi, hi);
            if (update) { double first = _mm256_cvtsd_f64(lo); closest[i + b] = first; }
        }
    }
    double parts[8];
    _mm256_storeu_pd(parts, sum_lo); _mm256_storeu_pd(parts + 4, sum_hi);
    for (size_t t = 0; t < count; t++) totals[t] += parts[t];
}

__attribute__((target("avx2,fma")))
static void candidates_avx2(CANDIDATE_PARAMETERS) {
#pragma clang fp reassociate(on)
    CANDIDATE_BODY
}
#endif

static void candidates_generic(CANDIDATE_PARAMETERS) {
#pragma clang fp reassociate(on)
    CANDIDATE_BODY
}

void recombine_kmeans_candidate_potentials(CANDIDATE_PARAMETERS) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    static int avx2 = -1;
    if (avx2 < 0) avx2 = recombine_kmeans_uses_avx2();
    if (avx2 && candidates_t) { candidates_transposed_avx2(x, begin, end, d, candidates, candidates_t, count, closest, update, totals); return; }
    if (avx2) { candidates_avx2(x, begin, end, d, candidates, candidates_t, count, closest, update, totals); return; }
#endif
    candidates_generic(x, begin, end, d, candidates, candidates_t, count, closest, update, totals);
}

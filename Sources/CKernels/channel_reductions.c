#include "ckernels.h"
#include "vectors.h"

// Sums along one contiguous row (a channel's positions of one image), for batch normalisation's statistics
// and backward reductions. Two vector accumulators of 32 bytes break the dependency chain of a
// sequential sum; their lanes are added in a fixed order, so a row's sum does not depend on the CPU or the
// thread count. Portable vector code: the compiler maps each 32-byte vector to AVX or to two SSE registers.


// Σ of TERM(l) over l < n; TERM reads lanes through the vector expression VTERM(l).
#define ROW_SUM(T, V, LANES, VTERM, TERM)                                                                     \
    V a0 = {0}, a1 = {0};                                                                                     \
    size_t l = 0;                                                                                             \
    for (; l + 2 * LANES <= n; l += 2 * LANES) {                                                              \
        a0 += VTERM(l);                                                                                       \
        a1 += VTERM(l + LANES);                                                                               \
    }                                                                                                         \
    if (l + LANES <= n) {                                                                                     \
        a0 += VTERM(l);                                                                                       \
        l += LANES;                                                                                           \
    }                                                                                                         \
    a0 += a1;                                                                                                 \
    T total = 0;                                                                                              \
    for (size_t k = 0; k < LANES; k++) total += a0[k];                                                        \
    for (; l < n; l++) total += TERM(l);

float recombine_row_sum_f32(const float *p, size_t n) {
#define V_PLAIN(i) LOADV(f32x8, p + (i))
#define S_PLAIN(i) p[i]
    ROW_SUM(float, f32x8, 8, V_PLAIN, S_PLAIN)
    return total;
}

double recombine_row_sum_f64(const double *p, size_t n) {
#undef V_PLAIN
#define V_PLAIN(i) LOADV(f64x4, p + (i))
    ROW_SUM(double, f64x4, 4, V_PLAIN, S_PLAIN)
    return total;
}

float recombine_row_squared_deviations_f32(const float *p, size_t n, float mu) {
    const f32x8 m = {mu, mu, mu, mu, mu, mu, mu, mu};
#define V_SQUARE(i) ({ f32x8 d_ = LOADV(f32x8, p + (i)) - m; d_ * d_; })
#define S_SQUARE(i) ((p[i] - mu) * (p[i] - mu))
    ROW_SUM(float, f32x8, 8, V_SQUARE, S_SQUARE)
    return total;
}

double recombine_row_squared_deviations_f64(const double *p, size_t n, double mu) {
    const f64x4 m = {mu, mu, mu, mu};
#undef V_SQUARE
#define V_SQUARE(i) ({ f64x4 d_ = LOADV(f64x4, p + (i)) - m; d_ * d_; })
    ROW_SUM(double, f64x4, 4, V_SQUARE, S_SQUARE)
    return total;
}

float recombine_row_gradient_deviations_f32(const float *g, const float *x, size_t n, float mu) {
    const f32x8 m = {mu, mu, mu, mu, mu, mu, mu, mu};
#define V_GRADIENT(i) (LOADV(f32x8, g + (i)) * (LOADV(f32x8, x + (i)) - m))
#define S_GRADIENT(i) (g[i] * (x[i] - mu))
    ROW_SUM(float, f32x8, 8, V_GRADIENT, S_GRADIENT)
    return total;
}

double recombine_row_gradient_deviations_f64(const double *g, const double *x, size_t n, double mu) {
    const f64x4 m = {mu, mu, mu, mu};
#undef V_GRADIENT
#define V_GRADIENT(i) (LOADV(f64x4, g + (i)) * (LOADV(f64x4, x + (i)) - m))
    ROW_SUM(double, f64x4, 4, V_GRADIENT, S_GRADIENT)
    return total;
}

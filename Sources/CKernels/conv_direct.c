#include "ckernels.h"
#include "vectors.h"
#include <string.h>

// Direct stride-1 convolution of one image over "wide" positions: with the input's planes [C][P] laid out
// row by row (width Wp) and every tap t at the flat offset offsets[t] = i·Wp + j, output position
// q = oh·Wp + ow reads input q + offsets[t], so each tap's inputs for consecutive q are contiguous and
// vector loads need no gather and no patch matrix. Positions with ow ≥ Wo are computed and discarded
// (forward) or carry zeros (weight and input gradients). One body per scalar type, compiled for the baseline
// and, through the target attribute, for AVX2/FMA; dispatch once, at run time.

// Forward: out[o][q] = Σ_k w[o][k] · x[q + offsets[k]] for o < 5·blocks, q < q_pad (a multiple of two
// vectors), k over every (channel, tap) pair. Weights packed [blocks][terms][5]. Five output channels × two
// vectors of positions are ten accumulators (enough to cover the FMA latency of two pipes), each term
// loading two input vectors and five weights; thirteen vector registers in all, so none spills.
#define FORWARD_BODY(T, V, LANES, SPLAT)                                                                      \
    for (size_t b = 0; b < blocks; b++) {                                                                     \
        const T *wb = w + b * terms * 5;                                                                      \
        for (size_t q0 = 0; q0 < q_pad; q0 += 2 * LANES) {                                                    \
            V a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0};                               \
            V a30 = {0}, a31 = {0}, a40 = {0}, a41 = {0};                                                     \
            const T *xq = x + q0;                                                                             \
            for (size_t k = 0; k < terms; k++) {                                                              \
                const T *xs = xq + offsets[k], *wt = wb + k * 5;                                              \
                V x0 = LOADV(V, xs), x1 = LOADV(V, xs + LANES);                                               \
                V wk = SPLAT(wt[0]);                                                                          \
                a00 += wk * x0; a01 += wk * x1;                                                               \
                wk = SPLAT(wt[1]);                                                                            \
                a10 += wk * x0; a11 += wk * x1;                                                               \
                wk = SPLAT(wt[2]);                                                                            \
                a20 += wk * x0; a21 += wk * x1;                                                               \
                wk = SPLAT(wt[3]);                                                                            \
                a30 += wk * x0; a31 += wk * x1;                                                               \
                wk = SPLAT(wt[4]);                                                                            \
                a40 += wk * x0; a41 += wk * x1;                                                               \
            }                                                                                                 \
            T *o0 = out + (b * 5) * q_pad + q0, *o1 = o0 + q_pad, *o2 = o1 + q_pad, *o3 = o2 + q_pad;         \
            T *o4 = o3 + q_pad;                                                                               \
            STOREV(o0, a00); STOREV(o0 + LANES, a01); STOREV(o1, a10); STOREV(o1 + LANES, a11);               \
            STOREV(o2, a20); STOREV(o2 + LANES, a21); STOREV(o3, a30); STOREV(o3 + LANES, a31);               \
            STOREV(o4, a40); STOREV(o4 + LANES, a41);                                                         \
        }                                                                                                     \
    }

// [Σa, Σb, Σc, Σd] of four vectors by pairwise shuffles and adds (the lanes' order is fixed): for small planes,
// where the positions loop is short, the reductions cost as much as the products when done lane by lane.
#define PAIRS8(a, b)                                                                                          \
    (__builtin_shufflevector(a, b, 0, 2, 8, 10, 4, 6, 12, 14) + __builtin_shufflevector(a, b, 1, 3, 9, 11, 5, 7, 13, 15))
#define SUM4_F32(a, b, c, d) ({                                                                               \
        f32x8 h_ = PAIRS8(PAIRS8(a, b), PAIRS8(c, d));                                                        \
        __builtin_shufflevector(h_, h_, 0, 1, 2, 3) + __builtin_shufflevector(h_, h_, 4, 5, 6, 7);            \
    })
#define PAIRS4(a, b) (__builtin_shufflevector(a, b, 0, 4, 2, 6) + __builtin_shufflevector(a, b, 1, 5, 3, 7))
#define SUM4_F64(a, b, c, d) ({                                                                               \
        f64x4 p_ = PAIRS4(a, b), r_ = PAIRS4(c, d);                                                           \
        __builtin_shufflevector(p_, r_, 0, 1, 4, 5) + __builtin_shufflevector(p_, r_, 2, 3, 6, 7);            \
    })

// Weight gradient: gw[o][c][t] += Σ_q gy[o][q] · x[c·P + q + offsets[t]] for o < out_channels, t < taps,
// with gy [4·blocks][q_pad] zero wherever q is not an output position. Four output channels × three taps
// are twelve accumulators over the positions, reduced once per block; offsets has padded_taps ≥ taps
// entries (a multiple of three, the extra ones pointing anywhere inside the plane, their sums dropped).
#define WEIGHT_GRADIENT_BODY(T, V, LANES, V4, SUM4)                                                               \
    for (size_t c = 0; c < channels; c++) {                                                                   \
        const T *xc = x + c * plane;                                                                          \
        for (size_t b = 0; b < blocks; b++) {                                                                 \
            const T *g0 = gy + (b * 4) * q_pad, *g1 = g0 + q_pad, *g2 = g1 + q_pad, *g3 = g2 + q_pad;         \
            for (size_t t0 = 0; t0 < padded_taps; t0 += 3) {                                                  \
                const T *x0 = xc + offsets[t0], *x1 = xc + offsets[t0 + 1], *x2 = xc + offsets[t0 + 2];       \
                V a00 = {0}, a01 = {0}, a02 = {0}, a10 = {0}, a11 = {0}, a12 = {0};                           \
                V a20 = {0}, a21 = {0}, a22 = {0}, a30 = {0}, a31 = {0}, a32 = {0};                           \
                for (size_t q = 0; q < q_pad; q += LANES) {                                                   \
                    V u0 = LOADV(V, x0 + q), u1 = LOADV(V, x1 + q), u2 = LOADV(V, x2 + q);                                \
                    V y = LOADV(V, g0 + q);                                                                       \
                    a00 += y * u0; a01 += y * u1; a02 += y * u2;                                              \
                    y = LOADV(V, g1 + q);                                                                         \
                    a10 += y * u0; a11 += y * u1; a12 += y * u2;                                              \
                    y = LOADV(V, g2 + q);                                                                         \
                    a20 += y * u0; a21 += y * u1; a22 += y * u2;                                              \
                    y = LOADV(V, g3 + q);                                                                         \
                    a30 += y * u0; a31 += y * u1; a32 += y * u2;                                              \
                }                                                                                             \
                V4 s0 = SUM4(a00, a10, a20, a30), s1 = SUM4(a01, a11, a21, a31), s2 = SUM4(a02, a12, a22, a32); \
                for (size_t k = 0; k < 4; k++) {                                                              \
                    size_t o = b * 4 + k;                                                                     \
                    if (o >= out_channels) break;                                                             \
                    T *g = gw + (o * channels + c) * taps + t0;                                               \
                    g[0] += s0[k];                                                                            \
                    if (t0 + 1 < taps) g[1] += s1[k];                                                         \
                    if (t0 + 2 < taps) g[2] += s2[k];                                                         \
                }                                                                                             \
            }                                                                                                 \
        }                                                                                                     \
    }

// Input gradient: gx[c·plane + q + offsets[t]] += Σ_o w[c][t][o] · gy[o·q_pad + q] for c < 5·blocks, every tap t
// and q < q_pad, with gy [out_channels][q_pad] zero at every q that is not an output position; weights packed
// [blocks][taps][out_channels][5]. The transpose of the forward kernel: five input channels × two vectors of
// positions are ten accumulators over the output channels, added once per tap into the padded planes.
#define INPUT_GRADIENT_BODY(T, V, LANES, SPLAT)                                                               \
    for (size_t b = 0; b < blocks; b++) {                                                                     \
        T *gb = gx + b * 5 * plane;                                                                           \
        for (size_t t = 0; t < taps; t++) {                                                                   \
            const T *wt = w + (b * taps + t) * out_channels * 5;                                              \
            for (size_t q0 = 0; q0 < q_pad; q0 += 2 * LANES) {                                                \
                V a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0};                           \
                V a30 = {0}, a31 = {0}, a40 = {0}, a41 = {0};                                                 \
                const T *yq = gy + q0;                                                                        \
                for (size_t o = 0; o < out_channels; o++) {                                                   \
                    const T *ys = yq + o * q_pad, *wo = wt + o * 5;                                           \
                    V y0 = LOADV(V, ys), y1 = LOADV(V, ys + LANES);                                           \
                    V wk = SPLAT(wo[0]);                                                                      \
                    a00 += wk * y0; a01 += wk * y1;                                                           \
                    wk = SPLAT(wo[1]);                                                                        \
                    a10 += wk * y0; a11 += wk * y1;                                                           \
                    wk = SPLAT(wo[2]);                                                                        \
                    a20 += wk * y0; a21 += wk * y1;                                                           \
                    wk = SPLAT(wo[3]);                                                                        \
                    a30 += wk * y0; a31 += wk * y1;                                                           \
                    wk = SPLAT(wo[4]);                                                                        \
                    a40 += wk * y0; a41 += wk * y1;                                                           \
                }                                                                                             \
                T *g0 = gb + q0 + offsets[t];                                                                 \
                ADDV(V, g0, a00); ADDV(V, g0 + LANES, a01);                                                   \
                ADDV(V, g0 + plane, a10); ADDV(V, g0 + plane + LANES, a11);                                   \
                ADDV(V, g0 + 2 * plane, a20); ADDV(V, g0 + 2 * plane + LANES, a21);                           \
                ADDV(V, g0 + 3 * plane, a30); ADDV(V, g0 + 3 * plane + LANES, a31);                           \
                ADDV(V, g0 + 4 * plane, a40); ADDV(V, g0 + 4 * plane + LANES, a41);                           \
            }                                                                                                 \
        }                                                                                                     \
    }

#define FORWARD_ARGS(T) const T *x, const size_t *offsets, size_t terms, const T *w, size_t blocks, T *out, size_t q_pad
#define WEIGHT_GRADIENT_ARGS(T)                                                                               \
    const T *x, size_t channels, size_t plane, const size_t *offsets, size_t taps, size_t padded_taps,        \
        const T *gy, size_t blocks, size_t out_channels, T *gw, size_t q_pad

#define INPUT_GRADIENT_ARGS(T)                                                                                \
    const T *gy, size_t out_channels, size_t q_pad, const size_t *offsets, size_t taps, const T *w, size_t blocks, \
        T *gx, size_t plane

#ifdef RECOMBINE_HAS_AVX2_PATH
__attribute__((target("avx2,fma"))) static void input_gradient_f32_avx2(INPUT_GRADIENT_ARGS(float)) {
    INPUT_GRADIENT_BODY(float, f32x8, 8, SPLAT8)
}
__attribute__((target("avx2,fma"))) static void input_gradient_f64_avx2(INPUT_GRADIENT_ARGS(double)) {
    INPUT_GRADIENT_BODY(double, f64x4, 4, SPLAT4)
}
__attribute__((target("avx2,fma"))) static void forward_f32_avx2(FORWARD_ARGS(float)) {
    FORWARD_BODY(float, f32x8, 8, SPLAT8)
}
__attribute__((target("avx2,fma"))) static void forward_f64_avx2(FORWARD_ARGS(double)) {
    FORWARD_BODY(double, f64x4, 4, SPLAT4)
}
__attribute__((target("avx2,fma"))) static void weight_gradient_f32_avx2(WEIGHT_GRADIENT_ARGS(float)) {
    WEIGHT_GRADIENT_BODY(float, f32x8, 8, f32x4, SUM4_F32)
}
__attribute__((target("avx2,fma"))) static void weight_gradient_f64_avx2(WEIGHT_GRADIENT_ARGS(double)) {
    WEIGHT_GRADIENT_BODY(double, f64x4, 4, f64x4, SUM4_F64)
}
#endif

static void forward_f32_generic(FORWARD_ARGS(float)) { FORWARD_BODY(float, f32x8, 8, SPLAT8) }
static void forward_f64_generic(FORWARD_ARGS(double)) { FORWARD_BODY(double, f64x4, 4, SPLAT4) }
static void weight_gradient_f32_generic(WEIGHT_GRADIENT_ARGS(float)) {
    WEIGHT_GRADIENT_BODY(float, f32x8, 8, f32x4, SUM4_F32)
}
static void weight_gradient_f64_generic(WEIGHT_GRADIENT_ARGS(double)) {
    WEIGHT_GRADIENT_BODY(double, f64x4, 4, f64x4, SUM4_F64)
}

static void input_gradient_f32_generic(INPUT_GRADIENT_ARGS(float)) { INPUT_GRADIENT_BODY(float, f32x8, 8, SPLAT8) }
static void input_gradient_f64_generic(INPUT_GRADIENT_ARGS(double)) {
    INPUT_GRADIENT_BODY(double, f64x4, 4, SPLAT4)
}

void recombine_conv_direct_forward_f32(FORWARD_ARGS(float)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma()) return forward_f32_avx2(x, offsets, terms, w, blocks, out, q_pad);
#endif
    forward_f32_generic(x, offsets, terms, w, blocks, out, q_pad);
}

void recombine_conv_direct_forward_f64(FORWARD_ARGS(double)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma()) return forward_f64_avx2(x, offsets, terms, w, blocks, out, q_pad);
#endif
    forward_f64_generic(x, offsets, terms, w, blocks, out, q_pad);
}

void recombine_conv_direct_weight_gradient_f32(WEIGHT_GRADIENT_ARGS(float)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma())
        return weight_gradient_f32_avx2(x, channels, plane, offsets, taps, padded_taps, gy, blocks, out_channels, gw,
                                        q_pad);
#endif
    weight_gradient_f32_generic(x, channels, plane, offsets, taps, padded_taps, gy, blocks, out_channels, gw, q_pad);
}

void recombine_conv_direct_weight_gradient_f64(WEIGHT_GRADIENT_ARGS(double)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma())
        return weight_gradient_f64_avx2(x, channels, plane, offsets, taps, padded_taps, gy, blocks, out_channels, gw,
                                        q_pad);
#endif
    weight_gradient_f64_generic(x, channels, plane, offsets, taps, padded_taps, gy, blocks, out_channels, gw, q_pad);
}

void recombine_conv_direct_input_gradient_f32(INPUT_GRADIENT_ARGS(float)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma()) return input_gradient_f32_avx2(gy, out_channels, q_pad, offsets, taps, w, blocks, gx, plane);
#endif
    input_gradient_f32_generic(gy, out_channels, q_pad, offsets, taps, w, blocks, gx, plane);
}

void recombine_conv_direct_input_gradient_f64(INPUT_GRADIENT_ARGS(double)) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    if (recombine_cpu_has_avx2_fma()) return input_gradient_f64_avx2(gy, out_channels, q_pad, offsets, taps, w, blocks, gx, plane);
#endif
    input_gradient_f64_generic(gy, out_channels, q_pad, offsets, taps, w, blocks, gx, plane);
}

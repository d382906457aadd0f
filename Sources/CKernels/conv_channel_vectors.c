#include "ckernels.h"
#include "vectors.h"

// Direct stride-1 convolution with vectors along channels: two vectors of output channels (input channels for
// the input gradient) × six output positions are twelve accumulators, each input value broadcast from the
// zero-padded planes at its position's own base. Unlike the wide-position kernels of conv_direct.c, no column
// past an output row and no channel past the last block is computed, so layers whose channel counts are
// multiples of the block (16 floats or 8 doubles) do only the convolution's own products. Positions are
// listed by `bases` (oh·Wp + ow, padded to a multiple of six with entries whose results are discarded or zero).

// The twelve accumulators a<r><v> (six rows r × two vectors v) and one step of them: row r adds the broadcast
// of E<r> times the vectors V0 and V1.
#define ZERO_SIX_BY_TWO(V)                                                                                    \
    V a00 = {0}, a01 = {0}, a10 = {0}, a11 = {0}, a20 = {0}, a21 = {0};                                       \
    V a30 = {0}, a31 = {0}, a40 = {0}, a41 = {0}, a50 = {0}, a51 = {0}
#define SIX_BY_TWO_STEP(V, SPLAT, E0, E1, E2, E3, E4, E5, V0, V1)                                             \
    do {                                                                                                      \
        V s_;                                                                                                 \
        s_ = SPLAT(E0); a00 += s_ * (V0); a01 += s_ * (V1);                                                   \
        s_ = SPLAT(E1); a10 += s_ * (V0); a11 += s_ * (V1);                                                   \
        s_ = SPLAT(E2); a20 += s_ * (V0); a21 += s_ * (V1);                                                   \
        s_ = SPLAT(E3); a30 += s_ * (V0); a31 += s_ * (V1);                                                   \
        s_ = SPLAT(E4); a40 += s_ * (V0); a41 += s_ * (V1);                                                   \
        s_ = SPLAT(E5); a50 += s_ * (V0); a51 += s_ * (V1);                                                   \
    } while (0)
// Row r of the accumulators into O<r> (pointers), by OP: STOREV, or ADD_f32x8 / ADD_f64x4 (added to memory).
#define ADD_f32x8(p, v) ADDV(f32x8, p, v)
#define ADD_f64x4(p, v) ADDV(f64x4, p, v)
#define SIX_BY_TWO_OUT(OP, LANES, O0, O1, O2, O3, O4, O5)                                                     \
    do {                                                                                                      \
        OP(O0, a00); OP((O0) + LANES, a01); OP(O1, a10); OP((O1) + LANES, a11);                               \
        OP(O2, a20); OP((O2) + LANES, a21); OP(O3, a30); OP((O3) + LANES, a31);                               \
        OP(O4, a40); OP((O4) + LANES, a41); OP(O5, a50); OP((O5) + LANES, a51);                               \
    } while (0)

// out[p·out_stride + o] = Σ_k w[o][k] · x[bases[p] + offsets[k]] for p < positions, o < 2·LANES·blocks;
// w packed [blocks][terms][2·LANES].
#define CV_FORWARD_BODY(T, V, LANES, SPLAT)                                                                   \
    for (size_t b = 0; b < blocks; b++) {                                                                     \
        const T *wb = w + b * terms * 2 * LANES;                                                              \
        for (size_t p0 = 0; p0 < positions; p0 += 6) {                                                        \
            const size_t *bp = bases + p0;                                                                    \
            const size_t b0 = bp[0], b1 = bp[1], b2 = bp[2], b3 = bp[3], b4 = bp[4], b5 = bp[5];              \
            ZERO_SIX_BY_TWO(V);                                                                               \
            for (size_t k = 0; k < terms; k++) {                                                              \
                const T *xk = x + offsets[k], *wk = wb + k * 2 * LANES;                                       \
                V w0 = LOADV(V, wk), w1 = LOADV(V, wk + LANES);                                               \
                SIX_BY_TWO_STEP(V, SPLAT, xk[b0], xk[b1], xk[b2], xk[b3], xk[b4], xk[b5], w0, w1);            \
            }                                                                                                 \
            T *o = out + p0 * out_stride + b * 2 * LANES;                                                     \
            const size_t d = out_stride;                                                                      \
            SIX_BY_TWO_OUT(STOREV, LANES, o, o + d, o + 2 * d, o + 3 * d, o + 4 * d, o + 5 * d);              \
        }                                                                                                     \
    }

// gw[k·gw_stride + o] += Σ_p x[bases[p] + offsets[k]] · gy[p·gy_stride + o] for k < terms (a multiple of six),
// o < 2·LANES·blocks, p < positions: six terms × two vectors of output channels accumulate over the
// positions, so no horizontal reduction is needed.
#define CV_WEIGHT_GRADIENT_BODY(T, V, LANES, SPLAT)                                                           \
    for (size_t b = 0; b < blocks; b++) {                                                                     \
        const T *gb = gy + b * 2 * LANES;                                                                     \
        for (size_t k0 = 0; k0 < terms; k0 += 6) {                                                            \
            const T *x0 = x + offsets[k0], *x1 = x + offsets[k0 + 1], *x2 = x + offsets[k0 + 2];              \
            const T *x3 = x + offsets[k0 + 3], *x4 = x + offsets[k0 + 4], *x5 = x + offsets[k0 + 5];          \
            ZERO_SIX_BY_TWO(V);                                                                               \
            for (size_t p = 0; p < positions; p++) {                                                          \
                const size_t base = bases[p];                                                                 \
                const T *gp = gb + p * gy_stride;                                                             \
                V g0 = LOADV(V, gp), g1 = LOADV(V, gp + LANES);                                               \
                SIX_BY_TWO_STEP(V, SPLAT, x0[base], x1[base], x2[base], x3[base], x4[base], x5[base], g0, g1); \
            }                                                                                                 \
            T *o = gw + k0 * gw_stride + b * 2 * LANES;                                                       \
            const size_t d = gw_stride;                                                                       \
            SIX_BY_TWO_OUT(ADD_##V, LANES, o, o + d, o + 2 * d, o + 3 * d, o + 4 * d, o + 5 * d);             \
        }                                                                                                     \
    }

// gx[(bases[p] + offsets[t])·gx_stride + c] += Σ_o gy[o·gy_stride + p] · w[c][t][o] for p < positions (a
// multiple of six; gy is zero at the padding positions), t < taps, c < 2·LANES·blocks; w packed
// [blocks][taps][out_channels][2·LANES]. Six positions × two vectors of input channels accumulate over the
// output channels and are added once per tap.
#define CV_INPUT_GRADIENT_BODY(T, V, LANES, SPLAT)                                                            \
    for (size_t b = 0; b < blocks; b++) {                                                                     \
        for (size_t t = 0; t < taps; t++) {                                                                   \
            const T *wt = w + (b * taps + t) * out_channels * 2 * LANES;                                      \
            T *gt = gx + offsets[t] * gx_stride + b * 2 * LANES;                                              \
            for (size_t p0 = 0; p0 < positions; p0 += 6) {                                                    \
                ZERO_SIX_BY_TWO(V);                                                                           \
                const T *yp = gy + p0;                                                                        \
                for (size_t o = 0; o < out_channels; o++) {                                                   \
                    const T *yo = yp + o * gy_stride, *wo = wt + o * 2 * LANES;                               \
                    V w0 = LOADV(V, wo), w1 = LOADV(V, wo + LANES);                                           \
                    SIX_BY_TWO_STEP(V, SPLAT, yo[0], yo[1], yo[2], yo[3], yo[4], yo[5], w0, w1);              \
                }                                                                                             \
                const size_t *bp = bases + p0, d = gx_stride;                                                 \
                SIX_BY_TWO_OUT(ADD_##V, LANES, gt + bp[0] * d, gt + bp[1] * d, gt + bp[2] * d, gt + bp[3] * d, \
                               gt + bp[4] * d, gt + bp[5] * d);                                               \
            }                                                                                                 \
        }                                                                                                     \
    }

#define CV_FORWARD_ARGS(T)                                                                                    \
    const T *x, const size_t *offsets, size_t terms, const T *w, size_t blocks, const size_t *bases,          \
        size_t positions, T *out, size_t out_stride
#define CV_WEIGHT_GRADIENT_ARGS(T)                                                                            \
    const T *x, const size_t *offsets, size_t terms, const T *gy, size_t gy_stride, const size_t *bases,      \
        size_t positions, size_t blocks, T *gw, size_t gw_stride
#define CV_INPUT_GRADIENT_ARGS(T)                                                                             \
    const T *gy, size_t out_channels, size_t gy_stride, const size_t *bases, size_t positions,                \
        const size_t *offsets, size_t taps, const T *w, size_t blocks, T *gx, size_t gx_stride

// One function per kernel and scalar type: the AVX2/FMA body when the CPU has it, the baseline body otherwise.
#define CV_KERNEL(NAME, ARGS, BODY, CALL, T, V, LANES, SPLAT) \
    RECOMBINE_DISPATCHED_KERNEL(NAME, (ARGS(T)), CALL, BODY(T, V, LANES, SPLAT))

#define CV_FORWARD_CALL (x, offsets, terms, w, blocks, bases, positions, out, out_stride)
#define CV_WEIGHT_GRADIENT_CALL (x, offsets, terms, gy, gy_stride, bases, positions, blocks, gw, gw_stride)
#define CV_INPUT_GRADIENT_CALL (gy, out_channels, gy_stride, bases, positions, offsets, taps, w, blocks, gx, gx_stride)

CV_KERNEL(recombine_conv_cv_forward_f32, CV_FORWARD_ARGS, CV_FORWARD_BODY, CV_FORWARD_CALL, float, f32x8, 8, SPLAT8)
CV_KERNEL(recombine_conv_cv_forward_f64, CV_FORWARD_ARGS, CV_FORWARD_BODY, CV_FORWARD_CALL, double, f64x4, 4, SPLAT4)
CV_KERNEL(recombine_conv_cv_weight_gradient_f32, CV_WEIGHT_GRADIENT_ARGS, CV_WEIGHT_GRADIENT_BODY,
          CV_WEIGHT_GRADIENT_CALL, float, f32x8, 8, SPLAT8)
CV_KERNEL(recombine_conv_cv_weight_gradient_f64, CV_WEIGHT_GRADIENT_ARGS, CV_WEIGHT_GRADIENT_BODY,
          CV_WEIGHT_GRADIENT_CALL, double, f64x4, 4, SPLAT4)
CV_KERNEL(recombine_conv_cv_input_gradient_f32, CV_INPUT_GRADIENT_ARGS, CV_INPUT_GRADIENT_BODY,
          CV_INPUT_GRADIENT_CALL, float, f32x8, 8, SPLAT8)
CV_KERNEL(recombine_conv_cv_input_gradient_f64, CV_INPUT_GRADIENT_ARGS, CV_INPUT_GRADIENT_BODY,
          CV_INPUT_GRADIENT_CALL, double, f64x4, 4, SPLAT4)

#include <stdint.h>
#include "ckernels.h"
#include "vectors.h"

// 2×2 max pooling at stride 2 without padding, branch-free. Each window's result is its first maximum in the
// order a, b (top row), c, d (bottom row), and the first NaN wins: a later value replaces the best so far when
// it is not ≤ it (greater, or NaN) and the best so far is not NaN. Comparisons on ReLU outputs are
// unpredictable, so selecting with masks instead of branches is what makes this fast. A row of outputs goes
// LANES at a time; when it is longer than LANES its last vector overlaps the one before (same values written
// twice), shorter rows go one window at a time.

typedef int32_t i32x8 __attribute__((vector_size(32)));
typedef int64_t i64x4 __attribute__((vector_size(32)));
typedef int32_t i32x4 __attribute__((vector_size(16)));

#define EVENS_8 0, 2, 4, 6, 8, 10, 12, 14
#define ODDS_8 1, 3, 5, 7, 9, 11, 13, 15
#define IOTA_8 {0, 1, 2, 3, 4, 5, 6, 7}
#define EVENS_4 0, 2, 4, 6
#define ODDS_4 1, 3, 5, 7
#define IOTA_4 {0, 1, 2, 3}

// Replaces (best, at) by (v, offset) where v is not ≤ best and best is not NaN; masks select lane by lane.
#define MP_SELECT(V, IV, v, offset)                                                                           \
    do {                                                                                                      \
        IV take_ = ~((v) <= best) & (best == best);                                                           \
        best = (V)(((IV)(v) & take_) | ((IV)best & ~take_));                                                  \
        at = (at & ~take_) | ((IV)(offset) & take_);                                                          \
    } while (0)

#define MP_SELECT_SCALAR(v, offset)                                                                           \
    do {                                                                                                      \
        int take_ = !((v) <= best) & (best == best);                                                          \
        best = take_ ? (v) : best;                                                                            \
        at = take_ ? (offset) : at;                                                                           \
    } while (0)

// VI: the integer vector of LANES elements of T's width; STORE_INDEX stores LANES int32 indices from it.
#define MP_BODY(T, V, VI, LANES, EVENS, ODDS, IOTA, SPLAT_I, STORE_INDEX)                                     \
    const size_t in_plane = height * width, out_plane = out_h * out_w;                                        \
    const VI iota = IOTA;                                                                                     \
    for (size_t p = 0; p < planes; p++) {                                                                     \
        const T *plane = x + p * in_plane;                                                                    \
        T *o_plane = out + p * out_plane;                                                                     \
        int32_t *a_plane = argmax ? argmax + p * out_plane : 0;                                               \
        for (size_t oh = 0; oh < out_h; oh++) {                                                               \
            const size_t row = 2 * oh * width;                                                                \
            const T *top = plane + row, *bottom = top + width;                                                \
            T *o_row = o_plane + oh * out_w;                                                                  \
            if (out_w >= LANES) {                                                                             \
                for (size_t ow0 = 0; ow0 < out_w; ow0 += LANES) {                                             \
                    const size_t ow = ow0 + LANES <= out_w ? ow0 : out_w - LANES;                             \
                    const V t0 = LOADV(V, top + 2 * ow), t1 = LOADV(V, top + 2 * ow + LANES);                 \
                    const V b0 = LOADV(V, bottom + 2 * ow), b1 = LOADV(V, bottom + 2 * ow + LANES);           \
                    V best = __builtin_shufflevector(t0, t1, EVENS);                                          \
                    VI at = {0};                                                                              \
                    const V tb = __builtin_shufflevector(t0, t1, ODDS);                                       \
                    const V bc = __builtin_shufflevector(b0, b1, EVENS);                                      \
                    const V bd = __builtin_shufflevector(b0, b1, ODDS);                                       \
                    MP_SELECT(V, VI, tb, SPLAT_I(1));                                                         \
                    MP_SELECT(V, VI, bc, SPLAT_I((long long)width));                                          \
                    MP_SELECT(V, VI, bd, SPLAT_I((long long)width + 1));                                      \
                    STOREV(o_row + ow, best);                                                                 \
                    if (a_plane) {                                                                            \
                        const VI index = at + SPLAT_I((long long)(row + 2 * ow)) + iota + iota;               \
                        STORE_INDEX(a_plane + oh * out_w + ow, index);                                        \
                    }                                                                                         \
                }                                                                                             \
                continue;                                                                                     \
            }                                                                                                 \
            for (size_t ow = 0; ow < out_w; ow++) {                                                           \
                const size_t a = 2 * ow;                                                                      \
                T best = top[a];                                                                              \
                size_t at = 0;                                                                                \
                MP_SELECT_SCALAR(top[a + 1], 1);                                                              \
                MP_SELECT_SCALAR(bottom[a], width);                                                           \
                MP_SELECT_SCALAR(bottom[a + 1], width + 1);                                                   \
                o_row[ow] = best;                                                                             \
                if (a_plane) a_plane[oh * out_w + ow] = (int32_t)(row + a + at);                              \
            }                                                                                                 \
        }                                                                                                     \
    }

#define SPLAT_I32X8(s) ({ int32_t s_ = (int32_t)(s); (i32x8){s_, s_, s_, s_, s_, s_, s_, s_}; })
#define SPLAT_I64X4(s) ({ int64_t s_ = (int64_t)(s); (i64x4){s_, s_, s_, s_}; })
#define STORE_I32X8(p, v) STOREV(p, v)
#define STORE_I64X4(p, v) do { i32x4 n_ = __builtin_convertvector(v, i32x4); STOREV(p, n_); } while (0)

#define MP_ARGS(T)                                                                                            \
    const T *x, size_t planes, size_t height, size_t width, size_t out_h, size_t out_w, T *out, int32_t *argmax
#define MP_CALL (x, planes, height, width, out_h, out_w, out, argmax)

#define MP_BODY_F32 MP_BODY(float, f32x8, i32x8, 8, EVENS_8, ODDS_8, IOTA_8, SPLAT_I32X8, STORE_I32X8)
#define MP_BODY_F64 MP_BODY(double, f64x4, i64x4, 4, EVENS_4, ODDS_4, IOTA_4, SPLAT_I64X4, STORE_I64X4)

#define MP_KERNEL(NAME, T, BODY) RECOMBINE_DISPATCHED_KERNEL(NAME, (MP_ARGS(T)), MP_CALL, BODY)

MP_KERNEL(recombine_max_pool_2x2_f32, float, MP_BODY_F32)
MP_KERNEL(recombine_max_pool_2x2_f64, double, MP_BODY_F64)

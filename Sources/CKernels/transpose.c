#include "ckernels.h"
#include "vectors.h"

// dst[c·dst_stride + r] = src[r·src_stride + c] (+ bias[c]) in tiles of LANES × LANES: LANES rows are loaded as
// vectors and turned into LANES column vectors by shuffles, so both sides are read and written a vector at a
// time instead of one strided element at a time. Rows and columns past the last whole tile go element by
// element. Exact: values are moved, and the bias is added once, as a separate pass would add it.

#define TRANSPOSE_ARGS(T)                                                                                     \
    const T *src, size_t rows, size_t columns, size_t src_stride, T *dst, size_t dst_stride, const T *bias
#define TRANSPOSE_CALL (src, rows, columns, src_stride, dst, dst_stride, bias)

#define TRANSPOSE_TAIL(T)                                                                                     \
    for (size_t c = 0; c < columns; c++) {                                                                    \
        const T b = bias ? bias[c] : 0;                                                                       \
        const size_t r0 = c < whole_columns ? whole_rows : 0;                                                 \
        for (size_t r = r0; r < rows; r++) {                                                                  \
            const T v = src[r * src_stride + c];                                                              \
            dst[c * dst_stride + r] = bias ? v + b : v;                                                       \
        }                                                                                                     \
    }

#define TRANSPOSE_STORE(V, SPLAT, column, vector)                                                             \
    do {                                                                                                      \
        V out_ = (vector);                                                                                    \
        if (bias) out_ += SPLAT(bias[c + (column)]);                                                          \
        STOREV(dst + (c + (column)) * dst_stride + r, out_);                                                  \
    } while (0)

#define TRANSPOSE_BODY_F32                                                                                    \
    const size_t whole_rows = rows / 8 * 8, whole_columns = columns / 8 * 8;                                  \
    for (size_t r = 0; r < whole_rows; r += 8) {                                                              \
        for (size_t c = 0; c < whole_columns; c += 8) {                                                       \
            const float *s = src + r * src_stride + c;                                                        \
            const f32x8 r0 = LOADV(f32x8, s), r1 = LOADV(f32x8, s + src_stride);                              \
            const f32x8 r2 = LOADV(f32x8, s + 2 * src_stride), r3 = LOADV(f32x8, s + 3 * src_stride);         \
            const f32x8 r4 = LOADV(f32x8, s + 4 * src_stride), r5 = LOADV(f32x8, s + 5 * src_stride);         \
            const f32x8 r6 = LOADV(f32x8, s + 6 * src_stride), r7 = LOADV(f32x8, s + 7 * src_stride);         \
            const f32x8 t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13);                       \
            const f32x8 t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);                     \
            const f32x8 t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13);                       \
            const f32x8 t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);                     \
            const f32x8 t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13);                       \
            const f32x8 t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);                     \
            const f32x8 t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13);                       \
            const f32x8 t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);                     \
            const f32x8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);                       \
            const f32x8 u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);                     \
            const f32x8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);                       \
            const f32x8 u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);                     \
            const f32x8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);                       \
            const f32x8 u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);                     \
            const f32x8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);                       \
            const f32x8 u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);                     \
            TRANSPOSE_STORE(f32x8, SPLAT8, 0, __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11));     \
            TRANSPOSE_STORE(f32x8, SPLAT8, 1, __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11));     \
            TRANSPOSE_STORE(f32x8, SPLAT8, 2, __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11));     \
            TRANSPOSE_STORE(f32x8, SPLAT8, 3, __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11));     \
            TRANSPOSE_STORE(f32x8, SPLAT8, 4, __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15));   \
            TRANSPOSE_STORE(f32x8, SPLAT8, 5, __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15));   \
            TRANSPOSE_STORE(f32x8, SPLAT8, 6, __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15));   \
            TRANSPOSE_STORE(f32x8, SPLAT8, 7, __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15));   \
        }                                                                                                     \
    }                                                                                                         \
    TRANSPOSE_TAIL(float)

#define TRANSPOSE_BODY_F64                                                                                    \
    const size_t whole_rows = rows / 4 * 4, whole_columns = columns / 4 * 4;                                  \
    for (size_t r = 0; r < whole_rows; r += 4) {                                                              \
        for (size_t c = 0; c < whole_columns; c += 4) {                                                       \
            const double *s = src + r * src_stride + c;                                                       \
            const f64x4 r0 = LOADV(f64x4, s), r1 = LOADV(f64x4, s + src_stride);                             \
            const f64x4 r2 = LOADV(f64x4, s + 2 * src_stride), r3 = LOADV(f64x4, s + 3 * src_stride);        \
            const f64x4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6);                                     \
            const f64x4 t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);                                     \
            const f64x4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6);                                     \
            const f64x4 t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);                                     \
            TRANSPOSE_STORE(f64x4, SPLAT4, 0, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));                   \
            TRANSPOSE_STORE(f64x4, SPLAT4, 1, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));                   \
            TRANSPOSE_STORE(f64x4, SPLAT4, 2, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));                   \
            TRANSPOSE_STORE(f64x4, SPLAT4, 3, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));                   \
        }                                                                                                     \
    }                                                                                                         \
    TRANSPOSE_TAIL(double)

#define TRANSPOSE_KERNEL(NAME, T, BODY) \
    RECOMBINE_DISPATCHED_KERNEL(NAME, (TRANSPOSE_ARGS(T)), TRANSPOSE_CALL, BODY)

TRANSPOSE_KERNEL(recombine_transpose_f32, float, TRANSPOSE_BODY_F32)
TRANSPOSE_KERNEL(recombine_transpose_f64, double, TRANSPOSE_BODY_F64)

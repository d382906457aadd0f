#include <stdint.h>
#include "ckernels.h"
#include "vectors.h"

// im2col through a zero-padded image for windows whose column step is 2 (stride 2 along the width): a patch
// row's outputs along one image row read every second element of a padded row, which two vector loads and one
// shuffle of the even lanes turn into LANES contiguous outputs. Rows of at least LANES outputs go LANES at a time,
// the last vector overlapping the one before (the same values written twice); rows of LANES/2 to LANES − 1
// outputs go LANES/2 at a time, shorter rows one element at a time. A vector reads at most one element past a
// row's last window element, so the padded image needs one element of slack at its end.

typedef double f64x2 __attribute__((vector_size(16)));

#define EVENS_8 0, 2, 4, 6, 8, 10, 12, 14
#define EVENS_4 0, 2, 4, 6
#define EVENS_2 0, 2

// One padded row `src` into `LANES` contiguous outputs per vector at `dst`.
#define PC_GATHER_ROW(V, LANES)                                                                                      \
    for (size_t ow0 = 0; ow0 < out_w; ow0 += LANES) {                                                                \
        const size_t ow = ow0 + LANES <= out_w ? ow0 : out_w - LANES;                                                \
        const V a_ = LOADV(V, src + 2 * ow), b_ = LOADV(V, src + 2 * ow + LANES);                                    \
        const V v_ = __builtin_shufflevector(a_, b_, EVENS_##LANES);                                                 \
        STOREV(dst + ow, v_);                                                                                        \
    }

#define PC_IM2COL_BODY(T, V, LANES, VH, HALF)                                                                        \
    for (size_t c = 0; c < channels; c++) {                                                                          \
        const T *plane = padded + c * padded_plane;                                                                  \
        for (size_t ki = 0; ki < kernel_h; ki++) {                                                                   \
            for (size_t kj = 0; kj < kernel_w; kj++) {                                                               \
                T *row = cols + ((c * kernel_h + ki) * kernel_w + kj) * ld;                                          \
                for (size_t oh = 0; oh < out_h; oh++) {                                                              \
                    const T *src = plane + (oh * stride_h + ki * dilation_h) * padded_width + kj * dilation_w;       \
                    T *dst = row + oh * out_w;                                                                       \
                    if (out_w >= LANES) {                                                                            \
                        PC_GATHER_ROW(V, LANES)                                                                      \
                    } else if (out_w >= HALF) {                                                                      \
                        PC_GATHER_ROW(VH, HALF)                                                                      \
                    } else {                                                                                         \
                        for (size_t ow = 0; ow < out_w; ow++) dst[ow] = src[2 * ow];                                 \
                    }                                                                                                \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
    }

#define PC_IM2COL_ARGS(T)                                                                                            \
    const T *padded, size_t channels, size_t padded_plane, size_t padded_width, size_t kernel_h,                     \
        size_t kernel_w, size_t stride_h, size_t dilation_h, size_t dilation_w, size_t out_h, size_t out_w,          \
        T *cols, size_t ld
#define PC_IM2COL_CALL                                                                                               \
    (padded, channels, padded_plane, padded_width, kernel_h, kernel_w, stride_h, dilation_h, dilation_w,             \
     out_h, out_w, cols, ld)
RECOMBINE_DISPATCHED_KERNEL(recombine_im2col_column_step_two_f32, (PC_IM2COL_ARGS(float)), PC_IM2COL_CALL,
                            PC_IM2COL_BODY(float, f32x8, 8, f32x4, 4))
RECOMBINE_DISPATCHED_KERNEL(recombine_im2col_column_step_two_f64, (PC_IM2COL_ARGS(double)), PC_IM2COL_CALL,
                            PC_IM2COL_BODY(double, f64x4, 4, f64x2, 2))

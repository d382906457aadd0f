#ifndef RECOMBINE_CKERNELS_H
#define RECOMBINE_CKERNELS_H
#include <stddef.h>
#include <stdint.h>
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

/// Direct stride-1 convolution of one image (conv_direct.c). The input's planes are padded images read row
/// by row at width Wp, so output position q = oh·Wp + ow of a tap at flat offset i·Wp + j reads input
/// q + c·plane + i·Wp + j. With offsets[k] those flat offsets for every (channel, tap) pair k < terms,
/// out[o·q_pad + q] = Σ_k w[o][k] · x[q + offsets[k]] for o < 5·blocks and q < q_pad (a multiple of 16
/// floats or 8 doubles), w packed [blocks][terms][5]. Every read lies below x + q_pad + max(offsets);
/// positions with ow ≥ Wo are not outputs.
void recombine_conv_direct_forward_f32(const float *x, const size_t *offsets, size_t terms, const float *w,
                                       size_t blocks, float *out, size_t q_pad);
void recombine_conv_direct_forward_f64(const double *x, const size_t *offsets, size_t terms, const double *w,
                                       size_t blocks, double *out, size_t q_pad);

/// The weight gradient of that convolution for one image: with `offsets` the flat offsets of the taps alone
/// (padded_taps of them, a multiple of three ≥ taps) and the channels' planes `plane` apart,
/// gw[(o·channels + c)·taps + t] += Σ_q gy[o·q_pad + q] · x[c·plane + q + offsets[t]] for o < out_channels ≤
/// 4·blocks, where gy [4·blocks][q_pad] is zero at every q that is not an output position.
void recombine_conv_direct_weight_gradient_f32(const float *x, size_t channels, size_t plane, const size_t *offsets,
                                               size_t taps, size_t padded_taps, const float *gy, size_t blocks,
                                               size_t out_channels, float *gw, size_t q_pad);
void recombine_conv_direct_weight_gradient_f64(const double *x, size_t channels, size_t plane, const size_t *offsets,
                                               size_t taps, size_t padded_taps, const double *gy, size_t blocks,
                                               size_t out_channels, double *gw, size_t q_pad);

/// The input gradient of that convolution for one image, into zeroed padded planes `plane` apart:
/// gx[c·plane + q + offsets[t]] += Σ_o w[c][t][o] · gy[o·q_pad + q] for c < 5·blocks, t < taps, q < q_pad, with gy
/// [out_channels][q_pad] zero at every q that is not an output position and w packed [blocks][taps][out_channels][5].
void recombine_conv_direct_input_gradient_f32(const float *gy, size_t out_channels, size_t q_pad, const size_t *offsets,
                                              size_t taps, const float *w, size_t blocks, float *gx, size_t plane);
void recombine_conv_direct_input_gradient_f64(const double *gy, size_t out_channels, size_t q_pad,
                                              const size_t *offsets, size_t taps, const double *w, size_t blocks,
                                              double *gx, size_t plane);

/// Direct stride-1 convolution of one image with vectors along channels (conv_channel_vectors.c), for
/// channel counts that are multiples of its block (16 floats, 8 doubles). The input's planes are padded images
/// read at width Wp; output position p has base bases[p] = oh·Wp + ow (positions: a multiple of six, the extra
/// entries pointing anywhere inside the plane); offsets[k] = c·plane + i·Wp + j for every (channel, tap) pair.
/// Forward: out[p·out_stride + o] = Σ_k w[o][k] · x[bases[p] + offsets[k]], o < block·blocks, w packed
/// [blocks][terms][block].
void recombine_conv_cv_forward_f32(const float *x, const size_t *offsets, size_t terms, const float *w, size_t blocks,
                                   const size_t *bases, size_t positions, float *out, size_t out_stride);
void recombine_conv_cv_forward_f64(const double *x, const size_t *offsets, size_t terms, const double *w,
                                   size_t blocks, const size_t *bases, size_t positions, double *out,
                                   size_t out_stride);
/// Weight gradient: gw[k·gw_stride + o] += Σ_p x[bases[p] + offsets[k]] · gy[p·gy_stride + o] for k < terms (a
/// multiple of six), o < block·blocks, p < positions (here exactly the output positions).
void recombine_conv_cv_weight_gradient_f32(const float *x, const size_t *offsets, size_t terms, const float *gy,
                                           size_t gy_stride, const size_t *bases, size_t positions, size_t blocks,
                                           float *gw, size_t gw_stride);
void recombine_conv_cv_weight_gradient_f64(const double *x, const size_t *offsets, size_t terms, const double *gy,
                                           size_t gy_stride, const size_t *bases, size_t positions, size_t blocks,
                                           double *gw, size_t gw_stride);
/// Input gradient into position-major padded planes: gx[(bases[p] + offsets[t])·gx_stride + c] +=
/// Σ_o gy[o·gy_stride + p] · w[c][t][o] for p < positions (gy zero at the extra ones), t < taps (offsets
/// i·Wp + j), c < block·blocks; w packed [blocks][taps][out_channels][block].
void recombine_conv_cv_input_gradient_f32(const float *gy, size_t out_channels, size_t gy_stride, const size_t *bases,
                                          size_t positions, const size_t *offsets, size_t taps, const float *w,
                                          size_t blocks, float *gx, size_t gx_stride);
void recombine_conv_cv_input_gradient_f64(const double *gy, size_t out_channels, size_t gy_stride,
                                          const size_t *bases, size_t positions, const size_t *offsets, size_t taps,
                                          const double *w, size_t blocks, double *gx, size_t gx_stride);

/// Row sums (channel_reductions.c) of n contiguous values, in vector lanes added in a fixed order:
/// Σ p[l]; Σ (p[l] − mu)²; Σ g[l]·(x[l] − mu).
float recombine_row_sum_f32(const float *p, size_t n);
double recombine_row_sum_f64(const double *p, size_t n);
float recombine_row_squared_deviations_f32(const float *p, size_t n, float mu);
double recombine_row_squared_deviations_f64(const double *p, size_t n, double mu);
float recombine_row_gradient_deviations_f32(const float *g, const float *x, size_t n, float mu);
double recombine_row_gradient_deviations_f64(const double *g, const double *x, size_t n, double mu);

/// 2×2 max pooling at stride 2 without padding (max_pool.c) of `planes` planes [height, width] into [out_h, out_w]
/// (out_h ≤ height / 2, out_w ≤ width / 2): each window's first maximum in the order top-left, top-right,
/// bottom-left, bottom-right, the first NaN winning; `argmax` (may be NULL) gets its index within the plane.
void recombine_max_pool_2x2_f32(const float *x, size_t planes, size_t height, size_t width, size_t out_h, size_t out_w,
                                float *out, int32_t *argmax);
void recombine_max_pool_2x2_f64(const double *x, size_t planes, size_t height, size_t width, size_t out_h,
                                size_t out_w, double *out, int32_t *argmax);

/// im2col of one image's `channels` padded planes (patch_copies.c) for windows at column stride 2: patch row
/// (c, ki, kj) of `cols` (rows `ld` apart) gets, at output (oh, ow), the padded element at row
/// oh·stride_h + ki·dilation_h, column 2·ow + kj·dilation_w. Reads one element past the last window element.
void recombine_im2col_column_step_two_f32(const float *padded, size_t channels, size_t padded_plane,
                                          size_t padded_width, size_t kernel_h, size_t kernel_w, size_t stride_h,
                                          size_t dilation_h, size_t dilation_w, size_t out_h, size_t out_w,
                                          float *cols, size_t ld);
void recombine_im2col_column_step_two_f64(const double *padded, size_t channels, size_t padded_plane,
                                          size_t padded_width, size_t kernel_h, size_t kernel_w, size_t stride_h,
                                          size_t dilation_h, size_t dilation_w, size_t out_h, size_t out_w,
                                          double *cols, size_t ld);

/// dst[c·dst_stride + r] = src[r·src_stride + c] (+ bias[c] when `bias` is not NULL) for r < rows, c < columns
/// (transpose.c), in vector tiles.
void recombine_transpose_f32(const float *src, size_t rows, size_t columns, size_t src_stride, float *dst,
                             size_t dst_stride, const float *bias);
void recombine_transpose_f64(const double *src, size_t rows, size_t columns, size_t src_stride, double *dst,
                             size_t dst_stride, const double *bias);

/// Whether the AVX2/FMA path is used on this CPU.
int recombine_kmeans_uses_avx2(void);
#endif

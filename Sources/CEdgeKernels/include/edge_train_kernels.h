/*
 * edge_train_kernels.h — the non-GEMM kernels of training (EdgeTrain): batch-norm statistics
 * and backward, activation derivatives, depthwise-convolution gradients, col2im.
 *
 * Same conventions as edge_kernels.h: run-time ISA dispatch (AVX-512 / AVX2+FMA / NEON /
 * scalar reference, switched together by ek_set_isa), no allocation (scratch is passed in).
 * "Channel" functions read one channel of an [N, C, plane] tensor: n planes of `plane`
 * contiguous floats, plane i starting at x + i·stride (stride = C·plane). Sums are formed
 * in float SIMD lanes within a plane and in double across planes, in a fixed order: results
 * depend only on the ISA, never on timing or thread count.
 */
#ifndef EDGE_TRAIN_KERNELS_H
#define EDGE_TRAIN_KERNELS_H

#include "edge_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Mean and biased variance (two passes: mean, then Σ(x − mean)²) of one channel. */
void ek_channel_moments(const float *x, int64_t n, int64_t stride, int64_t plane, float *mean, float *var);

/** y = clamp(x·scale + shift, lo, hi) over one channel (y may equal x): batch norm with a fused
 *  ReLU (lo 0) / ReLU6 (lo 0, hi 6); ±INFINITY for no clamp. */
void ek_channel_affine(const float *x, float *y, int64_t n, int64_t stride, int64_t plane, float scale, float shift,
                       float lo, float hi);

/**
 * Gate of a ReLU / ReLU6 fused after a batch norm: the gradient reaching the batch norm is
 * dy where lo < y < hi and 0 elsewhere (y: the activated output, same layout as dy).
 * y = NULL: no gate.
 */
typedef struct {
    const float *y;
    float lo, hi;
} ek_gate;

/** Batch-norm backward sums of one channel, with g = gated dy: *sum_dy = Σ g, *sum_dy_xc = Σ g·(x − mean). */
void ek_bn_backward_sums(const float *x, const float *dy, ek_gate gate, int64_t n, int64_t stride, int64_t plane,
                         float mean, float *sum_dy, float *sum_dy_xc);

/** Batch-norm input gradient of one channel: dx = k·(g − cy − (x − mean)·cx), g = gated dy (dx may equal dy). */
void ek_bn_backward_dx(const float *x, const float *dy, ek_gate gate, float *dx, int64_t n, int64_t stride, int64_t plane,
                       float mean, float k, float cy, float cx);

/**
 * dx = dy · act'(x) for n contiguous values (dx may equal dy). x is the activation's input, y its
 * output (sigmoid and tanh use y; y may be NULL for the other kinds). Supported kinds: NONE, RELU,
 * CLIP (derivative 1 strictly inside (alpha, beta)), LEAKY_RELU, SIGMOID, TANH, HARD_SWISH
 * (0 for x ≤ −3, 1 for x ≥ 3, x/3 + 1/2 between). Returns 0, or −1 (nothing written) for others.
 */
int ek_activation_backward(const float *x, const float *y, const float *dy, float *dx, size_t n, ek_activation act);

/** Floats of scratch ek_conv2d_depthwise_backward needs for geometry g. */
size_t ek_conv2d_depthwise_backward_scratch(const ek_conv2d_geometry *g);

/**
 * Gradients of a depthwise conv (ek_conv2d_depthwise layout; output channel oc reads input channel
 * oc / multiplier) for one image: dx (NULL: not needed) += ∂L/∂input, dw += ∂L/∂weights, from
 * x [channels, in_h, in_w], w [channels·multiplier, kh, kw], dy [channels·multiplier, out_h, out_w].
 * Stride 1 (up to 64 taps) runs on padded planes (long contiguous dot/gather loops); other strides
 * on direct loops.
 * scratch: ek_conv2d_depthwise_backward_scratch(g) floats.
 */
void ek_conv2d_depthwise_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                                  const ek_conv2d_geometry *g, int64_t multiplier, float *scratch);

/** col2im, the adjoint of ek_im2col: dx[c, ih, iw] += col[(c·kh + i)·kw + j][oh·out_w + ow]. */
void ek_col2im(const float *col, float *dx, const ek_conv2d_geometry *g);

/**
 * Makes the C allocator serve blocks up to `mmap_threshold` bytes from its heap and never trim it,
 * so large buffers freed by one training step are reused by the next without page faults
 * (glibc mallopt; at most 32 MB there). Process-wide. Returns 0, or −1 where unsupported.
 */
int ek_keep_heap(size_t mmap_threshold);

#ifdef __cplusplus
}
#endif

#endif /* EDGE_TRAIN_KERNELS_H */

/*
 * conv.c — convolution helpers: im2col (feeds ek_sgemm / ek_sgemm_packed_a) and depthwise conv.
 *
 * Both work per output row with the valid output-column range of each kernel tap computed up
 * front, so inner loops have no bounds checks (and vectorize for stride 1). Depthwise uses the
 * ISA's direct 3×3 stride-1/2 kernel when available (impl->dw3x3), otherwise the generic
 * tap-outer loop below (any kernel, stride, dilation, padding). Channels are split across the pool.
 */
#include "internal.h"

#include <string.h>

/* Output columns [*lo, *hi) for which iw = ow*stride + off lies inside [0, in_w). */
static void valid_cols(int64_t off, int64_t stride, int64_t in_w, int64_t out_w, int64_t *lo, int64_t *hi) {
    int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int64_t h = (in_w - 1 - off) >= 0 ? (in_w - 1 - off) / stride + 1 : 0;
    if (h > out_w) h = out_w;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

void ek_im2col(const float *input, float *col, const ek_conv2d_geometry *g) {
    const int64_t C = g->channels, IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DW = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    const int64_t plane = OH * OW;
    for (int64_t c = 0; c < C; c++) {
        for (int64_t i = 0; i < KH; i++) {
            for (int64_t j = 0; j < KW; j++) {
                float *dst = col + ((c * KH + i) * KW + j) * plane;
                const int64_t off = j * DW - PL;
                int64_t lo, hi;
                valid_cols(off, SW, IW, OW, &lo, &hi);
                for (int64_t oh = 0; oh < OH; oh++) {
                    float *d = dst + oh * OW;
                    const int64_t ih = oh * SH - PT + i * DH;
                    if (ih < 0 || ih >= IH) {
                        memset(d, 0, (size_t)OW * sizeof(float));
                        continue;
                    }
                    const float *irow = input + (c * IH + ih) * IW + off;
                    for (int64_t ow = 0; ow < lo; ow++) d[ow] = 0.0f;
                    if (SW == 1) {
                        memcpy(d + lo, irow + lo, (size_t)(hi - lo) * sizeof(float));
                    } else {
                        for (int64_t ow = lo; ow < hi; ow++) d[ow] = irow[ow * SW];
                    }
                    for (int64_t ow = hi; ow < OW; ow++) d[ow] = 0.0f;
                }
            }
        }
    }
}

/* Generic single-plane depthwise conv (no activation). */
static void dw_plane_generic(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DW = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    for (int64_t oh = 0; oh < OH; oh++) {
        float *orow = out + oh * OW;
        for (int64_t ow = 0; ow < OW; ow++) orow[ow] = bias;
        for (int64_t i = 0; i < KH; i++) {
            const int64_t ih = oh * SH - PT + i * DH;
            if (ih < 0 || ih >= IH) continue;
            for (int64_t j = 0; j < KW; j++) {
                const int64_t off = j * DW - PL;
                int64_t lo, hi;
                valid_cols(off, SW, IW, OW, &lo, &hi);
                const float wv = w[i * KW + j];
                const float *irow = in + ih * IW + off;
                if (SW == 1) {
                    for (int64_t ow = lo; ow < hi; ow++) orow[ow] += wv * irow[ow];
                } else {
                    for (int64_t ow = lo; ow < hi; ow++) orow[ow] += wv * irow[ow * SW];
                }
            }
        }
    }
}

typedef struct {
    const float *input, *weights, *bias;
    float *output;
    const ek_conv2d_geometry *g;
    int64_t multiplier;
    ek_activation act;
    const ek__isa_impl *impl;
} dw_args;

static void dw_task(void *ctx, int64_t begin, int64_t end) {
    const dw_args *d = (const dw_args *)ctx;
    const ek_conv2d_geometry *g = d->g;
    const int64_t in_plane = g->in_h * g->in_w, out_plane = g->out_h * g->out_w, taps = g->kernel_h * g->kernel_w;
    const int fast = d->impl->dw3x3 && g->kernel_h == 3 && g->kernel_w == 3 && g->dilation_h == 1 &&
                     g->dilation_w == 1 && g->stride_h == g->stride_w && (g->stride_w == 1 || g->stride_w == 2);
    for (int64_t oc = begin; oc < end; oc++) {
        const float *in = d->input + (oc / d->multiplier) * in_plane;
        const float *w = d->weights + oc * taps;
        float *out = d->output + oc * out_plane;
        const float b = d->bias ? d->bias[oc] : 0.0f;
        if (fast) d->impl->dw3x3(in, w, b, out, g);
        else dw_plane_generic(in, w, b, out, g);
        if (d->act.kind != EK_ACT_NONE) d->impl->act(out, out, (size_t)out_plane, d->act);
    }
}

void ek_conv2d_depthwise(const float *input, const float *weights, const float *bias, float *output,
                         const ek_conv2d_geometry *g, int64_t multiplier, ek_activation act, ek_pool *pool) {
    if (multiplier < 1) multiplier = 1;
    const int64_t oc = g->channels * multiplier;
    if (oc <= 0 || g->out_h <= 0 || g->out_w <= 0) return;
    dw_args d = {input, weights, bias, output, g, multiplier, act, ek__impl()};
    const double work = (double)oc * (double)(g->out_h * g->out_w) * (double)(g->kernel_h * g->kernel_w);
    if (!pool || work < 1.0e5) dw_task(&d, 0, oc);
    else ek_pool_parallel_for(pool, oc, dw_task, &d);
}

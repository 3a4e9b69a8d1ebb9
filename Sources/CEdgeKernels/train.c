/*
 * train.c — entry points of the training kernels (edge_train_kernels.h): per-channel batch-norm
 * drivers, activation backward, depthwise-convolution gradients and col2im. The per-ISA work is
 * in the ek__train_ops primitives (train_scalar.c, train_simd.h); these drivers fix the order of
 * every sum (planes in order, double across planes), so results never depend on threading.
 */
#include "internal.h"

#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static const ek__train_ops *ops(void) { return ek__impl()->train; }

void ek_channel_moments(const float *x, int64_t n, int64_t stride, int64_t plane, float *mean, float *var) {
    const ek__train_ops *o = ops();
    const double m = (double)(n * plane);
    if (m <= 0) {
        *mean = 0.0f;
        *var = 0.0f;
        return;
    }
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += o->sum(x + i * stride, plane);
    const float mu = (float)(s / m);
    double s2 = 0.0;
    for (int64_t i = 0; i < n; i++) s2 += o->sumsq_centered(x + i * stride, plane, mu);
    *mean = mu;
    *var = (float)(s2 / m);
}

void ek_channel_affine(const float *x, float *y, int64_t n, int64_t stride, int64_t plane, float scale, float shift,
                       float lo, float hi) {
    const ek__train_ops *o = ops();
    for (int64_t i = 0; i < n; i++) o->affine(x + i * stride, y + i * stride, plane, scale, shift, lo, hi);
}

void ek_bn_backward_sums(const float *x, const float *dy, ek_gate gate, int64_t n, int64_t stride, int64_t plane,
                         float mean, float *sum_dy, float *sum_dy_xc) {
    const ek__train_ops *o = ops();
    double a = 0.0, b = 0.0;
    for (int64_t i = 0; i < n; i++) {
        float pa, pb;
        const ek_gate gi = {gate.y ? gate.y + i * stride : NULL, gate.lo, gate.hi};
        o->bn_sums(x + i * stride, dy + i * stride, gi, plane, mean, &pa, &pb);
        a += pa;
        b += pb;
    }
    *sum_dy = (float)a;
    *sum_dy_xc = (float)b;
}

void ek_bn_backward_dx(const float *x, const float *dy, ek_gate gate, float *dx, int64_t n, int64_t stride, int64_t plane,
                       float mean, float k, float cy, float cx) {
    const ek__train_ops *o = ops();
    for (int64_t i = 0; i < n; i++) {
        const ek_gate gi = {gate.y ? gate.y + i * stride : NULL, gate.lo, gate.hi};
        o->bn_dx(x + i * stride, dy + i * stride, gi, dx + i * stride, plane, mean, k, cy, cx);
    }
}

int ek_activation_backward(const float *x, const float *y, const float *dy, float *dx, size_t n, ek_activation act) {
    if (!ek__act_backward_supported(act)) return -1;
    const int uses_y = act.kind == EK_ACT_SIGMOID || act.kind == EK_ACT_TANH;
    if ((uses_y && !y) || (!uses_y && act.kind != EK_ACT_NONE && !x) || (n > 0 && !dy) || (n > 0 && !dx)) return -1;
    return ops()->act_backward(x, y, dy, dx, n, act);
}

/* Output positions [lo, hi) of one axis whose tap at kernel offset `offset` lands in [0, size). */
static void valid_range(int64_t out, int64_t size, int64_t stride, int64_t pad, int64_t offset, int64_t *lo, int64_t *hi) {
    const int64_t shift = pad - offset;
    int64_t l = shift <= 0 ? 0 : (shift + stride - 1) / stride;
    int64_t h = (size - 1 + shift) < 0 ? 0 : (size - 1 + shift) / stride + 1;
    if (l > out) l = out;
    if (h > out) h = out;
    if (h < l) h = l;
    *lo = l;
    *hi = h;
}

/* Output rows [r[0], r[1]) and columns [r[2], r[3]) whose tap (i, j) lands inside the input. */
static void tap_window(const ek_conv2d_geometry *g, int64_t i, int64_t j, int64_t r[4]) {
    valid_range(g->out_h, g->in_h, g->stride_h, g->pad_top, i * g->dilation_h, &r[0], &r[1]);
    valid_range(g->out_w, g->in_w, g->stride_w, g->pad_left, j * g->dilation_w, &r[2], &r[3]);
}

void ek_col2im(const float *col, float *dx, const ek_conv2d_geometry *g) {
    const int64_t plane = g->out_h * g->out_w;
    for (int64_t c = 0; c < g->channels; c++) {
        for (int64_t i = 0; i < g->kernel_h; i++) {
            for (int64_t j = 0; j < g->kernel_w; j++) {
                int64_t r[4];
                tap_window(g, i, j, r);
                const int64_t rlo = r[0], rhi = r[1], clo = r[2], chi = r[3];
                const float *row = col + ((c * g->kernel_h + i) * g->kernel_w + j) * plane;
                for (int64_t y = rlo; y < rhi; y++) {
                    const int64_t ih = y * g->stride_h - g->pad_top + i * g->dilation_h;
                    float *dst = dx + (c * g->in_h + ih) * g->in_w - g->pad_left + j * g->dilation_w;
                    const float *src = row + y * g->out_w;
                    if (g->stride_w == 1) {
                        for (int64_t x = clo; x < chi; x++) dst[x] += src[x];
                    } else {
                        for (int64_t x = clo; x < chi; x++) dst[x * g->stride_w] += src[x];
                    }
                }
            }
        }
    }
}

/* Padded-plane layout of the stride-1 path: x and dx planes with pitch wp and hp rows plus one spare
 * row (the last output row's tail columns over-read it; they meet zero dy and add nothing), and dy
 * with the same pitch, zero columns past out_w and off_max zeros on both sides (the dx gather reads
 * dy at negative tap offsets). */
#define EK__DWB_MAX_TAPS 64
typedef struct {
    int64_t wp, hp, len, dy_len, off_max;
} dw_flat_layout;

static dw_flat_layout flat_layout(const ek_conv2d_geometry *g) {
    dw_flat_layout l;
    const int64_t need_w = g->out_w + (g->kernel_w - 1) * g->dilation_w, data_w = g->in_w + g->pad_left;
    const int64_t need_h = g->out_h + (g->kernel_h - 1) * g->dilation_h, data_h = g->in_h + g->pad_top;
    l.wp = need_w > data_w ? need_w : data_w;
    l.hp = need_h > data_h ? need_h : data_h;
    l.len = (l.hp + 1) * l.wp;
    l.dy_len = g->out_h * l.wp;
    l.off_max = (g->kernel_h - 1) * g->dilation_h * l.wp + (g->kernel_w - 1) * g->dilation_w;
    return l;
}

static int flat_path(const ek_conv2d_geometry *g) {
    return g->stride_h == 1 && g->stride_w == 1 && g->kernel_h * g->kernel_w <= EK__DWB_MAX_TAPS;
}

size_t ek_conv2d_depthwise_backward_scratch(const ek_conv2d_geometry *g) {
    if (!flat_path(g)) return 0;
    const dw_flat_layout l = flat_layout(g);
    return (size_t)(2 * l.len + l.dy_len + 2 * l.off_max);
}

/* Stride 1: per input channel, x and (per output channel) dy are laid out with pitch wp, so every
 * tap's dw is a dot product over out_h·wp contiguous values (ops->taps_dot reads dy once per four
 * taps) and dx a gather dx[q] += Σ_t w[t]·dy[q − off[t]] (ops->taps_gather: one store per value). */
static void dw_backward_flat(const float *x, const float *w, const float *dy, float *dx, float *dw,
                             const ek_conv2d_geometry *g, int64_t mult, float *scratch) {
    const ek__train_ops *o = ops();
    const dw_flat_layout l = flat_layout(g);
    float *xp = scratch, *dxp = scratch + l.len, *dyb = scratch + 2 * l.len, *dyp = dyb + l.off_max;
    const int kk = (int)(g->kernel_h * g->kernel_w);
    const int64_t in_plane = g->in_h * g->in_w, out_plane = g->out_h * g->out_w, n = l.dy_len;
    int32_t off[EK__DWB_MAX_TAPS], goff[EK__DWB_MAX_TAPS];
    for (int64_t i = 0; i < g->kernel_h; i++)
        for (int64_t j = 0; j < g->kernel_w; j++) {
            const int64_t t = i * g->kernel_w + j;
            off[t] = (int32_t)(i * g->dilation_h * l.wp + j * g->dilation_w);
            goff[t] = (int32_t)(l.off_max - off[t]);
        }
    /* dx positions reached by some tap: q = q' + off with q' < n */
    const int64_t nx = n + l.off_max < l.len ? n + l.off_max : l.len;
    memset(dyb, 0, (size_t)(n + 2 * l.off_max) * sizeof(float));
    for (int64_t c = 0; c < g->channels; c++) {
        memset(xp, 0, (size_t)l.len * sizeof(float));
        const float *xc = x + c * in_plane;
        for (int64_t r = 0; r < g->in_h; r++)
            memcpy(xp + (r + g->pad_top) * l.wp + g->pad_left, xc + r * g->in_w, (size_t)g->in_w * sizeof(float));
        if (dx) memset(dxp, 0, (size_t)l.len * sizeof(float));
        for (int64_t m = 0; m < mult; m++) {
            const int64_t oc = c * mult + m;
            const float *dyc = dy + oc * out_plane;
            for (int64_t r = 0; r < g->out_h; r++) memcpy(dyp + r * l.wp, dyc + r * g->out_w, (size_t)g->out_w * sizeof(float));
            o->taps_dot(dyp, xp, off, kk, n, dw + oc * kk);
            if (dx) o->taps_gather(dyb, goff, w + oc * kk, kk, dxp, nx);
        }
        if (!dx) continue;
        float *dxc = dx + c * in_plane;
        for (int64_t r = 0; r < g->in_h; r++) o->axpy(1.0f, dxp + (r + g->pad_top) * l.wp + g->pad_left, dxc + r * g->in_w, g->in_w);
    }
}

/* Any stride: direct loops over the valid output range of every tap. */
static void dw_backward_direct(const float *x, const float *w, const float *dy, float *dx, float *dw,
                               const ek_conv2d_geometry *g, int64_t mult) {
    const int64_t kk = g->kernel_h * g->kernel_w, in_plane = g->in_h * g->in_w;
    for (int64_t oc = 0; oc < g->channels * mult; oc++) {
        const int64_t c = oc / mult;
        const float *xc = x + c * in_plane, *dyc = dy + oc * g->out_h * g->out_w;
        float *dxc = dx ? dx + c * in_plane : NULL;
        for (int64_t i = 0; i < g->kernel_h; i++) {
            for (int64_t j = 0; j < g->kernel_w; j++) {
                int64_t r[4];
                tap_window(g, i, j, r);
                const int64_t rlo = r[0], rhi = r[1], clo = r[2], chi = r[3];
                const float wt = w[oc * kk + i * g->kernel_w + j];
                float acc = 0.0f;
                for (int64_t y = rlo; y < rhi; y++) {
                    const int64_t row = (y * g->stride_h - g->pad_top + i * g->dilation_h) * g->in_w - g->pad_left + j * g->dilation_w;
                    const float *src = dyc + y * g->out_w, *xr = xc + row;
                    for (int64_t xo = clo; xo < chi; xo++) acc += xr[xo * g->stride_w] * src[xo];
                    if (dxc) {
                        float *d = dxc + row;
                        for (int64_t xo = clo; xo < chi; xo++) d[xo * g->stride_w] += wt * src[xo];
                    }
                }
                dw[oc * kk + i * g->kernel_w + j] += acc;
            }
        }
    }
}

void ek_conv2d_depthwise_backward(const float *x, const float *w, const float *dy, float *dx, float *dw,
                                  const ek_conv2d_geometry *g, int64_t multiplier, float *scratch) {
    if (flat_path(g) && scratch)
        dw_backward_flat(x, w, dy, dx, dw, g, multiplier, scratch);
    else
        dw_backward_direct(x, w, dy, dx, dw, g, multiplier);
}

int ek_keep_heap(size_t mmap_threshold) {
#if defined(__GLIBC__)
    if (mallopt(M_MMAP_THRESHOLD, (int)mmap_threshold) != 1) return -1;
    if (mallopt(M_TRIM_THRESHOLD, 0x7fffffff) != 1) return -1;
    return 0;
#else
    (void)mmap_threshold;
    return -1;
#endif
}

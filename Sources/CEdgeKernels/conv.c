/*
 * conv.c — convolution helpers: im2col (feeds ek_sgemm / ek_sgemm_packed_a) and depthwise conv.
 *
 * Depthwise: stride 1 with output width == input width goes to impl->dwsame where the ISA has one
 * (AVX-512: whole plane in place, conv_dw_same_avx512.c); otherwise on vector ISAs the padded-plane
 * path below (kernels up to 7×7, stride 1/2, any dilation; fused bias + activation); AVX-512 keeps
 * its direct 3×3 kernel (impl->dw3x3) for wide rows; everything else (and the scalar reference ISA) uses the generic tap-outer loop (any kernel,
 * stride, dilation, padding). Channels are split across the pool.
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

static void deint_scalar(const float *src, int64_t n, float *even, float *odd) {
    int64_t i = 0;
    for (; i + 1 < n; i += 2) {
        even[i / 2] = src[i];
        odd[i / 2] = src[i + 1];
    }
    if (i < n) even[i / 2] = src[i];
}

/* im2col, loops c → i → oh → j: each input row is visited once per kernel row i; for stride 2 it is
 * deinterleaved once (vectorised impl->deint) into even/odd halves so every tap j becomes a plain
 * memcpy; padding is handled by the per-tap valid column range [lo, hi) (memset outside). */
void ek_im2col(const float *input, float *col, const ek_conv2d_geometry *g) {
    const int64_t C = g->channels, IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DW = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    const int64_t plane = OH * OW;
    if (plane <= 0) return;
    const ek__isa_impl *impl = ek__impl();
    float *halves = NULL;
    if (SW == 2) {
        size_t avail = 0;
        float *a = ek__thread_scratch(&avail);
        if (a && (size_t)(IW + 16) <= avail) halves = a;
    }
    const int64_t hoff = (IW + 1) / 2 + 8; /* odd half starts here */
    int64_t lo[64], hi[64];
    const int small_kw = KW <= 64;
    if (small_kw)
        for (int64_t j = 0; j < KW; j++) valid_cols(j * DW - PL, SW, IW, OW, &lo[j], &hi[j]);
    for (int64_t c = 0; c < C; c++) {
        for (int64_t i = 0; i < KH; i++) {
            float *dst_i = col + (c * KH + i) * KW * plane;
            if (!small_kw) goto general;
            for (int64_t oh = 0; oh < OH; oh++) {
                const int64_t ih = oh * SH - PT + i * DH;
                if (ih < 0 || ih >= IH) {
                    for (int64_t j = 0; j < KW; j++) memset(dst_i + j * plane + oh * OW, 0, (size_t)OW * sizeof(float));
                    continue;
                }
                const float *irow = input + (c * IH + ih) * IW;
                if (halves) {
                    if (impl->deint) impl->deint(irow, IW, halves, halves + hoff);
                    else deint_scalar(irow, IW, halves, halves + hoff);
                }
                for (int64_t j = 0; j < KW; j++) {
                    float *d = dst_i + j * plane + oh * OW;
                    const int64_t off = j * DW - PL, l = lo[j], h = hi[j];
                    if (l > 0) memset(d, 0, (size_t)l * sizeof(float));
                    if (SW == 1) {
                        memcpy(d + l, irow + off + l, (size_t)(h - l) * sizeof(float));
                    } else if (halves) {
                        /* iw = 2·ow + off: parity off&1, half index ow + (off >> 1) (arithmetic shift) */
                        const float *src = halves + ((off & 1) ? hoff : 0) + (off >> 1);
                        memcpy(d + l, src + l, (size_t)(h - l) * sizeof(float));
                    } else {
                        const float *ir = irow + off;
                        for (int64_t ow = l; ow < h; ow++) d[ow] = ir[ow * SW];
                    }
                    if (h < OW) memset(d + h, 0, (size_t)(OW - h) * sizeof(float));
                }
            }
            continue;
        general:
            for (int64_t j = 0; j < KW; j++) {
                float *dst = dst_i + j * plane;
                const int64_t off = j * DW - PL;
                int64_t l, h;
                valid_cols(off, SW, IW, OW, &l, &h);
                for (int64_t oh = 0; oh < OH; oh++) {
                    float *d = dst + oh * OW;
                    const int64_t ih = oh * SH - PT + i * DH;
                    if (ih < 0 || ih >= IH) {
                        memset(d, 0, (size_t)OW * sizeof(float));
                        continue;
                    }
                    const float *irow = input + (c * IH + ih) * IW + off;
                    for (int64_t ow = 0; ow < l; ow++) d[ow] = 0.0f;
                    for (int64_t ow = l; ow < h; ow++) d[ow] = irow[ow * SW];
                    for (int64_t ow = h; ow < OW; ow++) d[ow] = 0.0f;
                }
            }
        }
    }
}

/* Generic single-plane depthwise conv (no activation); accumulate: add to out instead of starting from bias. */
static void dw_plane_generic_acc(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g,
                                 int accumulate) {
    const int64_t IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DW = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    for (int64_t oh = 0; oh < OH; oh++) {
        float *orow = out + oh * OW;
        if (!accumulate)
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

static void dw_plane_generic(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    dw_plane_generic_acc(in, w, bias, out, g, 0);
}

typedef struct {
    const float *input, *weights, *bias;
    float *output;
    const ek_conv2d_geometry *g;
    int64_t multiplier;
    ek_activation act;
    const ek__isa_impl *impl;
} dw_args;

/* ---- padded-plane ("flat") depthwise ----------------------------------------------------------
 *
 * For a strip of R output rows of one channel the input is copied into a zero-padded scratch plane,
 * after which every kernel tap is ONE contiguous, branch-free FMA sweep:
 *   stride 1: plane row width PW = (OW-1) + (KW-1)·DW + 1; output (oh, ow) lives at p = oh·PW + ow of a
 *             "flat" accumulator and tap (i, j) reads plane[p + i·DH·PW + j·DW].
 *   stride 2: the padded plane is split into 4 phase planes (row parity × column parity) of width
 *             Wg = PW/2; output (oh, ow) at p = oh·Wg + ow reads phase ((i·DH)&1, (j·DW)&1) at
 *             p + (i·DH>>1)·Wg + (j·DW>>1).
 * So the whole strip (all rows at once — small planes such as 20×20 or 7×7 fill every vector) is
 * acc[p] = bias + Σ w[t]·buf[p + off[t]] over p < R·Wg (impl->dwflat); the Wg − OW columns per row in
 * between are computed and thrown away by the copy-out, which fuses the activation (impl->rows_act).
 * Pad columns of the scratch plane are zeroed once per call and never written again; rows outside the
 * input are zeroed per strip. Scratch is the calling thread's arena (no allocation).
 * Used for any kernel up to 7×7 (any dilation) with stride_h == stride_w in {1, 2}.
 */
#define DWF_MAX_TAPS 49
#ifndef DWF_STRIP_FLOATS
#define DWF_STRIP_FLOATS 12288 /* target scratch per strip (plane + accumulator), ~48 KB */
#endif

typedef struct {
    int64_t S, PW, Wg, R;       /* stride, padded width, flat row width, output rows per strip */
    int64_t psz;                /* stride 2: floats per phase plane */
    int64_t buf_floats, acc_floats;
    int32_t off[DWF_MAX_TAPS];
    int taps;
} dwf_plan;

static int64_t dwf_rows_in(const ek_conv2d_geometry *g, int64_t S, int64_t R) {
    return (R - 1) * S + (g->kernel_h - 1) * g->dilation_h + 1; /* padded input rows a strip of R needs */
}

static void dwf_sizes(const ek_conv2d_geometry *g, dwf_plan *pl, int64_t R) {
    const int64_t maxoff_r = (g->kernel_h - 1) * g->dilation_h, maxoff_c = (g->kernel_w - 1) * g->dilation_w;
    const int64_t rows = dwf_rows_in(g, pl->S, R);
    const int64_t n = (R * pl->Wg + 15) & ~(int64_t)15;
    pl->R = R;
    pl->acc_floats = n;
    if (pl->S == 1) {
        const int64_t maxoff = maxoff_r * pl->PW + maxoff_c;
        int64_t need = n + maxoff;
        if (need < rows * pl->PW) need = rows * pl->PW;
        pl->buf_floats = need + 16;
    } else {
        const int64_t hh = (rows + 1) / 2;
        pl->psz = hh * pl->Wg;
        const int64_t maxoff = (maxoff_r >> 1) * pl->Wg + (maxoff_c >> 1);
        int64_t last = n + maxoff;
        if (last < pl->psz) last = pl->psz;
        pl->buf_floats = 3 * pl->psz + last + 16;
    }
}

/* 1 if the flat path applies; fills the plan for a scratch of `avail` floats holding `planes` padded input
 * planes (one per input channel read at once) plus one accumulator, aiming at `budget` floats per strip. */
static int dwf_make_plan_n(const ek_conv2d_geometry *g, dwf_plan *pl, size_t avail, int64_t planes, int64_t budget) {
    const int64_t S = g->stride_w;
    if (g->stride_h != S || (S != 1 && S != 2)) return 0;
    if (g->kernel_h < 1 || g->kernel_w < 1 || g->kernel_h > 7 || g->kernel_w > 7) return 0;
    if (g->dilation_h < 1 || g->dilation_w < 1 || g->pad_top < 0 || g->pad_left < 0) return 0;
    if (g->in_h < 1 || g->in_w < 1) return 0;
    const int64_t OW = g->out_w, OH = g->out_h;
    int64_t PW = (OW - 1) * S + (g->kernel_w - 1) * g->dilation_w + 1;
    if (S == 2) PW = (PW + 1) & ~(int64_t)1;
    pl->S = S;
    pl->PW = PW;
    pl->Wg = PW / S;
    /* strip height: the whole plane if it fits the target, else as many rows as fit (at least 1) */
    int64_t R = OH;
    dwf_sizes(g, pl, R);
    while (R > 1 && planes * pl->buf_floats + pl->acc_floats > budget) {
        R = R > 8 ? R / 2 : R - 1;
        dwf_sizes(g, pl, R);
    }
    pl->buf_floats = (pl->buf_floats + 15) & ~(int64_t)15;
    if ((size_t)(planes * pl->buf_floats + pl->acc_floats + 32) > avail) return 0;
    if (planes * pl->buf_floats > INT32_MAX / 2) return 0;
    pl->taps = (int)(g->kernel_h * g->kernel_w);
    for (int64_t i = 0; i < g->kernel_h; i++)
        for (int64_t j = 0; j < g->kernel_w; j++) {
            const int64_t di = i * g->dilation_h, dj = j * g->dilation_w;
            int64_t o;
            if (S == 1) o = di * PW + dj;
            else o = ((di & 1) * 2 + (dj & 1)) * pl->psz + (di >> 1) * pl->Wg + (dj >> 1);
            pl->off[i * g->kernel_w + j] = (int32_t)o;
        }
    return 1;
}

static int dwf_make_plan(const ek_conv2d_geometry *g, dwf_plan *pl, size_t avail) {
    return dwf_make_plan_n(g, pl, avail, 1, DWF_STRIP_FLOATS);
}

/* Copies the padded input rows of the strip starting at output row oh0 (R rows) into buf. */
static void dwf_copy_in(const dwf_plan *pl, const ek__isa_impl *impl, const float *in, const ek_conv2d_geometry *g,
                        int64_t oh0, int64_t R, float *buf) {
    const int64_t IH = g->in_h, IW = g->in_w, PT = g->pad_top, PL = g->pad_left, PW = pl->PW;
    int64_t iwc = PW - PL < IW ? PW - PL : IW; /* input columns that land inside the padded width */
    if (iwc < 0) iwc = 0;
    const int64_t rows = dwf_rows_in(g, pl->S, R);
    if (pl->S == 1) {
        for (int64_t r = 0; r < rows; r++) {
            const int64_t ih = oh0 + r - PT;
            float *d = buf + r * PW + PL;
            if (ih >= 0 && ih < IH) memcpy(d, in + ih * IW, (size_t)iwc * sizeof(float));
            else memset(d, 0, (size_t)iwc * sizeof(float));
        }
    } else {
        const int64_t Wg = pl->Wg;
        /* input column 2x (+PL) -> column phase PL&1, column x + (PL>>1); 2x+1 -> phase (PL+1)&1, x + ((PL+1)>>1) */
        const int64_t pe = PL & 1, ce = PL >> 1, po = (PL + 1) & 1, co = (PL + 1) >> 1;
        for (int64_t r = 0; r < rows; r++) {
            const int64_t ih = oh0 * 2 + r - PT;
            float *rowbase = buf + (r & 1) * 2 * pl->psz + (r >> 1) * Wg;
            float *de = rowbase + pe * pl->psz + ce, *dodd = rowbase + po * pl->psz + co;
            if (ih >= 0 && ih < IH) {
                impl->deint(in + ih * IW, iwc, de, dodd);
            } else {
                memset(de, 0, (size_t)((iwc + 1) / 2) * sizeof(float));
                memset(dodd, 0, (size_t)(iwc / 2) * sizeof(float));
            }
        }
    }
}

static void dwf_task(const dw_args *d, const dwf_plan *pl, float *scratch, int64_t begin, int64_t end) {
    const ek_conv2d_geometry *g = d->g;
    const ek__isa_impl *impl = d->impl;
    const int64_t in_plane = g->in_h * g->in_w, OH = g->out_h, OW = g->out_w, taps = pl->taps;
    float *buf = scratch, *acc = scratch + ((pl->buf_floats + 15) & ~(int64_t)15);
    memset(buf, 0, (size_t)pl->buf_floats * sizeof(float)); /* pad columns stay zero from here on */
    const int single_strip = pl->R >= OH;
    int64_t loaded = -1;
    for (int64_t oc = begin; oc < end; oc++) {
        const int64_t ic = oc / d->multiplier;
        const float *in = d->input + ic * in_plane;
        const float *w = d->weights + oc * taps;
        float *out = d->output + oc * OH * OW;
        const float b = d->bias ? d->bias[oc] : 0.0f;
        for (int64_t oh0 = 0; oh0 < OH; oh0 += pl->R) {
            const int64_t R = OH - oh0 < pl->R ? OH - oh0 : pl->R;
            if (!(single_strip && loaded == ic)) dwf_copy_in(pl, impl, in, g, oh0, R, buf);
            loaded = ic;
            const int64_t n = (R * pl->Wg + 15) & ~(int64_t)15;
            impl->dwflat(buf, pl->off, w, (int)taps, b, acc, n);
            float *o = out + oh0 * OW;
            if (!impl->rows_act(acc, pl->Wg, o, R, OW, d->act)) {
                const ek_activation none = {EK_ACT_NONE, 0, 0};
                impl->rows_act(acc, pl->Wg, o, R, OW, none);
                impl->act(o, o, (size_t)(R * OW), d->act);
            }
        }
    }
}

static int64_t gcd16(int64_t w) {
    const int64_t low = w & -w; /* largest power of two dividing w */
    return low < 16 ? low : 16;
}

/* 1 if impl->dwsame handles g: stride 1, output width == input width (so output and input planes share one flat
 * index up to a per-tap offset), kernel up to 7×7, column offsets within ±16 (one neighbouring vector), int32-indexable
 * planes, and a lane column pattern that repeats within EK__DWSAME_MAX_PERIOD vectors. */
static int dwsame_applies(const ek_conv2d_geometry *g) {
    return g->stride_h == 1 && g->stride_w == 1 && g->out_w == g->in_w && g->kernel_h >= 1 && g->kernel_w >= 1 &&
           g->kernel_h <= 7 && g->kernel_w <= 7 && g->dilation_h >= 1 && g->dilation_w >= 1 && g->pad_top >= 0 &&
           g->pad_left >= 0 && g->pad_left <= 16 && g->pad_left <= (g->kernel_w - 1) * g->dilation_w &&
           (g->kernel_w - 1) * g->dilation_w - g->pad_left <= 16 && g->in_h >= 1 && g->in_w >= 1 &&
           (g->in_h + g->out_h + 2 * g->kernel_h * g->dilation_h) * g->in_w < INT32_MAX / 2 &&
           g->in_w / gcd16(g->in_w) <= EK__DWSAME_MAX_PERIOD;
}

static void dwsame_task(const dw_args *d, int64_t begin, int64_t end) {
    if (d->impl->dwsame(d->input, d->weights, d->bias, d->output, d->g, d->multiplier, begin, end, d->act)) return;
    const ek_activation none = {EK_ACT_NONE, 0, 0}; /* sigmoid / tanh: a separate pass over the planes */
    d->impl->dwsame(d->input, d->weights, d->bias, d->output, d->g, d->multiplier, begin, end, none);
    const int64_t out_plane = d->g->out_h * d->g->out_w;
    d->impl->act(d->output + begin * out_plane, d->output + begin * out_plane, (size_t)((end - begin) * out_plane), d->act);
}

static void dw_task(void *ctx, int64_t begin, int64_t end) {
    const dw_args *d = (const dw_args *)ctx;
    const ek_conv2d_geometry *g = d->g;
    if (d->impl->dwsame && dwsame_applies(g)) {
        dwsame_task(d, begin, end);
        return;
    }
    /* AVX-512's direct 3×3 kernel reads the input in place and is as fast or faster once rows fill
     * its vectors (measured: 72×80² s1 ≈ tie, s2 at 40 output columns ≈ 15% faster); below that, and on
     * AVX2/NEON, the padded-plane path wins. */
    const int wide3x3 = d->impl->isa == EK_ISA_AVX512 && d->impl->dw3x3 && g->kernel_h == 3 && g->kernel_w == 3 &&
                        g->dilation_h == 1 && g->dilation_w == 1 && g->stride_h == g->stride_w &&
                        ((g->stride_w == 1 && g->out_w >= 64) || (g->stride_w == 2 && g->out_w >= 32));
    if (d->impl->dwflat && !wide3x3) {
        size_t avail = 0;
        float *scratch = ek__thread_scratch(&avail);
        dwf_plan pl;
        if (scratch && dwf_make_plan(g, &pl, avail)) {
            dwf_task(d, &pl, scratch, begin, end);
            return;
        }
    }
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

/* ---- direct convolution for few input channels (stem convs) ---------------------------------------
 *
 * Same padded-plane scheme as the depthwise path, with all Cin padded planes of a strip side by side:
 * output channel co is acc[p] = bias[co] + Σ_{c,t} w[co][c][t]·buf[p + c·plane + off[t]], i.e. one
 * impl->dwflat call with Cin·kh·kw taps over the strip (weights [Cout][Cin][kh][kw] are already in
 * that order), then the copy-out with the fused activation. Strips of output rows are split across
 * the pool. The scalar ISA runs the generic per-plane loop (reference).
 */
#define SC_MAX_CIN 4
#define SC_STRIP_FLOATS 8192

typedef struct {
    const float *input, *weights, *bias;
    float *output;
    const ek_conv2d_geometry *g;
    int64_t cout;
    ek_activation act;
    const ek__isa_impl *impl;
    int64_t rows_per_strip;
} sc_args;

static int sc_plan(const ek_conv2d_geometry *g, dwf_plan *pl, int32_t *off, size_t avail) {
    const int64_t cin = g->channels;
    if (!dwf_make_plan_n(g, pl, avail, cin, SC_STRIP_FLOATS)) return 0;
    if ((size_t)(cin * pl->buf_floats + 8 * pl->acc_floats + 32) > avail) return 0; /* 8 accumulator planes */
    for (int64_t c = 0; c < cin; c++)
        for (int t = 0; t < pl->taps; t++) off[c * pl->taps + t] = (int32_t)(c * pl->buf_floats) + pl->off[t];
    return 1;
}

static void sc_task(void *ctx, int64_t sb, int64_t se) {
    const sc_args *a = (const sc_args *)ctx;
    const ek_conv2d_geometry *g = a->g;
    const ek__isa_impl *impl = a->impl;
    const int64_t cin = g->channels, OH = g->out_h, OW = g->out_w, taps = cin * g->kernel_h * g->kernel_w;
    size_t avail = 0;
    float *scratch = impl->dwflat ? ek__thread_scratch(&avail) : NULL;
    dwf_plan pl;
    int32_t off[SC_MAX_CIN * DWF_MAX_TAPS];
    if (scratch && sc_plan(g, &pl, off, avail) && pl.R == a->rows_per_strip) {
        float *buf = scratch, *acc = scratch + cin * pl.buf_floats;
        memset(buf, 0, (size_t)(cin * pl.buf_floats) * sizeof(float));
        for (int64_t st = sb; st < se; st++) {
            const int64_t oh0 = st * pl.R, R = OH - oh0 < pl.R ? OH - oh0 : pl.R;
            for (int64_t c = 0; c < cin; c++)
                dwf_copy_in(&pl, impl, a->input + c * g->in_h * g->in_w, g, oh0, R, buf + c * pl.buf_floats);
            const int64_t n = (R * pl.Wg + 15) & ~(int64_t)15;
            for (int64_t co0 = 0; co0 < a->cout;) {
                int64_t nco = 1;
                if (impl->convflat8 && a->cout - co0 >= 8) {
                    float zb[8] = {0};
                    impl->convflat8(buf, off, a->weights + co0 * taps, taps, (int)taps, a->bias ? a->bias + co0 : zb, acc,
                                    n, n);
                    nco = 8;
                } else {
                    impl->dwflat(buf, off, a->weights + co0 * taps, (int)taps, a->bias ? a->bias[co0] : 0.0f, acc, n);
                }
                for (int64_t k = 0; k < nco; k++) {
                    float *o = a->output + (co0 + k) * OH * OW + oh0 * OW;
                    if (!impl->rows_act(acc + k * n, pl.Wg, o, R, OW, a->act)) {
                        const ek_activation none = {EK_ACT_NONE, 0, 0};
                        impl->rows_act(acc + k * n, pl.Wg, o, R, OW, none);
                        impl->act(o, o, (size_t)(R * OW), a->act);
                    }
                }
                co0 += nco;
            }
        }
        return;
    }
    /* reference / fallback: generic loops over the strips' rows (a sub-geometry of out rows [r0, r1)) */
    const int64_t r0 = sb * a->rows_per_strip, r1 = se * a->rows_per_strip < OH ? se * a->rows_per_strip : OH;
    if (r0 >= r1) return;
    ek_conv2d_geometry sg = *g;
    sg.out_h = r1 - r0;
    sg.pad_top = g->pad_top - r0 * g->stride_h; /* may go negative: rows are then read further down */
    for (int64_t co = 0; co < a->cout; co++) {
        float *o = a->output + co * OH * OW + r0 * OW;
        for (int64_t c = 0; c < cin; c++)
            dw_plane_generic_acc(a->input + c * g->in_h * g->in_w, a->weights + (co * cin + c) * g->kernel_h * g->kernel_w,
                                 a->bias ? a->bias[co] : 0.0f, o, &sg, c > 0);
        if (a->act.kind != EK_ACT_NONE) impl->act(o, o, (size_t)(sg.out_h * OW), a->act);
    }
}

int ek_conv2d_small_cin_supported(const ek_conv2d_geometry *g) {
    return g->channels >= 1 && g->channels <= SC_MAX_CIN && g->kernel_h >= 1 && g->kernel_w >= 1 && g->kernel_h <= 7 &&
           g->kernel_w <= 7 && g->stride_h == g->stride_w && (g->stride_w == 1 || g->stride_w == 2) &&
           g->dilation_h >= 1 && g->dilation_w >= 1 && g->pad_top >= 0 && g->pad_left >= 0 && g->in_h >= 1 &&
           g->in_w >= 1 && g->out_h >= 0 && g->out_w >= 0;
}

int ek_conv2d_small_cin(const float *input, const float *weights, const float *bias, float *output,
                        const ek_conv2d_geometry *g, int64_t out_channels, ek_activation act, ek_pool *pool) {
    if (!ek_conv2d_small_cin_supported(g) || out_channels < 0) return -1;
    if (out_channels == 0 || g->out_h == 0 || g->out_w == 0) return 0;
    sc_args a = {input, weights, bias, output, g, out_channels, act, ek__impl(), 0};
    /* strip height from the plan (same on every thread: the arena size is process-wide) */
    size_t avail = 0;
    float *scratch = a.impl->dwflat ? ek__thread_scratch(&avail) : NULL;
    dwf_plan pl;
    int32_t off[SC_MAX_CIN * DWF_MAX_TAPS];
    a.rows_per_strip = (scratch && sc_plan(g, &pl, off, avail)) ? pl.R : 8;
    const int64_t strips = (g->out_h + a.rows_per_strip - 1) / a.rows_per_strip;
    const double work = (double)out_channels * (double)(g->out_h * g->out_w) * (double)(g->channels * g->kernel_h * g->kernel_w);
    if (!pool || work < 2.0e5 || strips < 2) sc_task(&a, 0, strips);
    else ek_pool_parallel_for(pool, strips, sc_task, &a);
    return 0;
}

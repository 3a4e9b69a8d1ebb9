/*
 * pooling.c — 2-D max/average pooling (no dilation) and global average/max pooling of NCHW planes.
 *
 * ek_pool2d works one output row at a time. The vertical taps of that row are clipped to the
 * input once; columns split into an interior, where every horizontal tap lands inside the input,
 * and two short padded edges. The interior loop is specialised for kernel width 1/2/3 and stride
 * 1/2 (the common pools), so its taps are fixed offsets the compiler vectorises across output
 * columns (stride 2 becomes an interleaved load); other shapes use a generic tap loop. The
 * vector bodies are compiled once per x86 ISA (target attributes) and picked at run time; the
 * scalar ISA runs the plain reference loop (pool2d_ref), which the conformance tests compare too.
 * Global pooling sums (or maxes) each plane in 16 independent lanes (one vector register or a few).
 */
#include "internal.h"

#include <float.h>

/* Columns [lo, hi) of the output whose taps all land inside [0, in_w). */
static void interior_cols(const ek_pool2d_geometry *g, int64_t *lo, int64_t *hi) {
    const int64_t sw = g->stride_w, kw = g->kernel_w, pl = g->pad_left;
    int64_t l = pl > 0 ? (pl + sw - 1) / sw : 0;
    int64_t h = g->in_w - kw + pl >= 0 ? (g->in_w - kw + pl) / sw + 1 : 0;
    if (h > g->out_w) h = g->out_w;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* Window count along one axis for output o: taps inside the input, or (include_pad) inside the padding. */
EK__INLINE int64_t axis_count(int64_t o, int64_t stride, int64_t kernel, int64_t pad_begin, int64_t pad_end,
                              int64_t in, int include_pad, int64_t *first, int64_t *last) {
    const int64_t s = o * stride - pad_begin;
    int64_t f = s < 0 ? 0 : s, l = s + kernel < in ? s + kernel : in;
    if (l < f) l = f;
    *first = f;
    *last = l;
    if (!include_pad) return l - f;
    const int64_t pf = s < -pad_begin ? -pad_begin : s, pe = s + kernel < in + pad_end ? s + kernel : in + pad_end;
    return pe > pf ? pe - pf : 0;
}

/* One output column by the plain tap loop (edges, and the whole row in the reference). */
EK__INLINE float pool_one(const float *plane, const ek_pool2d_geometry *g, int64_t r0, int64_t r1, int64_t vcount,
                          int64_t ow, int is_max, int include_pad) {
    int64_t c0, c1;
    const int64_t hcount = axis_count(ow, g->stride_w, g->kernel_w, g->pad_left, g->pad_right, g->in_w, include_pad,
                                      &c0, &c1);
    float acc = is_max ? -FLT_MAX : 0.0f;
    for (int64_t r = r0; r < r1; r++)
        for (int64_t c = c0; c < c1; c++) {
            const float v = plane[r * g->in_w + c];
            acc = is_max ? (v > acc ? v : acc) : acc + v;
        }
    if (is_max) return acc;
    const int64_t count = vcount * hcount;
    return count > 0 ? acc / (float)count : 0.0f;
}

static void pool2d_ref(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g, int is_max,
                       int include_pad) {
    for (int64_t p = 0; p < planes; p++) {
        const float *plane = in + p * g->in_h * g->in_w;
        for (int64_t oh = 0; oh < g->out_h; oh++) {
            int64_t r0, r1;
            const int64_t vcount = axis_count(oh, g->stride_h, g->kernel_h, g->pad_top, g->pad_bottom, g->in_h,
                                              include_pad, &r0, &r1);
            float *o = out + (p * g->out_h + oh) * g->out_w;
            for (int64_t ow = 0; ow < g->out_w; ow++) o[ow] = pool_one(plane, g, r0, r1, vcount, ow, is_max, include_pad);
        }
    }
}

/* Interior of one output row: o[ow] = f over the KW taps of input row `row` at ow·S (ACC: combined
 * with o[ow] by max / +). Compile-time KW, S, MAX, ACC and restrict pointers let the loop vectorise
 * without run-time alias checks. */
EK__INLINE void row_tpl(const int KW, const int S, const int MAX, const int ACC, const float *restrict row,
                        float *restrict o, int64_t lo, int64_t hi) {
    for (int64_t ow = lo; ow < hi; ow++) {
        const float *x = row + ow * S;
        float v = x[0];
        if (KW > 1) v = MAX ? (x[1] > v ? x[1] : v) : v + x[1];
        if (KW > 2) v = MAX ? (x[2] > v ? x[2] : v) : v + x[2];
        if (ACC) v = MAX ? (v > o[ow] ? v : o[ow]) : o[ow] + v;
        o[ow] = v;
    }
}

#define ROW_CASES(KW, S)                                                      \
    if (is_max) {                                                             \
        if (acc) row_tpl(KW, S, 1, 1, row, o, lo, hi);                        \
        else row_tpl(KW, S, 1, 0, row, o, lo, hi);                            \
    } else {                                                                  \
        if (acc) row_tpl(KW, S, 0, 1, row, o, lo, hi);                        \
        else row_tpl(KW, S, 0, 0, row, o, lo, hi);                            \
    }

EK__INLINE void row_interior(const float *row, float *o, int64_t lo, int64_t hi, int64_t kw, int64_t sw, int is_max,
                             int acc) {
    if (kw == 2 && sw == 2) { ROW_CASES(2, 2) }
    else if (kw == 3 && sw == 1) { ROW_CASES(3, 1) }
    else if (kw == 3 && sw == 2) { ROW_CASES(3, 2) }
    else if (kw == 2 && sw == 1) { ROW_CASES(2, 1) }
    else if (kw == 1 && sw == 1) { ROW_CASES(1, 1) }
    else if (kw == 1 && sw == 2) { ROW_CASES(1, 2) }
    else {
        for (int64_t ow = lo; ow < hi; ow++) {
            const float *x = row + ow * sw;
            float v = x[0];
            for (int64_t k = 1; k < kw; k++) v = is_max ? (x[k] > v ? x[k] : v) : v + x[k];
            o[ow] = !acc ? v : is_max ? (v > o[ow] ? v : o[ow]) : o[ow] + v;
        }
    }
}

/* Kernel height 1, no padding, rows an exact number of horizontal windows (e.g. 1×2 stride 2 on
 * an even width): every plane is one long output row. */
static int rows_collapse(const ek_pool2d_geometry *g) {
    return g->kernel_h == 1 && g->stride_h == 1 && g->out_h == g->in_h && g->pad_top == 0 && g->pad_bottom == 0 &&
           g->pad_left == 0 && g->pad_right == 0 && g->kernel_w <= g->stride_w && g->in_w == g->out_w * g->stride_w;
}

EK__INLINE void pool2d_tpl(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g, int is_max,
                           int include_pad) {
    int64_t lo, hi;
    interior_cols(g, &lo, &hi);
    const int64_t kw = g->kernel_w, sw = g->stride_w;
    if (rows_collapse(g)) {
        const int64_t n = planes * g->out_h * g->out_w;
        row_interior(in, out, 0, n, kw, sw, is_max, 0);
        if (!is_max) {
            const float scale = 1.0f / (float)kw;
            for (int64_t i = 0; i < n; i++) out[i] *= scale;
        }
        return;
    }
    for (int64_t p = 0; p < planes; p++) {
        const float *plane = in + p * g->in_h * g->in_w;
        for (int64_t oh = 0; oh < g->out_h; oh++) {
            int64_t r0, r1;
            const int64_t vcount = axis_count(oh, g->stride_h, g->kernel_h, g->pad_top, g->pad_bottom, g->in_h,
                                              include_pad, &r0, &r1);
            float *o = out + (p * g->out_h + oh) * g->out_w;
            for (int64_t ow = 0; ow < lo; ow++) o[ow] = pool_one(plane, g, r0, r1, vcount, ow, is_max, include_pad);
            for (int64_t ow = hi; ow < g->out_w; ow++) o[ow] = pool_one(plane, g, r0, r1, vcount, ow, is_max, include_pad);
            if (lo >= hi) continue;
            if (r0 >= r1) {
                for (int64_t ow = lo; ow < hi; ow++) o[ow] = is_max ? -FLT_MAX : 0.0f;
                continue;
            }
            /* interior: rows accumulate into o, which is then scaled once (average) */
            for (int64_t r = r0; r < r1; r++)
                row_interior(plane + r * g->in_w - g->pad_left, o, lo, hi, kw, sw, is_max, r > r0);
            if (!is_max) {
                const int64_t count = vcount * kw; /* interior: all kw taps are inside the input */
                const float scale = count > 0 ? 1.0f / (float)count : 0.0f;
                for (int64_t ow = lo; ow < hi; ow++) o[ow] *= scale;
            }
        }
    }
}

EK__INLINE float plane_reduce(const float *x, int64_t n, int is_max) {
    float r = is_max ? x[0] : 0.0f;
    int64_t i = 0;
    if (n >= 16) {
        float acc[16];
        for (int l = 0; l < 16; l++) acc[l] = x[l];
        for (i = 16; i + 16 <= n; i += 16) {
            if (is_max)
                for (int l = 0; l < 16; l++) acc[l] = x[i + l] > acc[l] ? x[i + l] : acc[l];
            else
                for (int l = 0; l < 16; l++) acc[l] += x[i + l];
        }
        r = acc[0];
        for (int l = 1; l < 16; l++) r = is_max ? (acc[l] > r ? acc[l] : r) : r + acc[l];
    }
    for (; i < n; i++) r = is_max ? (x[i] > r ? x[i] : r) : r + x[i];
    return r;
}

EK__INLINE void global_tpl(const float *x, float *y, int64_t planes, int64_t plane, int is_max) {
    const float scale = 1.0f / (float)plane;
    for (int64_t p = 0; p < planes; p++) {
        const float r = plane_reduce(x + p * plane, plane, is_max);
        y[p] = is_max ? r : r * scale;
    }
}

static void pool2d_generic(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g, int is_max,
                           int include_pad) {
    pool2d_tpl(in, out, planes, g, is_max, include_pad);
}
static void global_generic(const float *x, float *y, int64_t planes, int64_t plane, int is_max) {
    global_tpl(x, y, planes, plane, is_max);
}

#if defined(__x86_64__)
static EK__TARGET_AVX2 void pool2d_avx2(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g,
                                        int is_max, int include_pad) {
    pool2d_tpl(in, out, planes, g, is_max, include_pad);
}
static EK__TARGET_AVX512 void pool2d_avx512(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g,
                                            int is_max, int include_pad) {
    pool2d_tpl(in, out, planes, g, is_max, include_pad);
}
static EK__TARGET_AVX2 void global_avx2(const float *x, float *y, int64_t planes, int64_t plane, int is_max) {
    global_tpl(x, y, planes, plane, is_max);
}
static EK__TARGET_AVX512 void global_avx512(const float *x, float *y, int64_t planes, int64_t plane, int is_max) {
    global_tpl(x, y, planes, plane, is_max);
}
#endif

void ek_pool2d(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g, int is_max,
               int count_include_pad) {
    if (planes <= 0 || g->out_h <= 0 || g->out_w <= 0) return;
    switch (ek_active_isa()) {
    case EK_ISA_SCALAR: pool2d_ref(in, out, planes, g, is_max, count_include_pad); return;
#if defined(__x86_64__)
    case EK_ISA_AVX2: pool2d_avx2(in, out, planes, g, is_max, count_include_pad); return;
    case EK_ISA_AVX512: pool2d_avx512(in, out, planes, g, is_max, count_include_pad); return;
#endif
    default: pool2d_generic(in, out, planes, g, is_max, count_include_pad); return;
    }
}

void ek_global_pool(const float *x, float *y, int64_t planes, int64_t plane, int is_max) {
    if (planes <= 0 || plane <= 0) return;
    switch (ek_active_isa()) {
    case EK_ISA_SCALAR:
        for (int64_t p = 0; p < planes; p++) {
            const float *xp = x + p * plane;
            float r = is_max ? xp[0] : 0.0f;
            for (int64_t i = 0; i < plane; i++) r = is_max ? (xp[i] > r ? xp[i] : r) : r + xp[i];
            y[p] = is_max ? r : r / (float)plane;
        }
        return;
#if defined(__x86_64__)
    case EK_ISA_AVX2: global_avx2(x, y, planes, plane, is_max); return;
    case EK_ISA_AVX512: global_avx512(x, y, planes, plane, is_max); return;
#endif
    default: global_generic(x, y, planes, plane, is_max); return;
    }
}

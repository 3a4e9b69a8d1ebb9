/*
 * qconv.c — int8 convolution helpers (NCHW, one image): u8 im2col (padding = input zero point, so
 * padded taps contribute (za - za)·w = 0 in the GEMM) feeding ek_qgemm_packed_a, and the int8
 * depthwise convolution (direct; channels split across the pool). Depthwise accumulates
 * Σ (x - za)·w in int32 per output row chunk (plane body in qdw_plane.h, compiled per ISA), 3×3
 * stride 1/2 taking a fused three-tap interior loop, other kernels the padded phase planes of qdw_flat.h; then the ISA's requantizing epilogue
 * (same spec as the GEMM, channel = output channel), so results are bit-exact across ISAs.
 */
#include "qinternal.h"

#include <string.h>

#define QDW_CHUNK 512

void ek_im2col_u8(const uint8_t *input, uint8_t *col, const ek_conv2d_geometry *g, uint8_t pad) {
    const int64_t C = g->channels, IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DW = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    const int64_t plane = OH * OW;
    for (int64_t c = 0; c < C; c++) {
        for (int64_t i = 0; i < KH; i++) {
            for (int64_t j = 0; j < KW; j++) {
                uint8_t *dst = col + ((c * KH + i) * KW + j) * plane;
                const int64_t off = j * DW - PL;
                int64_t lo, hi;
                qdw_valid_cols(off, SW, IW, OW, &lo, &hi);
                for (int64_t oh = 0; oh < OH; oh++) {
                    uint8_t *d = dst + oh * OW;
                    const int64_t ih = oh * SH - PT + i * DH;
                    if (ih < 0 || ih >= IH) {
                        memset(d, pad, (size_t)OW);
                        continue;
                    }
                    const uint8_t *irow = input + (c * IH + ih) * IW + off;
                    memset(d, pad, (size_t)lo);
                    ek__copy_strided_u8(d + lo, irow + lo * SW, hi - lo, SW);
                    memset(d + hi, pad, (size_t)(OW - hi));
                }
            }
        }
    }
}

/* ---- depthwise: one plane function per ISA ------------------------------------------------------- */

#define QDW_NAME qdw_plane_base
#define QDW_ROW3 qdw_row3_base
#define QDW_FLAT qdw_flat_base
#define QDW_ATTR
#include "qdw_plane.h"
#undef QDW_NAME
#undef QDW_ROW3
#undef QDW_FLAT
#undef QDW_ATTR

#if defined(__x86_64__)
#define QDW_NAME qdw_plane_avx2
#define QDW_ROW3 qdw_row3_avx2
#define QDW_FLAT qdw_flat_avx2
#define QDW_ATTR EK__TARGET_AVX2
#include "qdw_plane.h"
#undef QDW_NAME
#undef QDW_ROW3
#undef QDW_FLAT
#undef QDW_ATTR
#define QDW_NAME qdw_plane_avx512
#define QDW_ROW3 qdw_row3_avx512
#define QDW_FLAT qdw_flat_avx512
#define QDW_ATTR EK__TARGET_AVX512
#include "qdw_plane.h"
#undef QDW_NAME
#undef QDW_ROW3
#undef QDW_FLAT
#undef QDW_ATTR
#endif

typedef void (*qdw_plane_fn)(const uint8_t *, const int8_t *, int32_t, const ek_conv2d_geometry *, const ek__qepi *,
                             ek__qepi_fn, uint8_t *, size_t, ek__qdw3_row_fn);

typedef struct {
    const uint8_t *input;
    const int8_t *weights;
    uint8_t *output;
    size_t esz;
    const ek_conv2d_geometry *g;
    int64_t multiplier;
    const ek_qoutput *q;
    ek__qepi ep;
    ek__qepi_fn epi;
    qdw_plane_fn plane;
    ek__qdw3_row_fn row3;
    const ek__isa_impl *fi;
    int post;
} qdw_args;

static void qdw_task(void *ctx, int64_t begin, int64_t end) {
    const qdw_args *d = (const qdw_args *)ctx;
    const ek_conv2d_geometry *g = d->g;
    const int64_t in_plane = g->in_h * g->in_w, out_plane = g->out_h * g->out_w, taps = g->kernel_h * g->kernel_w;
    for (int64_t oc = begin; oc < end; oc++) {
        ek__qepi e = d->ep;
        e.mult += oc;
        if (e.bias_i) e.bias_i += oc;
        if (e.bias_f) e.bias_f += oc;
        uint8_t *out = d->output + (size_t)(oc * out_plane) * d->esz;
        d->plane(d->input + (oc / d->multiplier) * in_plane, d->weights + oc * taps, d->q->a_zero_point, g, &e, d->epi,
                 out, d->esz, d->row3);
        if (d->post) d->fi->act((float *)out, (float *)out, (size_t)out_plane, d->q->act);
    }
}

static const int32_t k_zero_wsum[1] = {0};

int ek_qconv2d_depthwise(const uint8_t *input, const int8_t *weights, void *output, int out_type,
                         const ek_conv2d_geometry *g, int64_t multiplier, const ek_qoutput *q, ek_pool *pool) {
    if (!q || !q->multiplier || multiplier < 1 || q->a_zero_point < 0 || q->a_zero_point > 255) return -1;
    const int out_f32 = out_type == EK_QOUT_F32;
    if (!out_f32 && (q->qmin < 0 || q->qmax > 255 || q->qmin > q->qmax || q->out_zero_point < 0 ||
                     q->out_zero_point > 255))
        return -1;
    if (g->kernel_h * g->kernel_w > EK_QGEMM_MAX_K || g->stride_h < 1 || g->stride_w < 1 || g->dilation_h < 1 ||
        g->dilation_w < 1)
        return -1;
    const int64_t oc = g->channels * multiplier;
    if (oc <= 0 || g->out_h <= 0 || g->out_w <= 0) return 0;
    const ek__qimpl *qi = ek__qimpl_active();
    qdw_args d;
    memset(&d, 0, sizeof d);
    d.input = input;
    d.weights = weights;
    d.output = (uint8_t *)output;
    d.esz = out_f32 ? 4 : 1;
    d.g = g;
    d.multiplier = multiplier;
    d.q = q;
    d.epi = qi->epi;
    d.fi = ek__impl();
    d.plane = qdw_plane_base;
    d.row3 = qi->dw3_row;
#if defined(__x86_64__)
    if (qi->isa == EK_ISA_AVX2) d.plane = qdw_plane_avx2;
    if (qi->isa == EK_ISA_AVX512) d.plane = qdw_plane_avx512;
    /* VNNI + VBMI: the quad kernel for every shape but 3×3 stride 2 (its row kernel is faster there,
     * make bench-qkernels) */
    const int row3_s2 = g->kernel_h == 3 && g->kernel_w == 3 && g->dilation_h == 1 && g->dilation_w == 1 &&
                        g->stride_w == 2;
    if (qi->kernel == ek__qkernel_avx512vnni && !row3_s2 && ek__qdw_vnni_fits(g)) d.plane = ek__qdw_plane_vnni;
#endif
    ek__qepi *e = &d.ep;
    e->per_col = 0;
    e->out_f32 = out_f32;
    e->zeff = 0; /* accumulators already hold Σ (x - za)·w */
    e->zo = q->out_zero_point;
    e->scale = q->scale;
    e->wsum = k_zero_wsum;
    e->mult = q->multiplier;
    e->bias_i = q->bias_i32;
    e->bias_f = out_f32 ? q->bias_f32 : NULL;
    if (out_f32) {
        ek__qepi_set_f32_act(e, q->act);
        d.post = ek__q_act_post(q->act);
    } else {
        e->lo = (float)(q->qmin - q->out_zero_point);
        e->hi = (float)(q->qmax - q->out_zero_point);
    }
    const double work = (double)oc * (double)(g->out_h * g->out_w) * (double)(g->kernel_h * g->kernel_w);
    if (!pool || work < 1.0e5 || ek__in_pool_worker()) qdw_task(&d, 0, oc);
    else ek_pool_parallel_for(pool, oc, qdw_task, &d);
    return 0;
}

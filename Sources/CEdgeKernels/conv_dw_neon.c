/*
 * conv_dw_neon.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AArch64 NEON.
 * 4 output columns per q register; stride 2 deinterleaves with vld2q. Borders/tail are scalar.
 * Also the padded-plane ("flat") depthwise pieces used by conv.c (tap-sum core: 32 outputs = 8 q
 * accumulators per block; stride-2 row deinterleave; row copy-out with fused activation).
 */
#if defined(__aarch64__)
#include "internal.h"
#include "conv_dw_common.h"

#include <arm_neon.h>

void ek__dw3x3_neon(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo, hi;
    ek__dw3x3_interior(g, &lo, &hi);
    const float32x4_t vb = vdupq_n_f32(bias);
    float32x4_t wv[9];
    for (int t = 0; t < 9; t++) wv[t] = vdupq_n_f32(w[t]);
    for (int64_t oh = 0; oh < OH; oh++) {
        float *orow = out + oh * OW;
        const float *rows[3];
        for (int i = 0; i < 3; i++) {
            const int64_t ih = oh * S - PT + i;
            rows[i] = (ih >= 0 && ih < IH) ? in + ih * IW : NULL;
        }
        for (int64_t ow = 0; ow < lo; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
        int64_t ow = lo;
        if (S == 1) {
            for (; ow + 8 <= hi; ow += 8) {
                float32x4_t a0 = vb, a1 = vb;
                for (int i = 0; i < 3; i++) {
                    if (!rows[i]) continue;
                    const float *p = rows[i] + ow - PL;
                    a0 = vfmaq_f32(a0, wv[3 * i + 0], vld1q_f32(p));
                    a1 = vfmaq_f32(a1, wv[3 * i + 0], vld1q_f32(p + 4));
                    a0 = vfmaq_f32(a0, wv[3 * i + 1], vld1q_f32(p + 1));
                    a1 = vfmaq_f32(a1, wv[3 * i + 1], vld1q_f32(p + 5));
                    a0 = vfmaq_f32(a0, wv[3 * i + 2], vld1q_f32(p + 2));
                    a1 = vfmaq_f32(a1, wv[3 * i + 2], vld1q_f32(p + 6));
                }
                vst1q_f32(orow + ow, a0);
                vst1q_f32(orow + ow + 4, a1);
            }
            for (; ow + 4 <= hi; ow += 4) {
                float32x4_t a0 = vb;
                for (int i = 0; i < 3; i++) {
                    if (!rows[i]) continue;
                    const float *p = rows[i] + ow - PL;
                    a0 = vfmaq_f32(a0, wv[3 * i + 0], vld1q_f32(p));
                    a0 = vfmaq_f32(a0, wv[3 * i + 1], vld1q_f32(p + 1));
                    a0 = vfmaq_f32(a0, wv[3 * i + 2], vld1q_f32(p + 2));
                }
                vst1q_f32(orow + ow, a0);
            }
        } else {
            /* vld2q at p and p+2 touch input columns up to ow*2 - PL + 9 */
            for (; ow + 4 <= hi && ow * 2 - PL + 9 <= IW - 1; ow += 4) {
                float32x4_t a0 = vb;
                for (int i = 0; i < 3; i++) {
                    if (!rows[i]) continue;
                    const float *p = rows[i] + ow * 2 - PL;
                    const float32x4x2_t v = vld2q_f32(p);
                    const float32x4x2_t v2 = vld2q_f32(p + 2);
                    a0 = vfmaq_f32(a0, wv[3 * i + 0], v.val[0]);
                    a0 = vfmaq_f32(a0, wv[3 * i + 1], v.val[1]);
                    a0 = vfmaq_f32(a0, wv[3 * i + 2], v2.val[0]);
                }
                vst1q_f32(orow + ow, a0);
            }
        }
        for (; ow < OW; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
    }
}

/* ---- padded-plane depthwise pieces ---------------------------------------------------------- */

void ek__dwflat_neon(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc,
                     int64_t n) {
    const float32x4_t vb = vdupq_n_f32(bias);
    int64_t p = 0;
    for (; p + 32 <= n; p += 32) {
        float32x4_t a0 = vb, a1 = vb, a2 = vb, a3 = vb, a4 = vb, a5 = vb, a6 = vb, a7 = vb;
        const float *b = buf + p;
        for (int t = 0; t < taps; t++) {
            const float wv = w[t];
            const float *q = b + off[t];
            a0 = vfmaq_n_f32(a0, vld1q_f32(q), wv);
            a1 = vfmaq_n_f32(a1, vld1q_f32(q + 4), wv);
            a2 = vfmaq_n_f32(a2, vld1q_f32(q + 8), wv);
            a3 = vfmaq_n_f32(a3, vld1q_f32(q + 12), wv);
            a4 = vfmaq_n_f32(a4, vld1q_f32(q + 16), wv);
            a5 = vfmaq_n_f32(a5, vld1q_f32(q + 20), wv);
            a6 = vfmaq_n_f32(a6, vld1q_f32(q + 24), wv);
            a7 = vfmaq_n_f32(a7, vld1q_f32(q + 28), wv);
        }
        vst1q_f32(acc + p, a0);
        vst1q_f32(acc + p + 4, a1);
        vst1q_f32(acc + p + 8, a2);
        vst1q_f32(acc + p + 12, a3);
        vst1q_f32(acc + p + 16, a4);
        vst1q_f32(acc + p + 20, a5);
        vst1q_f32(acc + p + 24, a6);
        vst1q_f32(acc + p + 28, a7);
    }
    if (p < n) { /* 16 left */
        float32x4_t a0 = vb, a1 = vb, a2 = vb, a3 = vb;
        const float *b = buf + p;
        for (int t = 0; t < taps; t++) {
            const float wv = w[t];
            const float *q = b + off[t];
            a0 = vfmaq_n_f32(a0, vld1q_f32(q), wv);
            a1 = vfmaq_n_f32(a1, vld1q_f32(q + 4), wv);
            a2 = vfmaq_n_f32(a2, vld1q_f32(q + 8), wv);
            a3 = vfmaq_n_f32(a3, vld1q_f32(q + 12), wv);
        }
        vst1q_f32(acc + p, a0);
        vst1q_f32(acc + p + 4, a1);
        vst1q_f32(acc + p + 8, a2);
        vst1q_f32(acc + p + 12, a3);
    }
}

void ek__deint_neon(const float *src, int64_t n, float *even, float *odd) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float32x4x2_t v = vld2q_f32(src + i);
        vst1q_f32(even + i / 2, v.val[0]);
        vst1q_f32(odd + i / 2, v.val[1]);
    }
    for (; i + 1 < n; i += 2) {
        even[i / 2] = src[i];
        odd[i / 2] = src[i + 1];
    }
    if (i < n) even[i / 2] = src[i];
}

static inline float32x4_t act_pl_neon(float32x4_t x, int kind, float32x4_t al, float32x4_t be) {
    const float32x4_t zero = vdupq_n_f32(0.0f), one = vdupq_n_f32(1.0f);
    switch (kind) {
    case EK_ACT_RELU: return vmaxq_f32(x, zero);
    case EK_ACT_CLIP: return vminq_f32(vmaxq_f32(x, al), be);
    case EK_ACT_LEAKY_RELU: return vbslq_f32(vcltq_f32(x, zero), vmulq_f32(x, al), x);
    case EK_ACT_HARD_SIGMOID: return vminq_f32(vmaxq_f32(vfmaq_f32(be, al, x), zero), one);
    case EK_ACT_HARD_SWISH: {
        const float32x4_t g = vfmaq_f32(vdupq_n_f32(0.5f), x, vdupq_n_f32(1.0f / 6.0f));
        return vmulq_f32(x, vminq_f32(vmaxq_f32(g, zero), one));
    }
    default: return x;
    }
}

int ek__rows_act_neon(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act) {
    const int kind = act.kind;
    if (kind == EK_ACT_SIGMOID || kind == EK_ACT_TANH || kind < 0 || kind > EK_ACT_HARD_SWISH) return 0;
    const float32x4_t al = vdupq_n_f32(act.alpha), be = vdupq_n_f32(act.beta);
    for (int64_t r = 0; r < rows; r++) {
        const float *s = src + r * lds;
        float *o = out + r * cols;
        int64_t x = 0;
        for (; x + 4 <= cols; x += 4) vst1q_f32(o + x, act_pl_neon(vld1q_f32(s + x), kind, al, be));
        if (x < cols) {
            float tmp[4] = {0};
            for (int64_t k = x; k < cols; k++) tmp[k - x] = s[k];
            vst1q_f32(tmp, act_pl_neon(vld1q_f32(tmp), kind, al, be));
            for (int64_t k = x; k < cols; k++) o[k] = tmp[k - x];
        }
    }
    return 1;
}
#endif

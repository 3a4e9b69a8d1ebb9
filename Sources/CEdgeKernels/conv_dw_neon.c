/*
 * conv_dw_neon.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AArch64 NEON.
 * 4 output columns per q register; stride 2 deinterleaves with vld2q. Borders/tail are scalar.
 */
#if defined(__aarch64__)
#include "internal.h"

#include <arm_neon.h>

static inline float dw_point(const float *in, const float *w, float bias, const ek_conv2d_geometry *g, int64_t oh,
                             int64_t ow) {
    float s = bias;
    const int64_t S = g->stride_w;
    for (int i = 0; i < 3; i++) {
        const int64_t ih = oh * S - g->pad_top + i;
        if (ih < 0 || ih >= g->in_h) continue;
        for (int j = 0; j < 3; j++) {
            const int64_t iw = ow * S - g->pad_left + j;
            if (iw < 0 || iw >= g->in_w) continue;
            s += w[i * 3 + j] * in[ih * g->in_w + iw];
        }
    }
    return s;
}

void ek__dw3x3_neon(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo = (PL + S - 1) / S;
    int64_t hi = (IW - 3 + PL) >= 0 ? (IW - 3 + PL) / S + 1 : 0;
    if (hi > OW) hi = OW;
    if (lo > hi) lo = hi;
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
        for (int64_t ow = 0; ow < lo; ow++) orow[ow] = dw_point(in, w, bias, g, oh, ow);
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
        for (; ow < OW; ow++) orow[ow] = dw_point(in, w, bias, g, oh, ow);
    }
}
#endif

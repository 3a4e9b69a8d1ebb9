/*
 * conv_dw_avx512.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AVX-512F.
 * 16 output columns per zmm; stride 2 deinterleaves with vpermt2ps. Borders are scalar; the
 * interior tail uses masked loads/stores.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>

#define T EK__TARGET_AVX512

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

T void ek__dw3x3_avx512(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo = (PL + S - 1) / S;
    int64_t hi = (IW - 3 + PL) >= 0 ? (IW - 3 + PL) / S + 1 : 0;
    if (hi > OW) hi = OW;
    if (lo > hi) lo = hi;
    const __m512 vb = _mm512_set1_ps(bias);
    __m512 wv[9];
    for (int t = 0; t < 9; t++) wv[t] = _mm512_set1_ps(w[t]);
    const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
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
            /* full vectors and a masked tail: every lane < hi reads inside the row */
            for (; ow < hi; ow += 16) {
                const int64_t cnt = hi - ow < 16 ? hi - ow : 16;
                const __mmask16 m = (__mmask16)((1u << cnt) - 1);
                __m512 acc0 = vb, acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps();
                if (rows[0]) {
                    const float *p = rows[0] + ow - PL;
                    acc0 = _mm512_fmadd_ps(wv[0], _mm512_maskz_loadu_ps(m, p), acc0);
                    acc0 = _mm512_fmadd_ps(wv[1], _mm512_maskz_loadu_ps(m, p + 1), acc0);
                    acc0 = _mm512_fmadd_ps(wv[2], _mm512_maskz_loadu_ps(m, p + 2), acc0);
                }
                if (rows[1]) {
                    const float *p = rows[1] + ow - PL;
                    acc1 = _mm512_fmadd_ps(wv[3], _mm512_maskz_loadu_ps(m, p), acc1);
                    acc1 = _mm512_fmadd_ps(wv[4], _mm512_maskz_loadu_ps(m, p + 1), acc1);
                    acc1 = _mm512_fmadd_ps(wv[5], _mm512_maskz_loadu_ps(m, p + 2), acc1);
                }
                if (rows[2]) {
                    const float *p = rows[2] + ow - PL;
                    acc2 = _mm512_fmadd_ps(wv[6], _mm512_maskz_loadu_ps(m, p), acc2);
                    acc2 = _mm512_fmadd_ps(wv[7], _mm512_maskz_loadu_ps(m, p + 1), acc2);
                    acc2 = _mm512_fmadd_ps(wv[8], _mm512_maskz_loadu_ps(m, p + 2), acc2);
                }
                _mm512_mask_storeu_ps(orow + ow, m, _mm512_add_ps(acc0, _mm512_add_ps(acc1, acc2)));
            }
        } else {
            for (; ow < hi; ow += 16) {
                const int64_t cnt = hi - ow < 16 ? hi - ow : 16;
                const __mmask16 m = (__mmask16)((1u << cnt) - 1);
                /* lanes < cnt read input columns up to 2*(ow+cnt-1) - PL + 2 <= IW - 1 */
                const int64_t need = 2 * cnt + 1;  /* elements from p needed incl. the +2 shift */
                const __mmask16 mlo = (__mmask16)(need >= 16 ? 0xFFFF : (1u << need) - 1);
                const __mmask16 mhi = (__mmask16)(need - 16 >= 16 ? 0xFFFF : need > 16 ? (1u << (need - 16)) - 1 : 0);
                __m512 acc[3] = {vb, _mm512_setzero_ps(), _mm512_setzero_ps()};
                for (int i = 0; i < 3; i++) {
                    if (!rows[i]) continue;
                    const float *p = rows[i] + ow * 2 - PL;
                    const __m512 a = _mm512_maskz_loadu_ps(mlo, p), b = _mm512_maskz_loadu_ps(mhi, p + 16);
                    const __m512 e0 = _mm512_permutex2var_ps(a, ie, b);
                    const __m512 o0 = _mm512_permutex2var_ps(a, io, b);
                    /* e2[l] = p[2l+2] = e0[l+1]; last lane needs p[32] */
                    const __m512 next = _mm512_maskz_loadu_ps((__mmask16)(cnt == 16 ? 1 : 0), p + 32);
                    const __m512 e2 = _mm512_permutex2var_ps(e0, _mm512_setr_epi32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), next);
                    acc[i] = _mm512_fmadd_ps(wv[3 * i + 0], e0, acc[i]);
                    acc[i] = _mm512_fmadd_ps(wv[3 * i + 1], o0, acc[i]);
                    acc[i] = _mm512_fmadd_ps(wv[3 * i + 2], e2, acc[i]);
                }
                _mm512_mask_storeu_ps(orow + ow, m, _mm512_add_ps(acc[0], _mm512_add_ps(acc[1], acc[2])));
            }
        }
        for (ow = hi; ow < OW; ow++) orow[ow] = dw_point(in, w, bias, g, oh, ow);
    }
}
#endif

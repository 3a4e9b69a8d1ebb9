/*
 * conv_dw_avx2.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AVX2+FMA.
 * Vectorized over output width (8 columns per ymm); stride 2 deinterleaves even/odd input
 * columns with shuffles. Borders (padding) and the right tail are computed with scalar code.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>

#define T EK__TARGET_AVX2

EK__INLINE T void deint_avx2(const float *p, __m256 *even, __m256 *odd) {
    const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
}

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

T void ek__dw3x3_avx2(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo = (PL + S - 1) / S;
    int64_t hi = (IW - 3 + PL) >= 0 ? (IW - 3 + PL) / S + 1 : 0;
    if (hi > OW) hi = OW;
    if (lo > hi) lo = hi;
    const __m256 vb = _mm256_set1_ps(bias);
    __m256 wv[9];
    for (int t = 0; t < 9; t++) wv[t] = _mm256_set1_ps(w[t]);
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
                __m256 acc0 = vb, acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps();
                if (rows[0]) {
                    const float *p = rows[0] + ow - PL;
                    acc0 = _mm256_fmadd_ps(wv[0], _mm256_loadu_ps(p), acc0);
                    acc0 = _mm256_fmadd_ps(wv[1], _mm256_loadu_ps(p + 1), acc0);
                    acc0 = _mm256_fmadd_ps(wv[2], _mm256_loadu_ps(p + 2), acc0);
                }
                if (rows[1]) {
                    const float *p = rows[1] + ow - PL;
                    acc1 = _mm256_fmadd_ps(wv[3], _mm256_loadu_ps(p), acc1);
                    acc1 = _mm256_fmadd_ps(wv[4], _mm256_loadu_ps(p + 1), acc1);
                    acc1 = _mm256_fmadd_ps(wv[5], _mm256_loadu_ps(p + 2), acc1);
                }
                if (rows[2]) {
                    const float *p = rows[2] + ow - PL;
                    acc2 = _mm256_fmadd_ps(wv[6], _mm256_loadu_ps(p), acc2);
                    acc2 = _mm256_fmadd_ps(wv[7], _mm256_loadu_ps(p + 1), acc2);
                    acc2 = _mm256_fmadd_ps(wv[8], _mm256_loadu_ps(p + 2), acc2);
                }
                _mm256_storeu_ps(orow + ow, _mm256_add_ps(acc0, _mm256_add_ps(acc1, acc2)));
            }
        } else {
            /* loads touch input columns up to ow*2 - PL + 17 */
            for (; ow + 8 <= hi && ow * 2 - PL + 17 <= IW - 1; ow += 8) {
                __m256 acc[3] = {vb, _mm256_setzero_ps(), _mm256_setzero_ps()};
                for (int i = 0; i < 3; i++) {
                    if (!rows[i]) continue;
                    const float *p = rows[i] + ow * 2 - PL;
                    __m256 e0, o0, e2, o2;
                    deint_avx2(p, &e0, &o0);
                    deint_avx2(p + 2, &e2, &o2);
                    (void)o2;
                    acc[i] = _mm256_fmadd_ps(wv[3 * i + 0], e0, acc[i]);
                    acc[i] = _mm256_fmadd_ps(wv[3 * i + 1], o0, acc[i]);
                    acc[i] = _mm256_fmadd_ps(wv[3 * i + 2], e2, acc[i]);
                }
                _mm256_storeu_ps(orow + ow, _mm256_add_ps(acc[0], _mm256_add_ps(acc[1], acc[2])));
            }
        }
        for (; ow < OW; ow++) orow[ow] = dw_point(in, w, bias, g, oh, ow);
    }
}
#endif

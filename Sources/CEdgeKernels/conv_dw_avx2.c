/*
 * conv_dw_avx2.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AVX2+FMA.
 * Vectorized over output width (8 columns per ymm); stride 2 deinterleaves even/odd input
 * columns with shuffles. Borders (padding) and the right tail are computed with scalar code.
 * Also the padded-plane ("flat") depthwise pieces used by conv.c (tap-sum core: 64 outputs = 8 ymm
 * accumulators per block; stride-2 row deinterleave; row copy-out with fused activation).
 */
#if defined(__x86_64__)
#include "internal.h"
#include "conv_dw_common.h"

#include <immintrin.h>

#define T EK__TARGET_AVX2

EK__INLINE T void deint_avx2(const float *p, __m256 *even, __m256 *odd) {
    const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
}

T void ek__dw3x3_avx2(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo, hi;
    ek__dw3x3_interior(g, &lo, &hi);
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
        for (int64_t ow = 0; ow < lo; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
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
        for (; ow < OW; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
    }
}

/* ---- padded-plane depthwise pieces ---------------------------------------------------------- */

T void ek__dwflat_avx2(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc,
                       int64_t n) {
    const __m256 vb = _mm256_set1_ps(bias);
    int64_t p = 0;
    for (; p + 64 <= n; p += 64) {
        __m256 a0 = vb, a1 = vb, a2 = vb, a3 = vb, a4 = vb, a5 = vb, a6 = vb, a7 = vb;
        const float *b = buf + p;
        for (int t = 0; t < taps; t++) {
            const __m256 wv = _mm256_broadcast_ss(w + t);
            const float *q = b + off[t];
            a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q), a0);
            a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 8), a1);
            a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 16), a2);
            a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 24), a3);
            a4 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 32), a4);
            a5 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 40), a5);
            a6 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 48), a6);
            a7 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(q + 56), a7);
        }
        _mm256_storeu_ps(acc + p, a0);
        _mm256_storeu_ps(acc + p + 8, a1);
        _mm256_storeu_ps(acc + p + 16, a2);
        _mm256_storeu_ps(acc + p + 24, a3);
        _mm256_storeu_ps(acc + p + 32, a4);
        _mm256_storeu_ps(acc + p + 40, a5);
        _mm256_storeu_ps(acc + p + 48, a6);
        _mm256_storeu_ps(acc + p + 56, a7);
    }
    for (; p < n; p += 16) {
        __m256 a0 = vb, a1 = vb, c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
        const float *b = buf + p;
        int t = 0;
        for (; t + 2 <= taps; t += 2) {
            const __m256 w0 = _mm256_broadcast_ss(w + t), w1 = _mm256_broadcast_ss(w + t + 1);
            const float *q0 = b + off[t], *q1 = b + off[t + 1];
            a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(q0), a0);
            a1 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(q0 + 8), a1);
            c0 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(q1), c0);
            c1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(q1 + 8), c1);
        }
        if (t < taps) {
            const __m256 w0 = _mm256_broadcast_ss(w + t);
            const float *q0 = b + off[t];
            a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(q0), a0);
            a1 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(q0 + 8), a1);
        }
        _mm256_storeu_ps(acc + p, _mm256_add_ps(a0, c0));
        _mm256_storeu_ps(acc + p + 8, _mm256_add_ps(a1, c1));
    }
}

T void ek__deint_avx2(const float *src, int64_t n, float *even, float *odd) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 e, o;
        deint_avx2(src + i, &e, &o);
        _mm256_storeu_ps(even + i / 2, e);
        _mm256_storeu_ps(odd + i / 2, o);
    }
    for (; i + 1 < n; i += 2) {
        even[i / 2] = src[i];
        odd[i / 2] = src[i + 1];
    }
    if (i < n) even[i / 2] = src[i];
}

EK__INLINE T __m256 act_pl_avx2(__m256 x, int kind, __m256 al, __m256 be) {
    switch (kind) {
    case EK_ACT_RELU: return _mm256_max_ps(x, _mm256_setzero_ps());
    case EK_ACT_CLIP: return _mm256_min_ps(_mm256_max_ps(x, al), be);
    case EK_ACT_LEAKY_RELU: return _mm256_blendv_ps(x, _mm256_mul_ps(x, al), _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
    case EK_ACT_HARD_SIGMOID:
        return _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(al, x, be), _mm256_setzero_ps()), _mm256_set1_ps(1.0f));
    case EK_ACT_HARD_SWISH: {
        const __m256 g = _mm256_fmadd_ps(x, _mm256_set1_ps(1.0f / 6.0f), _mm256_set1_ps(0.5f));
        return _mm256_mul_ps(x, _mm256_min_ps(_mm256_max_ps(g, _mm256_setzero_ps()), _mm256_set1_ps(1.0f)));
    }
    default: return x;
    }
}

T int ek__rows_act_avx2(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act) {
    const int kind = act.kind;
    if (kind == EK_ACT_SIGMOID || kind == EK_ACT_TANH || kind < 0 || kind > EK_ACT_HARD_SWISH) return 0;
    const __m256 al = _mm256_set1_ps(act.alpha), be = _mm256_set1_ps(act.beta);
    for (int64_t r = 0; r < rows; r++) {
        const float *s = src + r * lds;
        float *o = out + r * cols;
        int64_t x = 0;
        for (; x + 8 <= cols; x += 8) _mm256_storeu_ps(o + x, act_pl_avx2(_mm256_loadu_ps(s + x), kind, al, be));
        if (x < cols) {
            const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(cols - x)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
            _mm256_maskstore_ps(o + x, m, act_pl_avx2(_mm256_maskload_ps(s + x, m), kind, al, be));
        }
    }
    return 1;
}
#endif

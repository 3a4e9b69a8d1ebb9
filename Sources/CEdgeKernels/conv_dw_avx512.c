/*
 * conv_dw_avx512.c — direct 3×3 depthwise convolution (stride 1 or 2, dilation 1), AVX-512F.
 * 16 output columns per zmm; stride 2 deinterleaves with vpermt2ps. Borders are scalar; the
 * interior tail uses masked loads/stores.
 * Also the padded-plane ("flat") depthwise pieces used by conv.c: the tap-sum core over a contiguous
 * zero-padded plane (64 outputs = 4 zmm accumulators per block), the stride-2 row deinterleave and
 * the row copy-out with fused piecewise-linear activation.
 */
#if defined(__x86_64__)
#include "internal.h"
#include "conv_dw_common.h"

#include <immintrin.h>

#include "act_pl_avx512.h"

#define T EK__TARGET_AVX512

T void ek__dw3x3_avx512(const float *in, const float *w, float bias, float *out, const ek_conv2d_geometry *g) {
    const int64_t IH = g->in_h, IW = g->in_w, OH = g->out_h, OW = g->out_w, S = g->stride_w;
    const int64_t PT = g->pad_top, PL = g->pad_left;
    int64_t lo, hi;
    ek__dw3x3_interior(g, &lo, &hi);
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
        for (int64_t ow = 0; ow < lo; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
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
        for (ow = hi; ow < OW; ow++) orow[ow] = ek__dw3x3_point(in, w, bias, g, oh, ow);
    }
}

/* ---- padded-plane depthwise pieces ---------------------------------------------------------- */

T void ek__dwflat_avx512(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc,
                         int64_t n) {
    const __m512 vb = _mm512_set1_ps(bias);
    int64_t p = 0;
    for (; p + 64 <= n; p += 64) {
        __m512 a0 = vb, a1 = vb, a2 = vb, a3 = vb;
        const float *b = buf + p;
        for (int t = 0; t < taps; t++) {
            const __m512 wv = _mm512_set1_ps(w[t]);
            const float *q = b + off[t];
            a0 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(q), a0);
            a1 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(q + 16), a1);
            a2 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(q + 32), a2);
            a3 = _mm512_fmadd_ps(wv, _mm512_loadu_ps(q + 48), a3);
        }
        _mm512_storeu_ps(acc + p, a0);
        _mm512_storeu_ps(acc + p + 16, a1);
        _mm512_storeu_ps(acc + p + 32, a2);
        _mm512_storeu_ps(acc + p + 48, a3);
    }
    if (p + 32 <= n) {
        __m512 a0 = vb, a1 = vb, c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
        const float *b = buf + p;
        int t = 0;
        for (; t + 2 <= taps; t += 2) {
            const __m512 w0 = _mm512_set1_ps(w[t]), w1 = _mm512_set1_ps(w[t + 1]);
            const float *q0 = b + off[t], *q1 = b + off[t + 1];
            a0 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(q0), a0);
            a1 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(q0 + 16), a1);
            c0 = _mm512_fmadd_ps(w1, _mm512_loadu_ps(q1), c0);
            c1 = _mm512_fmadd_ps(w1, _mm512_loadu_ps(q1 + 16), c1);
        }
        if (t < taps) {
            const __m512 w0 = _mm512_set1_ps(w[t]);
            const float *q0 = b + off[t];
            a0 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(q0), a0);
            a1 = _mm512_fmadd_ps(w0, _mm512_loadu_ps(q0 + 16), a1);
        }
        _mm512_storeu_ps(acc + p, _mm512_add_ps(a0, c0));
        _mm512_storeu_ps(acc + p + 16, _mm512_add_ps(a1, c1));
        p += 32;
    }
    if (p < n) {
        __m512 a0 = vb, c0 = _mm512_setzero_ps();
        const float *b = buf + p;
        int t = 0;
        for (; t + 2 <= taps; t += 2) {
            a0 = _mm512_fmadd_ps(_mm512_set1_ps(w[t]), _mm512_loadu_ps(b + off[t]), a0);
            c0 = _mm512_fmadd_ps(_mm512_set1_ps(w[t + 1]), _mm512_loadu_ps(b + off[t + 1]), c0);
        }
        if (t < taps) a0 = _mm512_fmadd_ps(_mm512_set1_ps(w[t]), _mm512_loadu_ps(b + off[t]), a0);
        _mm512_storeu_ps(acc + p, _mm512_add_ps(a0, c0));
    }
}

T void ek__deint_avx512(const float *src, int64_t n, float *even, float *odd) {
    const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512 a = _mm512_loadu_ps(src + i), b = _mm512_loadu_ps(src + i + 16);
        _mm512_storeu_ps(even + i / 2, _mm512_permutex2var_ps(a, ie, b));
        _mm512_storeu_ps(odd + i / 2, _mm512_permutex2var_ps(a, io, b));
    }
    if (i < n) {
        const int64_t r = n - i; /* 1..31 */
        const __mmask16 ml = (__mmask16)(r >= 16 ? 0xFFFF : (1u << r) - 1);
        const __mmask16 mh = (__mmask16)(r > 16 ? (1u << (r - 16)) - 1 : 0);
        const __m512 a = _mm512_maskz_loadu_ps(ml, src + i), b = _mm512_maskz_loadu_ps(mh, src + i + 16);
        const int64_t ne = (r + 1) / 2, no = r / 2;
        _mm512_mask_storeu_ps(even + i / 2, (__mmask16)((1u << ne) - 1), _mm512_permutex2var_ps(a, ie, b));
        _mm512_mask_storeu_ps(odd + i / 2, (__mmask16)((1u << no) - 1), _mm512_permutex2var_ps(a, io, b));
    }
}

/* KIND is a compile-time constant in every instance: a run-time switch per vector costs more than the copy itself
 * on short rows (the DS-CNN stem copies 1600 rows of 20 per inference). */
EK__INLINE T void rows_act_tpl(const int KIND, const float *src, int64_t lds, float *out, int64_t rows, int64_t cols,
                               ek_activation act) {
    const __m512 al = _mm512_set1_ps(act.alpha), be = _mm512_set1_ps(act.beta);
    const int64_t tail = cols & 15;
    const __mmask16 mt = (__mmask16)((1u << tail) - 1);
    for (int64_t r = 0; r < rows; r++) {
        const float *s = src + r * lds;
        float *o = out + r * cols;
        int64_t x = 0;
        for (; x + 16 <= cols; x += 16) _mm512_storeu_ps(o + x, act_pl_avx512(_mm512_loadu_ps(s + x), KIND, al, be, al, be));
        if (tail) _mm512_mask_storeu_ps(o + x, mt, act_pl_avx512(_mm512_maskz_loadu_ps(mt, s + x), KIND, al, be, al, be));
    }
}

T int ek__rows_act_avx512(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act) {
    switch (act.kind) {
    case EK_ACT_NONE: rows_act_tpl(EK_ACT_NONE, src, lds, out, rows, cols, act); return 1;
    case EK_ACT_RELU: rows_act_tpl(EK_ACT_RELU, src, lds, out, rows, cols, act); return 1;
    case EK_ACT_CLIP: rows_act_tpl(EK_ACT_CLIP, src, lds, out, rows, cols, act); return 1;
    case EK_ACT_LEAKY_RELU: rows_act_tpl(EK_ACT_LEAKY_RELU, src, lds, out, rows, cols, act); return 1;
    case EK_ACT_HARD_SIGMOID: rows_act_tpl(EK_ACT_HARD_SIGMOID, src, lds, out, rows, cols, act); return 1;
    case EK_ACT_HARD_SWISH: rows_act_tpl(EK_ACT_HARD_SWISH, src, lds, out, rows, cols, act); return 1;
    default: return 0; /* sigmoid, tanh, unknown: the caller applies impl->act */
    }
}

/* 8 output channels × 32 outputs per block: 2 input loads feed 16 FMAs (weights by embedded broadcast). */
T void ek__convflat8_avx512(const float *buf, const int32_t *off, const float *w, int64_t ldw, int taps,
                            const float *bias, float *acc, int64_t ldacc, int64_t n) {
    int64_t p = 0;
    for (; p + 32 <= n; p += 32) {
        __m512 x0 = _mm512_set1_ps(bias[0]), x1 = _mm512_set1_ps(bias[1]), x2 = _mm512_set1_ps(bias[2]),
               x3 = _mm512_set1_ps(bias[3]), x4 = _mm512_set1_ps(bias[4]), x5 = _mm512_set1_ps(bias[5]),
               x6 = _mm512_set1_ps(bias[6]), x7 = _mm512_set1_ps(bias[7]);
        __m512 y0 = x0, y1 = x1, y2 = x2, y3 = x3, y4 = x4, y5 = x5, y6 = x6, y7 = x7;
        const float *b = buf + p;
        for (int t = 0; t < taps; t++) {
            const __m512 u = _mm512_loadu_ps(b + off[t]), v = _mm512_loadu_ps(b + off[t] + 16);
            const float *wt = w + t;
#define EK_CF8(k)                                                  \
    {                                                              \
        const __m512 wk = _mm512_set1_ps(wt[(k) * ldw]);           \
        x##k = _mm512_fmadd_ps(wk, u, x##k);                       \
        y##k = _mm512_fmadd_ps(wk, v, y##k);                       \
    }
            EK_CF8(0) EK_CF8(1) EK_CF8(2) EK_CF8(3) EK_CF8(4) EK_CF8(5) EK_CF8(6) EK_CF8(7)
#undef EK_CF8
        }
        float *a = acc + p;
        _mm512_storeu_ps(a, x0); _mm512_storeu_ps(a + 16, y0); a += ldacc;
        _mm512_storeu_ps(a, x1); _mm512_storeu_ps(a + 16, y1); a += ldacc;
        _mm512_storeu_ps(a, x2); _mm512_storeu_ps(a + 16, y2); a += ldacc;
        _mm512_storeu_ps(a, x3); _mm512_storeu_ps(a + 16, y3); a += ldacc;
        _mm512_storeu_ps(a, x4); _mm512_storeu_ps(a + 16, y4); a += ldacc;
        _mm512_storeu_ps(a, x5); _mm512_storeu_ps(a + 16, y5); a += ldacc;
        _mm512_storeu_ps(a, x6); _mm512_storeu_ps(a + 16, y6); a += ldacc;
        _mm512_storeu_ps(a, x7); _mm512_storeu_ps(a + 16, y7);
    }
    if (p < n) { /* 16 left */
        for (int k = 0; k < 8; k++) ek__dwflat_avx512(buf + p, off, w + k * ldw, taps, bias[k], acc + k * ldacc + p, 16);
    }
}
#endif

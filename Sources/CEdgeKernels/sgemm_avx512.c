/*
 * sgemm_avx512.c — AVX-512F SGEMM micro-kernel: up to 12 rows × 32 columns (two 6-row A panels ×
 * two 16-column B panels → 24 zmm accumulators, 2 B loads + 12 embedded broadcasts per k).
 * Smaller edge tiles instantiate the same template with one A and/or one B panel; columns
 * past n are handled with write masks. Fused epilogue (beta, bias, clamp, activation).
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>

#define T EK__TARGET_AVX512

#define FMA_ROW(I, AP)                                                               \
    do {                                                                             \
        const __m512 av = _mm512_set1_ps((AP)[(I)]);                                 \
        acc[(I) + ro][0] = _mm512_fmadd_ps(av, b0, acc[(I) + ro][0]);                \
        if (NP == 2) acc[(I) + ro][1] = _mm512_fmadd_ps(av, b1, acc[(I) + ro][1]);   \
    } while (0)

EK__INLINE T void ukernel_tpl(const int MP, const int NP, int64_t kc, const float *a, int64_t a_ps,
                              const float *b, int64_t b_rs, int64_t b_ps, float *c, int64_t ldc, int m, int n,
                              const ek__epilogue *ep) {
    __m512 acc[12][2];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        acc[i][0] = _mm512_setzero_ps();
        acc[i][1] = _mm512_setzero_ps();
    }
    const float *a0 = a, *a1 = a + a_ps;
    const float *bq = b + b_ps;
    for (int64_t k = 0; k < kc; k++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = NP == 2 ? _mm512_loadu_ps(bq) : b0;
        int ro = 0;
        FMA_ROW(0, a0); FMA_ROW(1, a0); FMA_ROW(2, a0); FMA_ROW(3, a0); FMA_ROW(4, a0); FMA_ROW(5, a0);
        if (MP == 2) {
            ro = 6;
            FMA_ROW(0, a1); FMA_ROW(1, a1); FMA_ROW(2, a1); FMA_ROW(3, a1); FMA_ROW(4, a1); FMA_ROW(5, a1);
            a1 += 6;
        }
        a0 += 6;
        b += b_rs;
        bq += b_rs;
    }
    const int n0 = n < 16 ? n : 16, n1 = n - 16;
    const __mmask16 mk0 = (__mmask16)((1u << n0) - 1);
    const __mmask16 mk1 = n1 > 0 ? (__mmask16)((1u << n1) - 1) : 0;
    __m512 bc0 = _mm512_setzero_ps(), bc1 = _mm512_setzero_ps();
    if (ep->bias_col) {
        bc0 = _mm512_maskz_loadu_ps(mk0, ep->bias_col);
        if (NP == 2) bc1 = _mm512_maskz_loadu_ps(mk1, ep->bias_col + 16);
    }
    const __m512 lo = _mm512_set1_ps(ep->lo), hi = _mm512_set1_ps(ep->hi);
#pragma GCC unroll 12
    for (int i = 0; i < 6 * MP; i++) {
        if (i < m) {
            float *cr = c + i * ldc;
            __m512 v0 = acc[i][0], v1 = acc[i][1];
            if (ep->add_c) {
                v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(mk0, cr));
                if (NP == 2) v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(mk1, cr + 16));
            }
            if (ep->bias_row) {
                const __m512 br = _mm512_set1_ps(ep->bias_row[i]);
                v0 = _mm512_add_ps(v0, br);
                v1 = _mm512_add_ps(v1, br);
            }
            if (ep->bias_col) {
                v0 = _mm512_add_ps(v0, bc0);
                v1 = _mm512_add_ps(v1, bc1);
            }
            if (ep->clamp) {
                v0 = _mm512_min_ps(_mm512_max_ps(v0, lo), hi);
                v1 = _mm512_min_ps(_mm512_max_ps(v1, lo), hi);
            }
            _mm512_mask_storeu_ps(cr, mk0, v0);
            if (NP == 2) _mm512_mask_storeu_ps(cr + 16, mk1, v1);
            if (ep->act.kind != EK_ACT_NONE) ek__act_avx512(cr, cr, (size_t)n, ep->act);
        }
    }
}

T void ek__ukernel_avx512(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs, int64_t b_ps,
                          float *c, int64_t ldc, int m, int n, const ek__epilogue *ep) {
    if (m > 6) {
        if (n > 16) ukernel_tpl(2, 2, kc, a, a_ps, b, b_rs, b_ps, c, ldc, m, n, ep);
        else ukernel_tpl(2, 1, kc, a, a_ps, b, b_rs, b_ps, c, ldc, m, n, ep);
    } else {
        if (n > 16) ukernel_tpl(1, 2, kc, a, a_ps, b, b_rs, b_ps, c, ldc, m, n, ep);
        else ukernel_tpl(1, 1, kc, a, a_ps, b, b_rs, b_ps, c, ldc, m, n, ep);
    }
}
#endif

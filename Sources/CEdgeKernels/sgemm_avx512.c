/*
 * sgemm_avx512.c — AVX-512F SGEMM micro-kernel: up to 12 rows × 32 columns (two 6-row A panels ×
 * two 16-column B panels → 24 zmm accumulators, 2 B loads + 12 embedded broadcasts per k).
 * Smaller edge tiles instantiate the same template with one A and/or one B panel; columns
 * past n are handled with write masks. Fused epilogue (beta, bias, clamp, activation).
 * Small-M kernel: up to 4 rows × 64 columns per pass (one zmm per row and 16 columns); with one
 * row, even and odd k go to separate accumulators so eight FMA chains hide the FMA latency.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>
#include <math.h>

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
    /* C not read: start the accumulators at the row bias (saves one add per vector in the epilogue) */
    const int bias_init = !ep->add_c && ep->bias_row;
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) {
        acc[i][0] = (bias_init && i < m) ? _mm512_set1_ps(ep->bias_row[i]) : _mm512_setzero_ps();
        acc[i][1] = acc[i][0];
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
    const int clamp_hi = ep->clamp && ep->hi < INFINITY;
    const int hswish = ep->act.kind == EK_ACT_HARD_SWISH, call_act = ep->act.kind != EK_ACT_NONE && !hswish;
    const __m512 sixth = _mm512_set1_ps(1.0f / 6.0f), half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
#pragma GCC unroll 12
    for (int i = 0; i < 6 * MP; i++) {
        if (i < m) {
            float *cr = c + i * ldc;
            __m512 v0 = acc[i][0], v1 = acc[i][1];
            if (ep->add_c) {
                v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(mk0, cr));
                if (NP == 2) v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(mk1, cr + 16));
            }
            if (ep->bias_row && !bias_init) {
                const __m512 br = _mm512_set1_ps(ep->bias_row[i]);
                v0 = _mm512_add_ps(v0, br);
                v1 = _mm512_add_ps(v1, br);
            }
            if (ep->bias_col) {
                v0 = _mm512_add_ps(v0, bc0);
                v1 = _mm512_add_ps(v1, bc1);
            }
            if (ep->clamp) {
                v0 = _mm512_max_ps(v0, lo);
                v1 = _mm512_max_ps(v1, lo);
                if (clamp_hi) {
                    v0 = _mm512_min_ps(v0, hi);
                    v1 = _mm512_min_ps(v1, hi);
                }
            }
            if (hswish) { /* x · min(max(x/6 + 0.5, 0), 1), as ek__act_avx512 */
                v0 = _mm512_mul_ps(v0, _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v0, sixth, half), _mm512_setzero_ps()), one));
                if (NP == 2)
                    v1 = _mm512_mul_ps(v1, _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v1, sixth, half), _mm512_setzero_ps()), one));
            }
            _mm512_mask_storeu_ps(cr, mk0, v0);
            if (NP == 2) _mm512_mask_storeu_ps(cr + 16, mk1, v1);
            if (call_act) ek__act_avx512(cr, cr, (size_t)n, ep->act);
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

/* Rows 0..MR-1 × panels 0..NP-1 (masks mk) of the small-M product, epilogue included. */
EK__INLINE T void smallm_tpl(const int MR, const int NP, int64_t kc, const float *a, int64_t a_rs, int64_t a_ks,
                             const float *b, int64_t b_rs, int64_t b_ps, float *c, int64_t ldc, int64_t n,
                             const ek__epilogue *ep) {
    __mmask16 mk[4];
    for (int q = 0; q < 4; q++) {
        const int64_t r = n - 16 * q;
        mk[q] = r >= 16 ? (__mmask16)0xFFFF : r > 0 ? (__mmask16)((1u << r) - 1) : 0;
    }
    __m512 acc[4][4], odd[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        odd[q] = _mm512_setzero_ps();
        for (int i = 0; i < 4; i++) acc[i][q] = _mm512_setzero_ps();
    }
    int64_t k = 0;
    if (MR == 1) {
        for (; k + 1 < kc; k += 2) {
            const __m512 a0 = _mm512_set1_ps(a[k * a_ks]), a1 = _mm512_set1_ps(a[(k + 1) * a_ks]);
            const float *bk = b + k * b_rs;
#pragma GCC unroll 4
            for (int q = 0; q < NP; q++) {
                acc[0][q] = _mm512_fmadd_ps(a0, _mm512_maskz_loadu_ps(mk[q], bk + q * b_ps), acc[0][q]);
                odd[q] = _mm512_fmadd_ps(a1, _mm512_maskz_loadu_ps(mk[q], bk + b_rs + q * b_ps), odd[q]);
            }
        }
    }
    for (; k < kc; k++) {
        __m512 bq[4];
        const float *bk = b + k * b_rs;
#pragma GCC unroll 4
        for (int q = 0; q < NP; q++) bq[q] = _mm512_maskz_loadu_ps(mk[q], bk + q * b_ps);
#pragma GCC unroll 4
        for (int i = 0; i < MR; i++) {
            const __m512 av = _mm512_set1_ps(a[i * a_rs + k * a_ks]);
#pragma GCC unroll 4
            for (int q = 0; q < NP; q++) acc[i][q] = _mm512_fmadd_ps(av, bq[q], acc[i][q]);
        }
    }
    const __m512 lo = _mm512_set1_ps(ep->lo), hi = _mm512_set1_ps(ep->hi);
#pragma GCC unroll 4
    for (int i = 0; i < MR; i++) {
        float *cr = c + i * ldc;
        const __m512 br = _mm512_set1_ps(ep->bias_row ? ep->bias_row[i] : 0.0f);
#pragma GCC unroll 4
        for (int q = 0; q < NP; q++) {
            __m512 v = MR == 1 ? _mm512_add_ps(acc[i][q], odd[q]) : acc[i][q];
            if (ep->add_c) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk[q], cr + 16 * q));
            if (ep->bias_row) v = _mm512_add_ps(v, br);
            if (ep->bias_col) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mk[q], ep->bias_col + 16 * q));
            if (ep->clamp) v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            _mm512_mask_storeu_ps(cr + 16 * q, mk[q], v);
        }
        if (ep->act.kind != EK_ACT_NONE) ek__act_avx512(cr, cr, (size_t)n, ep->act);
    }
}

#define SMALLM_CASE(MR, NP) \
    case (MR) * 8 + (NP): smallm_tpl(MR, NP, kc, a, a_rs, a_ks, bj, b_rs, b_ps, c + j, ldc, cols, &e); break

T void ek__smallm_avx512(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                         int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep) {
    ek__epilogue e = *ep;
    for (int64_t j = 0; j < n; j += 64) {
        const int64_t cols = n - j < 64 ? n - j : 64;
        const float *bj = b + (j / 16) * b_ps;
        e.bias_col = ep->bias_col ? ep->bias_col + j : NULL;
        switch (m * 8 + (int)((cols + 15) / 16)) {
            SMALLM_CASE(1, 1); SMALLM_CASE(1, 2); SMALLM_CASE(1, 3); SMALLM_CASE(1, 4);
            SMALLM_CASE(2, 1); SMALLM_CASE(2, 2); SMALLM_CASE(2, 3); SMALLM_CASE(2, 4);
            SMALLM_CASE(3, 1); SMALLM_CASE(3, 2); SMALLM_CASE(3, 3); SMALLM_CASE(3, 4);
            SMALLM_CASE(4, 1); SMALLM_CASE(4, 2); SMALLM_CASE(4, 3); SMALLM_CASE(4, 4);
            default: break;
        }
    }
}
#endif

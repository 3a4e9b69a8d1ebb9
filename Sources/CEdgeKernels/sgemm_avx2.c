/*
 * sgemm_avx2.c — AVX2+FMA SGEMM micro-kernel: 6 rows × 16 columns (12 ymm accumulators,
 * 2 B loads + 6 broadcasts per k). Fused epilogue (beta, bias, clamp, activation) on store;
 * partial tiles use masked loads/stores for the columns.
 * Small-M kernel: 1–2 rows × 32 columns or 3–4 rows × 16 columns per pass (8 accumulators);
 * one row splits even/odd k over two accumulator sets to hide the FMA latency.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>

#define T EK__TARGET_AVX2

T void ek__ukernel_avx2(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs, int64_t b_ps,
                        float *c, int64_t ldc, int m, int n, const ek__epilogue *ep) {
    (void)a_ps;
    (void)b_ps;
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int64_t k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 av;
        av = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
        av = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
        av = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
        av = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
        av = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41);
        av = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51);
        a += 6;
        b += b_rs;
    }
    __m256 acc[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    const int full = n == 16;
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mk0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), iota);
    const __m256i mk1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), iota);
    __m256 bc0 = _mm256_setzero_ps(), bc1 = _mm256_setzero_ps();
    if (ep->bias_col) {
        bc0 = full ? _mm256_loadu_ps(ep->bias_col) : _mm256_maskload_ps(ep->bias_col, mk0);
        bc1 = full ? _mm256_loadu_ps(ep->bias_col + 8) : _mm256_maskload_ps(ep->bias_col + 8, mk1);
    }
    const __m256 lo = _mm256_set1_ps(ep->lo), hi = _mm256_set1_ps(ep->hi);
    const int hswish = ep->act.kind == EK_ACT_HARD_SWISH, call_act = ep->act.kind != EK_ACT_NONE && !hswish;
    const __m256 sixth = _mm256_set1_ps(1.0f / 6.0f), half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f);
    for (int i = 0; i < 6; i++) {
        if (i >= m) break;
        float *cr = c + i * ldc;
        __m256 v0 = acc[i][0], v1 = acc[i][1];
        if (ep->add_c) {
            v0 = _mm256_add_ps(v0, full ? _mm256_loadu_ps(cr) : _mm256_maskload_ps(cr, mk0));
            v1 = _mm256_add_ps(v1, full ? _mm256_loadu_ps(cr + 8) : _mm256_maskload_ps(cr + 8, mk1));
        }
        if (ep->bias_row) {
            const __m256 br = _mm256_set1_ps(ep->bias_row[i]);
            v0 = _mm256_add_ps(v0, br);
            v1 = _mm256_add_ps(v1, br);
        }
        if (ep->bias_col) {
            v0 = _mm256_add_ps(v0, bc0);
            v1 = _mm256_add_ps(v1, bc1);
        }
        if (ep->clamp) {
            v0 = _mm256_min_ps(_mm256_max_ps(v0, lo), hi);
            v1 = _mm256_min_ps(_mm256_max_ps(v1, lo), hi);
        }
        if (hswish) { /* x · min(max(x/6 + 0.5, 0), 1), inline (as ek__act_avx2) */
            v0 = _mm256_mul_ps(v0, _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(v0, sixth, half), _mm256_setzero_ps()), one));
            v1 = _mm256_mul_ps(v1, _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(v1, sixth, half), _mm256_setzero_ps()), one));
        }
        if (full) {
            _mm256_storeu_ps(cr, v0);
            _mm256_storeu_ps(cr + 8, v1);
        } else {
            _mm256_maskstore_ps(cr, mk0, v0);
            _mm256_maskstore_ps(cr + 8, mk1, v1);
        }
        if (call_act) ek__act_avx2(cr, cr, (size_t)n, ep->act);
    }
}

/* Rows 0..MR-1 × 8-column chunks 0..NC-1 of the small-M product; FULL: every chunk has 8 columns. */
EK__INLINE T void smallm_tpl(const int MR, const int NC, const int FULL, int64_t kc, const float *a, int64_t a_rs,
                             int64_t a_ks, const float *b, int64_t b_rs, int64_t b_ps, float *c, int64_t ldc,
                             int64_t n, const ek__epilogue *ep) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mk[4];
    const float *bh[4];
    for (int h = 0; h < 4; h++) {
        mk[h] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n > 64 ? 64 : n) - 8 * h), iota);
        bh[h] = b + (h / 2) * b_ps + (h & 1) * 8;
    }
#define LOADB(H, OFF) (FULL ? _mm256_loadu_ps(bh[H] + (OFF)) : _mm256_maskload_ps(bh[H] + (OFF), mk[H]))
    __m256 acc[4][4], odd[4];
#pragma GCC unroll 4
    for (int h = 0; h < 4; h++) {
        odd[h] = _mm256_setzero_ps();
        for (int i = 0; i < 4; i++) acc[i][h] = _mm256_setzero_ps();
    }
    int64_t k = 0;
    if (MR == 1) {
        for (; k + 1 < kc; k += 2) {
            const __m256 a0 = _mm256_broadcast_ss(a + k * a_ks), a1 = _mm256_broadcast_ss(a + (k + 1) * a_ks);
            const int64_t o = k * b_rs;
#pragma GCC unroll 4
            for (int h = 0; h < NC; h++) {
                acc[0][h] = _mm256_fmadd_ps(a0, LOADB(h, o), acc[0][h]);
                odd[h] = _mm256_fmadd_ps(a1, LOADB(h, o + b_rs), odd[h]);
            }
        }
    }
    for (; k < kc; k++) {
        __m256 bq[4];
#pragma GCC unroll 4
        for (int h = 0; h < NC; h++) bq[h] = LOADB(h, k * b_rs);
#pragma GCC unroll 4
        for (int i = 0; i < MR; i++) {
            const __m256 av = _mm256_broadcast_ss(a + i * a_rs + k * a_ks);
#pragma GCC unroll 4
            for (int h = 0; h < NC; h++) acc[i][h] = _mm256_fmadd_ps(av, bq[h], acc[i][h]);
        }
    }
#undef LOADB
    const __m256 lo = _mm256_set1_ps(ep->lo), hi = _mm256_set1_ps(ep->hi);
#pragma GCC unroll 4
    for (int i = 0; i < MR; i++) {
        float *cr = c + i * ldc;
        const __m256 br = _mm256_set1_ps(ep->bias_row ? ep->bias_row[i] : 0.0f);
#pragma GCC unroll 4
        for (int h = 0; h < NC; h++) {
            __m256 v = MR == 1 ? _mm256_add_ps(acc[i][h], odd[h]) : acc[i][h];
            float *ch = cr + 8 * h;
            if (ep->add_c) v = _mm256_add_ps(v, FULL ? _mm256_loadu_ps(ch) : _mm256_maskload_ps(ch, mk[h]));
            if (ep->bias_row) v = _mm256_add_ps(v, br);
            if (ep->bias_col) {
                const float *bc = ep->bias_col + 8 * h;
                v = _mm256_add_ps(v, FULL ? _mm256_loadu_ps(bc) : _mm256_maskload_ps(bc, mk[h]));
            }
            if (ep->clamp) v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
            if (FULL) _mm256_storeu_ps(ch, v);
            else _mm256_maskstore_ps(ch, mk[h], v);
        }
        if (ep->act.kind != EK_ACT_NONE) ek__act_avx2(cr, cr, (size_t)n, ep->act);
    }
}

#define SMALLM_CASE(MR, NC)                                                                                \
    case (MR) * 8 + (NC):                                                                                  \
        if (full) smallm_tpl(MR, NC, 1, kc, a, a_rs, a_ks, bj, b_rs, b_ps, c + j, ldc, cols, &e);          \
        else smallm_tpl(MR, NC, 0, kc, a, a_rs, a_ks, bj, b_rs, b_ps, c + j, ldc, cols, &e);               \
        break

T void ek__smallm_avx2(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                       int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep) {
    ek__epilogue e = *ep;
    const int64_t width = m <= 2 ? 32 : 16;
    for (int64_t j = 0; j < n; j += width) {
        const int64_t cols = n - j < width ? n - j : width;
        const int full = cols % 8 == 0;
        const float *bj = b + (j / 16) * b_ps;
        e.bias_col = ep->bias_col ? ep->bias_col + j : NULL;
        switch (m * 8 + (int)((cols + 7) / 8)) {
            SMALLM_CASE(1, 1); SMALLM_CASE(1, 2); SMALLM_CASE(1, 3); SMALLM_CASE(1, 4);
            SMALLM_CASE(2, 1); SMALLM_CASE(2, 2); SMALLM_CASE(2, 3); SMALLM_CASE(2, 4);
            SMALLM_CASE(3, 1); SMALLM_CASE(3, 2);
            SMALLM_CASE(4, 1); SMALLM_CASE(4, 2);
            default: break;
        }
    }
}
#endif

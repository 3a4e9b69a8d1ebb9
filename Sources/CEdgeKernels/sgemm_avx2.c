/*
 * sgemm_avx2.c — AVX2+FMA SGEMM micro-kernel: 6 rows × 16 columns (12 ymm accumulators,
 * 2 B loads + 6 broadcasts per k). Fused epilogue (beta, bias, clamp, activation) on store;
 * partial tiles use masked loads/stores for the columns.
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
        if (full) {
            _mm256_storeu_ps(cr, v0);
            _mm256_storeu_ps(cr + 8, v1);
        } else {
            _mm256_maskstore_ps(cr, mk0, v0);
            _mm256_maskstore_ps(cr + 8, mk1, v1);
        }
        if (ep->act.kind != EK_ACT_NONE) ek__act_avx2(cr, cr, (size_t)n, ep->act);
    }
}
#endif

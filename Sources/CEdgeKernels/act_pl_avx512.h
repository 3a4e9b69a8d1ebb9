/* act_pl_avx512.h — the piecewise-linear activations (everything but sigmoid/tanh) on one zmm, fused into the
 * stores of the AVX-512 depthwise kernels (conv_dw_avx512.c, conv_dw_same_avx512.c). Include after internal.h and
 * <immintrin.h> inside an x86-64 translation unit. */
#ifndef EK_ACT_PL_AVX512_H
#define EK_ACT_PL_AVX512_H

/* Sigmoid and tanh are not handled (returned unchanged): callers take another route for them. */
EK__INLINE EK__TARGET_AVX512 __m512 act_pl_avx512(__m512 x, int kind, __m512 lo, __m512 hi, __m512 al, __m512 be) {
    switch (kind) {
    case EK_ACT_RELU: return _mm512_max_ps(x, _mm512_setzero_ps());
    case EK_ACT_CLIP: return _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    case EK_ACT_LEAKY_RELU: {
        const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
        return _mm512_mask_mul_ps(x, neg, x, al);
    }
    case EK_ACT_HARD_SIGMOID:
        return _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(al, x, be), _mm512_setzero_ps()), _mm512_set1_ps(1.0f));
    case EK_ACT_HARD_SWISH: {
        const __m512 g = _mm512_fmadd_ps(x, _mm512_set1_ps(1.0f / 6.0f), _mm512_set1_ps(0.5f));
        return _mm512_mul_ps(x, _mm512_min_ps(_mm512_max_ps(g, _mm512_setzero_ps()), _mm512_set1_ps(1.0f)));
    }
    default: return x;
    }
}

#endif

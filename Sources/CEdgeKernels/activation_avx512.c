/*
 * activation_avx512.c — AVX-512F activations and softmax rows.
 * Same approximations as activation_avx2.c (Cephes exp polynomial, ~1–2 ulp; tanh odd
 * polynomial below 0.625), with 2^n applied by vscalefps and tails handled by masks.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>
#include <math.h>

#define T EK__TARGET_AVX512

EK__INLINE T __m512 exp_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(88.3762626647949f), x);
    x = _mm512_max_ps(_mm512_set1_ps(-88.3762626647949f), x);
    const __m512 fx = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500E-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, fx);
}

EK__INLINE T __m512 sigmoid_avx512(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 e = exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), x));
    return _mm512_div_ps(one, _mm512_add_ps(one, e));
}

EK__INLINE T __m512 tanh_avx512(__m512 x) {
    const __m512 sign = _mm512_set1_ps(-0.0f);
    const __m512 ax = _mm512_andnot_ps(sign, x);
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 e = exp_avx512(_mm512_add_ps(ax, ax));
    __m512 big = _mm512_sub_ps(one, _mm512_div_ps(_mm512_set1_ps(2.0f), _mm512_add_ps(e, one)));
    big = _mm512_or_ps(big, _mm512_and_ps(sign, x));
    const __m512 z = _mm512_mul_ps(x, x);
    __m512 p = _mm512_set1_ps(-5.70498872745E-3f);
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(2.06390887954E-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-5.37397155531E-2f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(1.33314422036E-1f));
    p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(-3.33332819422E-1f));
    const __m512 small = _mm512_fmadd_ps(_mm512_mul_ps(p, z), x, x);
    const __mmask16 is_small = _mm512_cmp_ps_mask(ax, _mm512_set1_ps(0.625f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(is_small, big, small);
}

EK__INLINE T __m512 act_vec_avx512(__m512 v, int kind, __m512 a, __m512 b) {
    switch (kind) {
    case EK_ACT_RELU: return _mm512_max_ps(v, _mm512_setzero_ps());
    case EK_ACT_CLIP: return _mm512_min_ps(_mm512_max_ps(v, a), b);
    case EK_ACT_LEAKY_RELU: {
        const __mmask16 neg = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
        return _mm512_mask_mul_ps(v, neg, v, a);
    }
    case EK_ACT_SIGMOID: return sigmoid_avx512(v);
    case EK_ACT_TANH: return tanh_avx512(v);
    case EK_ACT_HARD_SIGMOID:
        return _mm512_max_ps(_mm512_setzero_ps(), _mm512_min_ps(_mm512_set1_ps(1.0f), _mm512_fmadd_ps(a, v, b)));
    case EK_ACT_HARD_SWISH: {
        const __m512 t = _mm512_fmadd_ps(v, _mm512_set1_ps(1.0f / 6.0f), _mm512_set1_ps(0.5f));
        return _mm512_mul_ps(v, _mm512_max_ps(_mm512_setzero_ps(), _mm512_min_ps(_mm512_set1_ps(1.0f), t)));
    }
    default: return v;
    }
}

EK__INLINE T void act_loop_avx512(const float *x, float *y, size_t n, int kind, float alpha, float beta) {
    const __m512 a = _mm512_set1_ps(alpha), b = _mm512_set1_ps(beta);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512 v0 = act_vec_avx512(_mm512_loadu_ps(x + i), kind, a, b);
        const __m512 v1 = act_vec_avx512(_mm512_loadu_ps(x + i + 16), kind, a, b);
        _mm512_storeu_ps(y + i, v0);
        _mm512_storeu_ps(y + i + 16, v1);
    }
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, act_vec_avx512(_mm512_loadu_ps(x + i), kind, a, b));
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, act_vec_avx512(_mm512_maskz_loadu_ps(m, x + i), kind, a, b));
    }
}

T void ek__act_avx512(const float *x, float *y, size_t n, ek_activation act) {
    const float al = act.alpha, be = act.beta;
    switch (act.kind) {
    case EK_ACT_RELU: act_loop_avx512(x, y, n, EK_ACT_RELU, al, be); break;
    case EK_ACT_CLIP: act_loop_avx512(x, y, n, EK_ACT_CLIP, al, be); break;
    case EK_ACT_LEAKY_RELU: act_loop_avx512(x, y, n, EK_ACT_LEAKY_RELU, al, be); break;
    case EK_ACT_SIGMOID: act_loop_avx512(x, y, n, EK_ACT_SIGMOID, al, be); break;
    case EK_ACT_TANH: act_loop_avx512(x, y, n, EK_ACT_TANH, al, be); break;
    case EK_ACT_HARD_SIGMOID: act_loop_avx512(x, y, n, EK_ACT_HARD_SIGMOID, al, be); break;
    case EK_ACT_HARD_SWISH: act_loop_avx512(x, y, n, EK_ACT_HARD_SWISH, al, be); break;
    default:
        if (x != y) act_loop_avx512(x, y, n, EK_ACT_NONE, al, be);
        break;
    }
}

T void ek__softmax_row_avx512(const float *x, float *y, int64_t cols, int log_softmax) {
    int64_t i = 0;
    __m512 vmax = _mm512_set1_ps(-INFINITY);
    for (; i + 16 <= cols; i += 16) vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(x + i));
    if (i < cols) {
        const __mmask16 m = (__mmask16)((1u << (cols - i)) - 1);
        vmax = _mm512_mask_max_ps(vmax, m, vmax, _mm512_maskz_loadu_ps(m, x + i));
    }
    const float mx = _mm512_reduce_max_ps(vmax);
    const __m512 vm = _mm512_set1_ps(mx);
    __m512 vsum = _mm512_setzero_ps();
    for (i = 0; i + 16 <= cols; i += 16) {
        const __m512 e = exp_avx512(_mm512_sub_ps(_mm512_loadu_ps(x + i), vm));
        if (!log_softmax) _mm512_storeu_ps(y + i, e);
        vsum = _mm512_add_ps(vsum, e);
    }
    const __mmask16 tm = (__mmask16)((1u << (cols - i)) - 1);
    if (tm) {
        const __m512 e = exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(tm, x + i), vm));
        if (!log_softmax) _mm512_mask_storeu_ps(y + i, tm, e);
        vsum = _mm512_mask_add_ps(vsum, tm, vsum, e);
    }
    const float sum = _mm512_reduce_add_ps(vsum);
    if (log_softmax) {
        const __m512 vls = _mm512_set1_ps(logf(sum));
        for (i = 0; i + 16 <= cols; i += 16)
            _mm512_storeu_ps(y + i, _mm512_sub_ps(_mm512_sub_ps(_mm512_loadu_ps(x + i), vm), vls));
        if (tm) _mm512_mask_storeu_ps(y + i, tm, _mm512_sub_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tm, x + i), vm), vls));
    } else {
        const __m512 vinv = _mm512_set1_ps(1.0f / sum);
        for (i = 0; i + 16 <= cols; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), vinv));
        if (tm) _mm512_mask_storeu_ps(y + i, tm, _mm512_mul_ps(_mm512_maskz_loadu_ps(tm, y + i), vinv));
    }
}
#endif

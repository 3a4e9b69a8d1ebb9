/*
 * activation_avx2.c — AVX2+FMA activations and softmax rows.
 *
 * exp(x): Cephes-style range reduction x = n·ln2 + r (ln2 split in two, |r| <= ln2/2), degree-6
 * minimax polynomial for e^r, scaled by 2^n built in the exponent bits. Input clamped to
 * [-88.376, 88.376]; below -87.33 the result flushes to 0 (true value is subnormal).
 * The Cephes expf polynomial is specified at ~1–2 ulp relative error on the reduced range.
 * sigmoid = 1 / (1 + exp(-x)) (IEEE division); tanh: |x| < 0.625: Cephes odd polynomial
 * (x + x^3·P(x^2)), else sign(x)·(1 - 2/(exp(2|x|)+1)).
 * Enforced by the tests against libm on a [-30, 30] sweep plus extremes (±88.8, ±1e30, ±inf, …):
 * |err| <= 2e-6 + 4e-7·|y| for sigmoid/tanh (i.e. a few ulp relative above ~5, 2e-6 abs near 0).
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>
#include <math.h>

#define T EK__TARGET_AVX2

EK__INLINE T __m256 exp_avx2(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-88.3762626647949f);
    x = _mm256_min_ps(hi, x);
    x = _mm256_max_ps(lo, x);
    const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500E-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
    const __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

EK__INLINE T __m256 sigmoid_avx2(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp_avx2(_mm256_sub_ps(_mm256_setzero_ps(), x));
    return _mm256_div_ps(one, _mm256_add_ps(one, e));
}

EK__INLINE T __m256 tanh_avx2(__m256 x) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 ax = _mm256_andnot_ps(sign, x);
    const __m256 one = _mm256_set1_ps(1.0f);
    /* large branch */
    const __m256 e = exp_avx2(_mm256_add_ps(ax, ax));
    __m256 big = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
    big = _mm256_or_ps(big, _mm256_and_ps(sign, x));
    /* small branch */
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 p = _mm256_set1_ps(-5.70498872745E-3f);
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(2.06390887954E-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-5.37397155531E-2f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(1.33314422036E-1f));
    p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(-3.33332819422E-1f));
    const __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(p, z), x, x);
    const __m256 is_small = _mm256_cmp_ps(ax, _mm256_set1_ps(0.625f), _CMP_LT_OQ);
    return _mm256_blendv_ps(big, small, is_small);
}

EK__INLINE T __m256 act_vec_avx2(__m256 v, int kind, __m256 a, __m256 b) {
    switch (kind) {
    case EK_ACT_RELU: return _mm256_max_ps(v, _mm256_setzero_ps());
    case EK_ACT_CLIP: return _mm256_min_ps(_mm256_max_ps(v, a), b);
    case EK_ACT_LEAKY_RELU: {
        const __m256 neg = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, a), neg);
    }
    case EK_ACT_SIGMOID: return sigmoid_avx2(v);
    case EK_ACT_TANH: return tanh_avx2(v);
    case EK_ACT_HARD_SIGMOID:
        return _mm256_max_ps(_mm256_setzero_ps(), _mm256_min_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(a, v, b)));
    case EK_ACT_HARD_SWISH: {
        const __m256 t = _mm256_fmadd_ps(v, _mm256_set1_ps(1.0f / 6.0f), _mm256_set1_ps(0.5f));
        return _mm256_mul_ps(v, _mm256_max_ps(_mm256_setzero_ps(), _mm256_min_ps(_mm256_set1_ps(1.0f), t)));
    }
    default: return v;
    }
}

/* One kind per instantiation so the switch folds out of the loop. */
EK__INLINE T void act_loop_avx2(const float *x, float *y, size_t n, int kind, float alpha, float beta) {
    const __m256 a = _mm256_set1_ps(alpha), b = _mm256_set1_ps(beta);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 v0 = act_vec_avx2(_mm256_loadu_ps(x + i), kind, a, b);
        const __m256 v1 = act_vec_avx2(_mm256_loadu_ps(x + i + 8), kind, a, b);
        _mm256_storeu_ps(y + i, v0);
        _mm256_storeu_ps(y + i + 8, v1);
    }
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, act_vec_avx2(_mm256_loadu_ps(x + i), kind, a, b));
    if (i < n) {
        const int r = (int)(n - i);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        const __m256 v = act_vec_avx2(_mm256_maskload_ps(x + i, mask), kind, a, b);
        _mm256_maskstore_ps(y + i, mask, v);
    }
}

T void ek__act_avx2(const float *x, float *y, size_t n, ek_activation act) {
    const float al = act.alpha, be = act.beta;
    switch (act.kind) {
    case EK_ACT_RELU: act_loop_avx2(x, y, n, EK_ACT_RELU, al, be); break;
    case EK_ACT_CLIP: act_loop_avx2(x, y, n, EK_ACT_CLIP, al, be); break;
    case EK_ACT_LEAKY_RELU: act_loop_avx2(x, y, n, EK_ACT_LEAKY_RELU, al, be); break;
    case EK_ACT_SIGMOID: act_loop_avx2(x, y, n, EK_ACT_SIGMOID, al, be); break;
    case EK_ACT_TANH: act_loop_avx2(x, y, n, EK_ACT_TANH, al, be); break;
    case EK_ACT_HARD_SIGMOID: act_loop_avx2(x, y, n, EK_ACT_HARD_SIGMOID, al, be); break;
    case EK_ACT_HARD_SWISH: act_loop_avx2(x, y, n, EK_ACT_HARD_SWISH, al, be); break;
    default:
        if (x != y) act_loop_avx2(x, y, n, EK_ACT_NONE, al, be);
        break;
    }
}

EK__INLINE T float hmax_avx2(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}
EK__INLINE T float hsum_avx2(__m256 v) {
    __m128 m = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_add_ps(m, _mm_movehl_ps(m, m));
    m = _mm_add_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
}

T void ek__softmax_row_avx2(const float *x, float *y, int64_t cols, int log_softmax) {
    int64_t i = 0;
    __m256 vmax = _mm256_set1_ps(-INFINITY);
    for (; i + 8 <= cols; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
    float mx = hmax_avx2(vmax);
    for (; i < cols; i++) mx = x[i] > mx ? x[i] : mx;
    const __m256 vm = _mm256_set1_ps(mx);
    __m256 vsum = _mm256_setzero_ps();
    float sum = 0.0f;
    i = 0;
    if (log_softmax) {
        for (; i + 8 <= cols; i += 8) vsum = _mm256_add_ps(vsum, exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm)));
        sum = hsum_avx2(vsum);
        for (; i < cols; i++) sum += expf(x[i] - mx);
        const float ls = logf(sum);
        const __m256 vls = _mm256_set1_ps(ls);
        for (i = 0; i + 8 <= cols; i += 8)
            _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), vls));
        for (; i < cols; i++) y[i] = (x[i] - mx) - ls;
    } else {
        for (; i + 8 <= cols; i += 8) {
            const __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
            _mm256_storeu_ps(y + i, e);
            vsum = _mm256_add_ps(vsum, e);
        }
        sum = hsum_avx2(vsum);
        for (; i < cols; i++) {
            const float e = expf(x[i] - mx);
            y[i] = e;
            sum += e;
        }
        const float inv = 1.0f / sum;
        const __m256 vinv = _mm256_set1_ps(inv);
        for (i = 0; i + 8 <= cols; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), vinv));
        for (; i < cols; i++) y[i] *= inv;
    }
}
#endif

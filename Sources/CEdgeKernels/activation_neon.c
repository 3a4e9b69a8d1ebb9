/*
 * activation_neon.c — AArch64 NEON activations and softmax rows.
 * Same approximations as activation_avx2.c (Cephes exp polynomial, ~1–2 ulp; tanh odd
 * polynomial below 0.625). 2^n is built in the exponent bits after clamping.
 */
#if defined(__aarch64__)
#include "internal.h"

#include <arm_neon.h>
#include <math.h>

EK__INLINE float32x4_t exp_neon(float32x4_t x) {
    x = vminq_f32(x, vdupq_n_f32(88.3762626647949f));
    x = vmaxq_f32(x, vdupq_n_f32(-88.3762626647949f));
    const float32x4_t fx = vrndnq_f32(vmulq_n_f32(x, 1.44269504088896341f));
    float32x4_t r = vfmsq_f32(x, fx, vdupq_n_f32(0.693359375f));
    r = vfmsq_f32(r, fx, vdupq_n_f32(-2.12194440e-4f));
    float32x4_t p = vdupq_n_f32(1.9875691500E-4f);
    p = vfmaq_f32(vdupq_n_f32(1.3981999507E-3f), p, r);
    p = vfmaq_f32(vdupq_n_f32(8.3334519073E-3f), p, r);
    p = vfmaq_f32(vdupq_n_f32(4.1665795894E-2f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.6666665459E-1f), p, r);
    p = vfmaq_f32(vdupq_n_f32(5.0000001201E-1f), p, r);
    p = vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), p, vmulq_f32(r, r));
    const int32x4_t e = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(fx), vdupq_n_s32(127)), 23);
    return vmulq_f32(p, vreinterpretq_f32_s32(e));
}

EK__INLINE float32x4_t sigmoid_neon(float32x4_t x) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    return vdivq_f32(one, vaddq_f32(one, exp_neon(vnegq_f32(x))));
}

EK__INLINE float32x4_t tanh_neon(float32x4_t x) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    const float32x4_t ax = vabsq_f32(x);
    const float32x4_t e = exp_neon(vaddq_f32(ax, ax));
    float32x4_t big = vsubq_f32(one, vdivq_f32(vdupq_n_f32(2.0f), vaddq_f32(e, one)));
    const uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(x), vdupq_n_u32(0x80000000u));
    big = vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(big), sign));
    const float32x4_t z = vmulq_f32(x, x);
    float32x4_t p = vdupq_n_f32(-5.70498872745E-3f);
    p = vfmaq_f32(vdupq_n_f32(2.06390887954E-2f), p, z);
    p = vfmaq_f32(vdupq_n_f32(-5.37397155531E-2f), p, z);
    p = vfmaq_f32(vdupq_n_f32(1.33314422036E-1f), p, z);
    p = vfmaq_f32(vdupq_n_f32(-3.33332819422E-1f), p, z);
    const float32x4_t small = vfmaq_f32(x, vmulq_f32(p, z), x);
    return vbslq_f32(vcltq_f32(ax, vdupq_n_f32(0.625f)), small, big);
}

EK__INLINE float32x4_t act_vec_neon(float32x4_t v, int kind, float32x4_t a, float32x4_t b) {
    const float32x4_t zero = vdupq_n_f32(0.0f), one = vdupq_n_f32(1.0f);
    switch (kind) {
    case EK_ACT_RELU: return vmaxq_f32(v, zero);
    case EK_ACT_CLIP: return vminq_f32(vmaxq_f32(v, a), b);
    case EK_ACT_LEAKY_RELU: return vbslq_f32(vcltq_f32(v, zero), vmulq_f32(v, a), v);
    case EK_ACT_SIGMOID: return sigmoid_neon(v);
    case EK_ACT_TANH: return tanh_neon(v);
    case EK_ACT_HARD_SIGMOID: return vmaxq_f32(zero, vminq_f32(one, vfmaq_f32(b, a, v)));
    case EK_ACT_HARD_SWISH: {
        const float32x4_t t = vfmaq_f32(vdupq_n_f32(0.5f), v, vdupq_n_f32(1.0f / 6.0f));
        return vmulq_f32(v, vmaxq_f32(zero, vminq_f32(one, t)));
    }
    default: return v;
    }
}

EK__INLINE void act_loop_neon(const float *x, float *y, size_t n, int kind, float alpha, float beta) {
    const float32x4_t a = vdupq_n_f32(alpha), b = vdupq_n_f32(beta);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float32x4_t v0 = act_vec_neon(vld1q_f32(x + i), kind, a, b);
        const float32x4_t v1 = act_vec_neon(vld1q_f32(x + i + 4), kind, a, b);
        vst1q_f32(y + i, v0);
        vst1q_f32(y + i + 4, v1);
    }
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, act_vec_neon(vld1q_f32(x + i), kind, a, b));
    if (i < n) {
        float tmp[4] = {0, 0, 0, 0};
        for (size_t j = i; j < n; j++) tmp[j - i] = x[j];
        vst1q_f32(tmp, act_vec_neon(vld1q_f32(tmp), kind, a, b));
        for (size_t j = i; j < n; j++) y[j] = tmp[j - i];
    }
}

void ek__act_neon(const float *x, float *y, size_t n, ek_activation act) {
    const float al = act.alpha, be = act.beta;
    switch (act.kind) {
    case EK_ACT_RELU: act_loop_neon(x, y, n, EK_ACT_RELU, al, be); break;
    case EK_ACT_CLIP: act_loop_neon(x, y, n, EK_ACT_CLIP, al, be); break;
    case EK_ACT_LEAKY_RELU: act_loop_neon(x, y, n, EK_ACT_LEAKY_RELU, al, be); break;
    case EK_ACT_SIGMOID: act_loop_neon(x, y, n, EK_ACT_SIGMOID, al, be); break;
    case EK_ACT_TANH: act_loop_neon(x, y, n, EK_ACT_TANH, al, be); break;
    case EK_ACT_HARD_SIGMOID: act_loop_neon(x, y, n, EK_ACT_HARD_SIGMOID, al, be); break;
    case EK_ACT_HARD_SWISH: act_loop_neon(x, y, n, EK_ACT_HARD_SWISH, al, be); break;
    default:
        if (x != y) act_loop_neon(x, y, n, EK_ACT_NONE, al, be);
        break;
    }
}

void ek__softmax_row_neon(const float *x, float *y, int64_t cols, int log_softmax) {
    int64_t i = 0;
    float32x4_t vmax = vdupq_n_f32(-INFINITY);
    for (; i + 4 <= cols; i += 4) vmax = vmaxq_f32(vmax, vld1q_f32(x + i));
    float mx = vmaxvq_f32(vmax);
    for (; i < cols; i++) mx = x[i] > mx ? x[i] : mx;
    const float32x4_t vm = vdupq_n_f32(mx);
    float32x4_t vsum = vdupq_n_f32(0.0f);
    float sum;
    if (log_softmax) {
        for (i = 0; i + 4 <= cols; i += 4) vsum = vaddq_f32(vsum, exp_neon(vsubq_f32(vld1q_f32(x + i), vm)));
        sum = vaddvq_f32(vsum);
        for (; i < cols; i++) sum += expf(x[i] - mx);
        const float ls = logf(sum);
        const float32x4_t vls = vdupq_n_f32(ls);
        for (i = 0; i + 4 <= cols; i += 4) vst1q_f32(y + i, vsubq_f32(vsubq_f32(vld1q_f32(x + i), vm), vls));
        for (; i < cols; i++) y[i] = (x[i] - mx) - ls;
    } else {
        for (i = 0; i + 4 <= cols; i += 4) {
            const float32x4_t e = exp_neon(vsubq_f32(vld1q_f32(x + i), vm));
            vst1q_f32(y + i, e);
            vsum = vaddq_f32(vsum, e);
        }
        sum = vaddvq_f32(vsum);
        for (; i < cols; i++) {
            const float e = expf(x[i] - mx);
            y[i] = e;
            sum += e;
        }
        const float inv = 1.0f / sum;
        for (i = 0; i + 4 <= cols; i += 4) vst1q_f32(y + i, vmulq_n_f32(vld1q_f32(y + i), inv));
        for (; i < cols; i++) y[i] *= inv;
    }
}
#endif

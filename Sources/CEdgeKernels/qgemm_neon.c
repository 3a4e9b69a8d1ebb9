/*
 * qgemm_neon.c — NEON pieces of the int8 GEMM. Activations arrive packed as a ^ 0x80 (= a - 128 as
 * s8), so both operands are s8 and the epilogue corrects with (za - 128)·wsum (qgemm.c).
 *   sdot kernel (ASIMDDP, compiled with target("+dotprod"), selected only when HWCAP_ASIMDDP):
 *     4 rows × 16 columns, 16 int32x4 accumulators; per k-group 4 vector loads (4 columns × 4 k
 *     each), 1 broadcast-panel load (4 rows × 4 k), 16 sdot-by-lane.
 *   smull kernel (any ARMv8): per 2 rows × 16 columns, vmull_s8 products (|p| <= 16384 fits s16)
 *     are pairwise accumulated into int32 with sadalp; the two partial sums per column are folded
 *     with addp at the end.
 * Plus the 4-lane requantizing epilogue and u8 quantization (vcvtnq = round half even).
 */
#if defined(__aarch64__)
#include "qinternal.h"

#include <arm_neon.h>
#include <string.h>

__attribute__((target("arch=armv8.2-a+dotprod"))) void ek__qkernel_neon_dot(int64_t kg, const uint8_t *bc, int64_t bc_ps,
                                                               const uint8_t *vec, int64_t vec_ps, int32_t *acc,
                                                               int m, int n, int bs) {
    (void)bc_ps; (void)vec_ps; (void)m; (void)n; (void)bs;
    int32x4_t c[4][4];
    for (int r = 0; r < 4; r++)
        for (int t = 0; t < 4; t++) c[r][t] = vdupq_n_s32(0);
    for (int64_t g = 0; g < kg; g++) {
        const int8x16_t b = vld1q_s8((const int8_t *)bc + g * 16);
        const int8x16_t v0 = vld1q_s8((const int8_t *)vec + g * 64), v1 = vld1q_s8((const int8_t *)vec + g * 64 + 16);
        const int8x16_t v2 = vld1q_s8((const int8_t *)vec + g * 64 + 32), v3 = vld1q_s8((const int8_t *)vec + g * 64 + 48);
#define DOTROW(R)                                       \
        c[R][0] = vdotq_laneq_s32(c[R][0], v0, b, R); \
        c[R][1] = vdotq_laneq_s32(c[R][1], v1, b, R); \
        c[R][2] = vdotq_laneq_s32(c[R][2], v2, b, R); \
        c[R][3] = vdotq_laneq_s32(c[R][3], v3, b, R);
        DOTROW(0) DOTROW(1) DOTROW(2) DOTROW(3)
#undef DOTROW
    }
    for (int r = 0; r < 4; r++)
        for (int t = 0; t < 4; t++) vst1q_s32(acc + r * EK__QACC_LD + 4 * t, c[r][t]);
}

void ek__qkernel_neon(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps, int32_t *acc,
                      int m, int n, int bs) {
    (void)bc_ps; (void)vec_ps; (void)n; (void)bs;
    for (int r0 = 0; r0 < m; r0 += 2) {
        int32x4_t c[2][4][2];
        for (int r = 0; r < 2; r++)
            for (int t = 0; t < 4; t++) c[r][t][0] = c[r][t][1] = vdupq_n_s32(0);
        for (int64_t g = 0; g < kg; g++) {
            const int32x4_t ball = vreinterpretq_s32_s8(vld1q_s8((const int8_t *)bc + g * 16));
            const int8x16_t b0 = vreinterpretq_s8_s32(r0 == 0 ? vdupq_laneq_s32(ball, 0) : vdupq_laneq_s32(ball, 2));
            const int8x16_t b1 = vreinterpretq_s8_s32(r0 == 0 ? vdupq_laneq_s32(ball, 1) : vdupq_laneq_s32(ball, 3));
            for (int t = 0; t < 4; t++) {
                const int8x16_t v = vld1q_s8((const int8_t *)vec + g * 64 + 16 * t);
                c[0][t][0] = vpadalq_s16(c[0][t][0], vmull_s8(vget_low_s8(v), vget_low_s8(b0)));
                c[0][t][1] = vpadalq_s16(c[0][t][1], vmull_high_s8(v, b0));
                c[1][t][0] = vpadalq_s16(c[1][t][0], vmull_s8(vget_low_s8(v), vget_low_s8(b1)));
                c[1][t][1] = vpadalq_s16(c[1][t][1], vmull_high_s8(v, b1));
            }
        }
        for (int r = 0; r < 2; r++)
            for (int t = 0; t < 4; t++) vst1q_s32(acc + (r0 + r) * EK__QACC_LD + 4 * t, vpaddq_s32(c[r][t][0], c[r][t][1]));
    }
}

void ek__qepi_neon(const int32_t *acc, int64_t n, const ek__qepi *e, void *out) {
    const int32x4_t zeff = vdupq_n_s32(e->zeff), zo = vdupq_n_s32(e->zo);
    const float32x4_t lo = vdupq_n_f32(e->lo), hi = vdupq_n_f32(e->hi), sc = vdupq_n_f32(e->scale);
    int32x4_t ws = vdupq_n_s32(e->wsum[0]);
    int32x4_t bi = vdupq_n_s32(e->bias_i ? e->bias_i[0] : 0);
    float32x4_t m = vmulq_f32(vdupq_n_f32(e->mult[0]), sc);
    float32x4_t bf = vdupq_n_f32(e->bias_f ? e->bias_f[0] : 0.0f);
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        if (e->per_col) {
            ws = vld1q_s32(e->wsum + j);
            m = vmulq_f32(vld1q_f32(e->mult + j), sc);
            if (e->bias_i) bi = vld1q_s32(e->bias_i + j);
            if (e->bias_f) bf = vld1q_f32(e->bias_f + j);
        }
        const int32x4_t v = vaddq_s32(vsubq_s32(vld1q_s32(acc + j), vmulq_s32(zeff, ws)), bi);
        const float32x4_t f = vcvtq_f32_s32(v);
        if (e->out_f32) {
            float32x4_t y = e->bias_f ? vfmaq_f32(bf, f, m) : vmulq_f32(f, m);
            if (e->clamp_f32) y = vminq_f32(vmaxq_f32(y, lo), hi);
            vst1q_f32((float *)out + j, y);
        } else {
            const float32x4_t y = vminq_f32(vmaxq_f32(vmulq_f32(f, m), lo), hi);
            const int32x4_t q = vaddq_s32(vcvtnq_s32_f32(y), zo);
            const uint16x4_t q16 = vqmovun_s32(q);
            const uint8x8_t q8 = vqmovn_u16(vcombine_u16(q16, q16));
            const uint32_t w4 = vget_lane_u32(vreinterpret_u32_u8(q8), 0);
            memcpy((uint8_t *)out + j, &w4, 4);
        }
    }
    if (j < n) {
        ek__qepi t = *e;
        if (e->per_col) {
            t.wsum += j;
            t.mult += j;
            if (t.bias_i) t.bias_i += j;
            if (t.bias_f) t.bias_f += j;
        }
        ek__qepi_scalar(acc + j, n - j, &t, (uint8_t *)out + j * (e->out_f32 ? 4 : 1));
    }
}

void ek__quant_neon(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp) {
    const float32x4_t inv = vdupq_n_f32(inv_scale), lo = vdupq_n_f32((float)(0 - zp)), hi = vdupq_n_f32((float)(255 - zp));
    const int32x4_t z = vdupq_n_s32(zp);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        float32x4_t f0 = vmulq_f32(vld1q_f32(x + i), inv), f1 = vmulq_f32(vld1q_f32(x + i + 4), inv);
        /* NaN → lo like the scalar spec: select lo unless f > lo */
        f0 = vbslq_f32(vcgtq_f32(f0, lo), f0, lo);
        f1 = vbslq_f32(vcgtq_f32(f1, lo), f1, lo);
        f0 = vminq_f32(f0, hi);
        f1 = vminq_f32(f1, hi);
        const uint16x4_t a = vqmovun_s32(vaddq_s32(vcvtnq_s32_f32(f0), z));
        const uint16x4_t b = vqmovun_s32(vaddq_s32(vcvtnq_s32_f32(f1), z));
        vst1_u8(q + i, vqmovn_u16(vcombine_u16(a, b)));
    }
    if (i < n) ek__quant_scalar(x + i, q + i, n - i, inv_scale, zp);
}

/*
 * int8 depthwise 3×3 interior row with sdot (see ek__qdw3_row_vnni in qgemm_avx512.c for the
 * contract): x ^ 0x80 = x - 128 as s8, one tbl builds the four 4-byte windows of 4 outputs, one
 * sdot per input row; the zero point enters as the constant (128 - za)·Σw over the valid rows.
 */
__attribute__((target("arch=armv8.2-a+dotprod"))) void ek__qdw3_row_neon_dot(const uint8_t *const rows[3],
                                                                              const int8_t *w9, int32_t za, int stride,
                                                                              int64_t L, int64_t H, int64_t PL,
                                                                              int32_t *acc) {
    int32_t wsum = 0;
    int8x16_t wv[3];
    for (int i = 0; i < 3; i++) {
        const uint32_t wd = (uint32_t)(uint8_t)w9[3 * i] | (uint32_t)(uint8_t)w9[3 * i + 1] << 8 |
                            (uint32_t)(uint8_t)w9[3 * i + 2] << 16;
        wv[i] = vreinterpretq_s8_u32(vdupq_n_u32(wd));
        if (rows[i]) wsum += w9[3 * i] + w9[3 * i + 1] + w9[3 * i + 2];
    }
    static const uint8_t k_tb1[16] = {0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6};
    static const uint8_t k_tb2[16] = {0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9};
    const uint8x16_t tb = vld1q_u8(stride == 1 ? k_tb1 : k_tb2), x80 = vdupq_n_u8(0x80);
    const int32x4_t base = vdupq_n_s32((128 - za) * wsum);
    const int64_t last = (H - 1) * stride + 3; /* bytes the row may be read up to (relative to column 0 - PL) */
    for (int64_t o = L; o < H; o += 4) {
        const int64_t n = H - o < 4 ? H - o : 4;
        int32x4_t a = base;
        for (int i = 0; i < 3; i++) {
            if (!rows[i]) continue;
            const uint8_t *p = rows[i] + o * stride - PL;
            uint8x16_t v;
            if (o * stride + 16 <= last) {
                v = vld1q_u8(p);
            } else {
                uint8_t t[16] = {0};
                memcpy(t, p, (size_t)((n - 1) * stride + 3));
                v = vld1q_u8(t);
            }
            const int8x16_t win = vreinterpretq_s8_u8(vqtbl1q_u8(veorq_u8(v, x80), tb));
            a = vdotq_s32(a, win, wv[i]);
        }
        if (n == 4) {
            vst1q_s32(acc + (o - L), a);
        } else {
            int32_t t[4];
            vst1q_s32(t, a);
            for (int64_t k = 0; k < n; k++) acc[o - L + k] = t[k];
        }
    }
}
#endif

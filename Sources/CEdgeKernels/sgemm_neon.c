/*
 * sgemm_neon.c — AArch64 NEON SGEMM micro-kernel: 6 rows × 16 columns (24 q-register
 * accumulators, 4 B loads + A in 2 registers, lane-indexed FMLA). Full tiles store with the
 * fused epilogue in registers; partial tiles go through the scalar tile epilogue.
 */
#if defined(__aarch64__)
#include "internal.h"

#include <arm_neon.h>

#define ROW(R, AV, L)                                      \
    c##R##0 = vfmaq_laneq_f32(c##R##0, b0, AV, L);           \
    c##R##1 = vfmaq_laneq_f32(c##R##1, b1, AV, L);           \
    c##R##2 = vfmaq_laneq_f32(c##R##2, b2, AV, L);           \
    c##R##3 = vfmaq_laneq_f32(c##R##3, b3, AV, L)

void ek__ukernel_neon(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs, int64_t b_ps,
                      float *c, int64_t ldc, int m, int n, const ek__epilogue *ep) {
    (void)a_ps;
    (void)b_ps;
    const float32x4_t z = vdupq_n_f32(0.0f);
    float32x4_t c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
    float32x4_t c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
    float32x4_t c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
    for (int64_t k = 0; k < kc; k++) {
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8), b3 = vld1q_f32(b + 12);
        const float32x4_t a03 = vld1q_f32(a);
        const float32x4_t a45 = vcombine_f32(vld1_f32(a + 4), vdup_n_f32(0.0f));
        ROW(0, a03, 0); ROW(1, a03, 1); ROW(2, a03, 2); ROW(3, a03, 3);
        ROW(4, a45, 0); ROW(5, a45, 1);
        a += 6;
        b += b_rs;
    }
    float32x4_t acc[6][4] = {{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23},
                             {c30, c31, c32, c33}, {c40, c41, c42, c43}, {c50, c51, c52, c53}};
    if (m == 6 && n == 16) {
        const float32x4_t lo = vdupq_n_f32(ep->lo), hi = vdupq_n_f32(ep->hi);
        for (int i = 0; i < 6; i++) {
            float *cr = c + i * ldc;
            for (int j = 0; j < 4; j++) {
                float32x4_t v = acc[i][j];
                if (ep->add_c) v = vaddq_f32(v, vld1q_f32(cr + 4 * j));
                if (ep->bias_row) v = vaddq_f32(v, vdupq_n_f32(ep->bias_row[i]));
                if (ep->bias_col) v = vaddq_f32(v, vld1q_f32(ep->bias_col + 4 * j));
                if (ep->clamp) v = vminq_f32(vmaxq_f32(v, lo), hi);
                vst1q_f32(cr + 4 * j, v);
            }
            if (ep->act.kind != EK_ACT_NONE) ek__act_neon(cr, cr, 16, ep->act);
        }
    } else {
        float tile[6 * 16];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 4; j++) vst1q_f32(tile + i * 16 + 4 * j, acc[i][j]);
        ek__store_tile_scalar(tile, 16, c, ldc, m, n, ep, ek__act_neon);
    }
}
#endif

/*
 * sgemm_neon.c — AArch64 NEON SGEMM micro-kernel: 6 rows × 16 columns (24 q-register
 * accumulators, 4 B loads + A in 2 registers, lane-indexed FMLA). Full tiles store with the
 * fused epilogue in registers; partial tiles go through the scalar tile epilogue.
 * Small-M kernel: 1–2 rows × 32 columns or 3–4 rows × 16 columns per pass over whole 16-column
 * panels (one row: even/odd k in separate accumulators); a ragged last panel goes to the scalar
 * small-M kernel (NEON has no masked loads, and plain B must not be read past column n).
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
        const int hswish = ep->act.kind == EK_ACT_HARD_SWISH, call_act = ep->act.kind != EK_ACT_NONE && !hswish;
        const float32x4_t sixth = vdupq_n_f32(1.0f / 6.0f), half = vdupq_n_f32(0.5f), one = vdupq_n_f32(1.0f);
        for (int i = 0; i < 6; i++) {
            float *cr = c + i * ldc;
            for (int j = 0; j < 4; j++) {
                float32x4_t v = acc[i][j];
                if (ep->add_c) v = vaddq_f32(v, vld1q_f32(cr + 4 * j));
                if (ep->bias_row) v = vaddq_f32(v, vdupq_n_f32(ep->bias_row[i]));
                if (ep->bias_col) v = vaddq_f32(v, vld1q_f32(ep->bias_col + 4 * j));
                if (ep->clamp) v = vminq_f32(vmaxq_f32(v, lo), hi);
                if (hswish) /* x · min(max(x/6 + 0.5, 0), 1), inline (as ek__act_neon) */
                    v = vmulq_f32(v, vminq_f32(vmaxq_f32(vfmaq_f32(half, v, sixth), vdupq_n_f32(0.0f)), one));
                vst1q_f32(cr + 4 * j, v);
            }
            if (call_act) ek__act_neon(cr, cr, 16, ep->act);
        }
    } else {
        float tile[6 * 16];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 4; j++) vst1q_f32(tile + i * 16 + 4 * j, acc[i][j]);
        ek__store_tile_scalar(tile, 16, c, ldc, m, n, ep, ek__act_neon);
    }
}

/* Rows 0..MR-1 × full 16-column panels 0..NP-1 of the small-M product, epilogue included. */
static inline __attribute__((always_inline)) void smallm_tpl(const int MR, const int NP, int64_t kc, const float *a,
                                                             int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                                                             int64_t b_ps, float *c, int64_t ldc,
                                                             const ek__epilogue *ep) {
    float32x4_t acc[4][8], odd[8];
    for (int h = 0; h < 8; h++) {
        odd[h] = vdupq_n_f32(0.0f);
        for (int i = 0; i < 4; i++) acc[i][h] = vdupq_n_f32(0.0f);
    }
    int64_t k = 0;
    if (MR == 1) {
        for (; k + 1 < kc; k += 2) {
            const float a0 = a[k * a_ks], a1 = a[(k + 1) * a_ks];
            const float *bk = b + k * b_rs;
            for (int h = 0; h < 4 * NP; h++) {
                const float *bh = bk + (h / 4) * b_ps + (h & 3) * 4;
                acc[0][h] = vfmaq_n_f32(acc[0][h], vld1q_f32(bh), a0);
                odd[h] = vfmaq_n_f32(odd[h], vld1q_f32(bh + b_rs), a1);
            }
        }
    }
    for (; k < kc; k++) {
        float32x4_t bq[8];
        const float *bk = b + k * b_rs;
        for (int h = 0; h < 4 * NP; h++) bq[h] = vld1q_f32(bk + (h / 4) * b_ps + (h & 3) * 4);
        for (int i = 0; i < MR; i++) {
            const float ai = a[i * a_rs + k * a_ks];
            for (int h = 0; h < 4 * NP; h++) acc[i][h] = vfmaq_n_f32(acc[i][h], bq[h], ai);
        }
    }
    const float32x4_t lo = vdupq_n_f32(ep->lo), hi = vdupq_n_f32(ep->hi);
    for (int i = 0; i < MR; i++) {
        float *cr = c + i * ldc;
        for (int h = 0; h < 4 * NP; h++) {
            float32x4_t v = MR == 1 ? vaddq_f32(acc[i][h], odd[h]) : acc[i][h];
            if (ep->add_c) v = vaddq_f32(v, vld1q_f32(cr + 4 * h));
            if (ep->bias_row) v = vaddq_f32(v, vdupq_n_f32(ep->bias_row[i]));
            if (ep->bias_col) v = vaddq_f32(v, vld1q_f32(ep->bias_col + 4 * h));
            if (ep->clamp) v = vminq_f32(vmaxq_f32(v, lo), hi);
            vst1q_f32(cr + 4 * h, v);
        }
        if (ep->act.kind != EK_ACT_NONE) ek__act_neon(cr, cr, (size_t)(16 * NP), ep->act);
    }
}

#define SMALLM_CASE(MR, NP) \
    case (MR) * 8 + (NP): smallm_tpl(MR, NP, kc, a, a_rs, a_ks, bj, b_rs, b_ps, c + j, ldc, &e); break

void ek__smallm_neon(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                     int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep) {
    ek__epilogue e = *ep;
    const int64_t width = m <= 2 ? 32 : 16, whole = n / 16 * 16;
    for (int64_t j = 0; j < whole; j += width) {
        const int64_t cols = whole - j < width ? whole - j : width;
        const float *bj = b + (j / 16) * b_ps;
        e.bias_col = ep->bias_col ? ep->bias_col + j : NULL;
        switch (m * 8 + (int)(cols / 16)) {
            SMALLM_CASE(1, 1); SMALLM_CASE(1, 2);
            SMALLM_CASE(2, 1); SMALLM_CASE(2, 2);
            SMALLM_CASE(3, 1);
            SMALLM_CASE(4, 1);
            default: break;
        }
    }
    if (whole < n) {
        const int64_t j = whole;
        e.bias_col = ep->bias_col ? ep->bias_col + j : NULL;
        ek__smallm_ref(kc, a, a_rs, a_ks, b + (j / 16) * b_ps, b_rs, b_ps, c + j, ldc, m, n - j, &e, ek__act_neon);
    }
}
#endif

/*
 * sgemm_scalar.c — portable 6×16 SGEMM micro-kernel (the scalar reference path) and the
 * scalar tile epilogue that vector kernels reuse for partial tiles.
 */
#include "internal.h"

#include <math.h>

void ek__store_tile_scalar(const float *tile, int64_t ldt, float *c, int64_t ldc, int m, int n,
                           const ek__epilogue *ep, ek__act_fn act) {
    for (int i = 0; i < m; i++) {
        const float *t = tile + i * ldt;
        float *cr = c + i * ldc;
        const float br = ep->bias_row ? ep->bias_row[i] : 0.0f;
        for (int j = 0; j < n; j++) {
            float v = t[j];
            if (ep->add_c) v += cr[j];
            v += br;
            if (ep->bias_col) v += ep->bias_col[j];
            if (ep->clamp) v = fminf(fmaxf(v, ep->lo), ep->hi);
            cr[j] = v;
        }
        if (ep->act.kind != EK_ACT_NONE) act(cr, cr, (size_t)n, ep->act);
    }
}

void ek__ukernel_scalar(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs, int64_t b_ps,
                        float *c, int64_t ldc, int m, int n, const ek__epilogue *ep) {
    (void)a_ps;
    (void)b_ps;
    float acc[6][16];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 16; j++) acc[i][j] = 0.0f;
    for (int64_t k = 0; k < kc; k++) {
        const float *bk = b + k * b_rs;
        for (int i = 0; i < 6; i++) {
            const float ai = a[k * 6 + i];
            for (int j = 0; j < 16; j++) acc[i][j] += ai * bk[j];
        }
    }
    ek__store_tile_scalar(&acc[0][0], 16, c, ldc, m, n, ep, ek__act_scalar);
}

void ek__smallm_ref(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs, int64_t b_ps,
                    float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep, ek__act_fn act) {
    ek__epilogue e = *ep;
    for (int64_t j0 = 0; j0 < n; j0 += 16, b += b_ps) {
        const int cols = (int)(n - j0 < 16 ? n - j0 : 16);
        float acc[EK__SMALL_M][16] = {{0}};
        for (int64_t k = 0; k < kc; k++) {
            const float *bk = b + k * b_rs;
            for (int i = 0; i < m; i++) {
                const float ai = a[i * a_rs + k * a_ks];
                for (int j = 0; j < cols; j++) acc[i][j] += ai * bk[j];
            }
        }
        e.bias_col = ep->bias_col ? ep->bias_col + j0 : NULL;
        ek__store_tile_scalar(&acc[0][0], 16, c + j0, ldc, m, cols, &e, act);
    }
}

void ek__smallm_scalar(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                       int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep) {
    ek__smallm_ref(kc, a, a_rs, a_ks, b, b_rs, b_ps, c, ldc, m, n, ep, ek__act_scalar);
}

/* conv_dw_common.h — scalar pieces shared by the per-ISA direct 3×3 depthwise kernels
 * (conv_dw_avx2.c, conv_dw_avx512.c, conv_dw_neon.c): the border-pixel fallback and the range of
 * output columns whose 3-tap window lies fully inside the input row. */
#ifndef EK_CONV_DW_COMMON_H
#define EK_CONV_DW_COMMON_H

#include "edge_kernels.h"

/** One output pixel of a 3×3 depthwise conv with taps in the padding skipped (borders only). */
static inline float ek__dw3x3_point(const float *in, const float *w, float bias, const ek_conv2d_geometry *g,
                                    int64_t oh, int64_t ow) {
    float s = bias;
    const int64_t S = g->stride_w;
    for (int i = 0; i < 3; i++) {
        const int64_t ih = oh * S - g->pad_top + i;
        if (ih < 0 || ih >= g->in_h) continue;
        for (int j = 0; j < 3; j++) {
            const int64_t iw = ow * S - g->pad_left + j;
            if (iw < 0 || iw >= g->in_w) continue;
            s += w[i * 3 + j] * in[ih * g->in_w + iw];
        }
    }
    return s;
}

/** Output columns [*lo, *hi) whose three horizontal taps all fall inside the input row. */
static inline void ek__dw3x3_interior(const ek_conv2d_geometry *g, int64_t *lo, int64_t *hi) {
    const int64_t S = g->stride_w, PL = g->pad_left;
    int64_t l = (PL + S - 1) / S;
    int64_t h = (g->in_w - 3 + PL) >= 0 ? (g->in_w - 3 + PL) / S + 1 : 0;
    if (h > g->out_w) h = g->out_w;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

#endif

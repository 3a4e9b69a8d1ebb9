/*
 * test_pooling.c — ek_pool2d and ek_global_pool on every ISA vs a double-precision reference
 * written straight from the ONNX MaxPool / AveragePool definition (window taps, padding,
 * count_include_pad). Tolerance: exact for max, 1e-6·(1 + |ref|) for averages.
 */
#include "ekt_common.h"

#include <float.h>
#include <string.h>

static double ref_window(const float *plane, const ek_pool2d_geometry *g, int64_t oh, int64_t ow, int is_max,
                         int include_pad) {
    double acc = is_max ? -FLT_MAX : 0.0;
    int64_t inside = 0, padded = 0;
    for (int64_t i = 0; i < g->kernel_h; i++)
        for (int64_t j = 0; j < g->kernel_w; j++) {
            const int64_t r = oh * g->stride_h - g->pad_top + i, c = ow * g->stride_w - g->pad_left + j;
            if (r < g->in_h + g->pad_bottom && c < g->in_w + g->pad_right) padded++;
            if (r < 0 || c < 0 || r >= g->in_h || c >= g->in_w) continue;
            const double v = plane[r * g->in_w + c];
            inside++;
            acc = is_max ? (v > acc ? v : acc) : acc + v;
        }
    if (is_max) return acc;
    const int64_t count = include_pad ? padded : inside;
    return count > 0 ? acc / (double)count : 0.0;
}

static void check_case(ekt_ctx *c, ekt_rng *r, const int *isas, int nisa, int64_t planes, int64_t ih, int64_t iw,
                       int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t pt, int64_t pl, int64_t pb, int64_t pr,
                       int ceil_mode) {
    ek_pool2d_geometry g = {ih, iw, 0, 0, kh, kw, sh, sw, pt, pl, pb, pr};
    const int64_t eh = ih + pt + pb - kh, ew = iw + pl + pr - kw;
    g.out_h = (ceil_mode ? (eh + sh - 1) / sh : eh / sh) + 1;
    g.out_w = (ceil_mode ? (ew + sw - 1) / sw : ew / sw) + 1;
    if (g.out_h <= 0 || g.out_w <= 0) return;
    const int64_t n_in = planes * ih * iw, n_out = planes * g.out_h * g.out_w;
    float *x = malloc(sizeof(float) * (size_t)(n_in + 1)), *y = malloc(sizeof(float) * (size_t)(n_out + 1));
    for (int64_t i = 0; i < n_in; i++) x[i] = ekt_uniform(r, -4, 4);
    const int prev = ek_active_isa();
    for (int mode = 0; mode < 3; mode++) {
        const int is_max = mode == 0, include_pad = mode == 2;
        for (int t = 0; t < nisa; t++) {
            ek_set_isa(isas[t]);
            memset(y, 0xFF, sizeof(float) * (size_t)n_out);
            ek_pool2d(x, y, planes, &g, is_max, include_pad);
            int bad = 0;
            for (int64_t p = 0; p < planes && bad < 3; p++)
                for (int64_t oh = 0; oh < g.out_h && bad < 3; oh++)
                    for (int64_t ow = 0; ow < g.out_w && bad < 3; ow++) {
                        const double want = ref_window(x + p * ih * iw, &g, oh, ow, is_max, include_pad);
                        const float got = y[(p * g.out_h + oh) * g.out_w + ow];
                        if (!ekt_close(got, want, is_max ? 0.0 : 1e-6 * (1 + fabs(want)))) {
                            ekt_fail(c, "pool2d isa=%s max=%d incl=%d in=%lldx%lld k=%lldx%lld s=%lldx%lld "
                                        "pads=%lld,%lld,%lld,%lld: y[%lld][%lld][%lld]=%.8g want %.8g",
                                     ek_isa_name(isas[t]), is_max, include_pad, (long long)ih, (long long)iw,
                                     (long long)kh, (long long)kw, (long long)sh, (long long)sw, (long long)pt,
                                     (long long)pl, (long long)pb, (long long)pr, (long long)p, (long long)oh,
                                     (long long)ow, got, want);
                            bad++;
                        }
                    }
            ekt_count(n_out);
        }
    }
    ek_set_isa(prev);
    free(x);
    free(y);
}

int ekt_pool2d(int verbose) {
    ekt_ctx c = {"pool2d", verbose, 0, 0};
    ekt_rng r = {0xB00B5ull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    /* the fast shapes (1×2, 2×2, 3×3; stride 1, 2), whole-plane rows (1×k, stride k), generic ones; ± padding */
    const int64_t ks[][4] = {{1, 2, 1, 2}, {1, 3, 1, 3}, {1, 2, 1, 3}, {2, 2, 2, 2}, {3, 3, 1, 1}, {3, 3, 2, 2}, {2, 2, 1, 1}, {1, 1, 1, 1},
                             {1, 1, 2, 2}, {2, 3, 1, 2}, {3, 2, 2, 1}, {5, 4, 3, 2}, {1, 2, 1, 1}};
    const int64_t sizes[][2] = {{49, 40}, {1, 1}, {7, 9}, {16, 17}, {5, 64}, {3, 2}, {4, 30}};
    for (size_t k = 0; k < sizeof ks / sizeof ks[0]; k++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int pads = 0; pads < 3; pads++) {
                const int64_t kh = ks[k][0], kw = ks[k][1];
                /* pads 0: none; 1: symmetric "same"-like; 2: asymmetric, up to kernel − 1 */
                const int64_t pt = pads == 1 ? (kh - 1) / 2 : pads == 2 ? kh - 1 : 0;
                const int64_t pl = pads == 1 ? (kw - 1) / 2 : pads == 2 ? kw - 1 : 0;
                const int64_t pb = pads == 1 ? pt : pads == 2 ? (kh - 1) / 2 : 0, pr = pads == 1 ? pl : 0;
                check_case(&c, &r, isas, nisa, 1 + (int64_t)(s % 3), sizes[s][0], sizes[s][1], kh, kw, ks[k][2],
                           ks[k][3], pt, pl, pb, pr, (int)((k + s + pads) % 2));
            }
    return ekt_done(&c);
}

int ekt_global_pool(int verbose) {
    ekt_ctx c = {"global_pool", verbose, 0, 0};
    ekt_rng r = {0x6106A1ull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const int64_t planes_sizes[][2] = {{1, 1}, {3, 15}, {2, 16}, {5, 17}, {64, 500}, {16, 6400}, {4, 33}};
    for (size_t s = 0; s < sizeof planes_sizes / sizeof planes_sizes[0]; s++) {
        const int64_t planes = planes_sizes[s][0], plane = planes_sizes[s][1];
        float *x = malloc(sizeof(float) * (size_t)(planes * plane)), *y = malloc(sizeof(float) * (size_t)planes);
        for (int64_t i = 0; i < planes * plane; i++) x[i] = ekt_uniform(&r, -3, 5);
        for (int is_max = 0; is_max < 2; is_max++)
            for (int t = 0; t < nisa; t++) {
                ek_set_isa(isas[t]);
                ek_global_pool(x, y, planes, plane, is_max);
                for (int64_t p = 0; p < planes; p++) {
                    double want = is_max ? -INFINITY : 0.0, mag = 0.0;
                    for (int64_t i = 0; i < plane; i++) {
                        const double v = x[p * plane + i];
                        want = is_max ? (v > want ? v : want) : want + v;
                        mag += fabs(v);
                    }
                    if (!is_max) {
                        want /= (double)plane;
                        mag /= (double)plane;
                    }
                    const double tol = is_max ? 0.0 : 2e-7 * (double)plane * mag + 1e-6;
                    if (!ekt_close(y[p], want, tol))
                        ekt_fail(&c, "global_pool isa=%s max=%d planes=%lld plane=%lld: y[%lld]=%.8g want %.8g",
                                 ek_isa_name(isas[t]), is_max, (long long)planes, (long long)plane, (long long)p, y[p],
                                 want);
                }
                ekt_count(planes);
            }
        free(x);
        free(y);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

/*
 * test_train.c — conformance of the training kernels (edge_train_kernels.h) on every ISA against
 * double-precision references: batch-norm moments / affine / backward sums and dx, activation
 * derivatives (including the gate boundaries), batch-norm backward through a fused ReLU/ReLU6 gate, depthwise-conv gradients (stride 1 padded-plane
 * path and the direct path, multipliers, dilation, asymmetric padding, accumulate semantics) and
 * col2im (the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>).
 */
#include "ekt_common.h"
#include "edge_train_kernels.h"

#include <string.h>

static void fill(ekt_rng *r, float *p, int64_t n, float lo, float hi) {
    for (int64_t i = 0; i < n; i++) p[i] = ekt_uniform(r, lo, hi);
}

/* |got − want| ≤ tol·(1 + |want|) */
static int rel_close(double got, double want, double tol) { return ekt_close(got, want, tol * (1.0 + fabs(want))); }

int ekt_train_batchnorm(int verbose) {
    ekt_ctx c = {"train_batchnorm", verbose, 0, 0};
    ekt_rng r = {4242};
    int isas[4];
    const int nisa = ekt_isas(isas), prev = ek_active_isa();
    const int64_t planes[] = {1, 7, 16, 33, 980, 4096};
    for (int s = 0; s < 6; s++) {
        const int64_t n = 3, ch = 4, plane = planes[s], stride = ch * plane, total = n * stride;
        float *x = malloc(sizeof(float) * total), *dy = malloc(sizeof(float) * total), *y = malloc(sizeof(float) * total);
        fill(&r, x, total, -2.0f, 3.0f);
        fill(&r, dy, total, -1.0f, 1.0f);
        float *gy = malloc(sizeof(float) * total);
        fill(&r, gy, total, -2.0f, 8.0f);
        for (int64_t i = 0; i < total; i += 5) gy[i] = (i / 5) % 2 ? 6.0f : 0.0f;
        for (int k = 0; k < nisa; k++) {
            ek_set_isa(isas[k]);
            for (int64_t ci = 0; ci < ch; ci++) {
                const float *xc = x + ci * plane, *dc = dy + ci * plane;
                double m = 0, v = 0;
                for (int64_t i = 0; i < n; i++) for (int64_t p = 0; p < plane; p++) m += xc[i * stride + p];
                m /= (double)(n * plane);
                for (int64_t i = 0; i < n; i++) for (int64_t p = 0; p < plane; p++) v += (xc[i * stride + p] - m) * (xc[i * stride + p] - m);
                v /= (double)(n * plane);
                float mean, var;
                ek_channel_moments(xc, n, stride, plane, &mean, &var);
                if (!rel_close(mean, m, 1e-5) || !rel_close(var, v, 1e-5))
                    ekt_fail(&c, "%s moments plane %lld: %g %g want %g %g", ek_isa_name(isas[k]), (long long)plane, mean, var, m, v);
                ekt_count(2);
                /* backward without a gate, with a ReLU gate and with a ReLU6 gate (gy holds exact 0 and 6) */
                const ek_gate gates[3] = {{NULL, 0, 0}, {gy + ci * plane, 0.0f, INFINITY}, {gy + ci * plane, 0.0f, 6.0f}};
                for (int gi = 0; gi < 3; gi++) {
                    const ek_gate gate = gates[gi];
                    double sdy = 0, sdx = 0;
                    for (int64_t i = 0; i < n; i++) for (int64_t p = 0; p < plane; p++) {
                        const int64_t q = i * stride + p;
                        const double g = !gate.y || (gate.y[q] > gate.lo && gate.y[q] < gate.hi) ? dc[q] : 0.0;
                        sdy += g;
                        sdx += g * (xc[q] - m);
                    }
                    float a, b;
                    ek_bn_backward_sums(xc, dc, gate, n, stride, plane, (float)m, &a, &b);
                    const double scale = (double)(n * plane) * 1e-5;
                    if (!ekt_close(a, sdy, scale + 1e-5) || !ekt_close(b, sdx, 2 * scale + 1e-5))
                        ekt_fail(&c, "%s bn sums gate %d plane %lld: %g %g want %g %g", ek_isa_name(isas[k]), gi, (long long)plane, a, b, sdy, sdx);
                    const float kk = 1.3f, cy = 0.05f, cx = -0.2f;
                    ek_bn_backward_dx(xc, dc, gate, y + ci * plane, n, stride, plane, (float)m, kk, cy, cx);
                    for (int64_t i = 0; i < n; i++) for (int64_t p = 0; p < plane; p++) {
                        const int64_t q = i * stride + p;
                        const double g = !gate.y || (gate.y[q] > gate.lo && gate.y[q] < gate.hi) ? dc[q] : 0.0;
                        const double want = kk * (g - cy - ((double)xc[q] - (float)m) * cx);
                        if (!rel_close(y[ci * plane + q], want, 1e-5))
                            ekt_fail(&c, "%s bn dx gate %d [%lld]: %g want %g", ek_isa_name(isas[k]), gi, (long long)q, y[ci * plane + q], want);
                    }
                    ekt_count(2 + n * plane);
                }
            }
            /* affine on its own (y = clamp(x·s + b), in place allowed): no clamp, ReLU, ReLU6 */
            const float los[3] = {-INFINITY, 0.0f, 0.0f}, his[3] = {INFINITY, INFINITY, 6.0f};
            for (int a = 0; a < 3; a++) {
                memcpy(y, x, sizeof(float) * total);
                ek_channel_affine(y, y, n, stride, plane, -3.5f, 0.25f, los[a], his[a]);
                for (int64_t i = 0; i < n; i++) for (int64_t p = 0; p < plane; p++) {
                    const double want = fmin(fmax((double)x[i * stride + p] * -3.5 + 0.25, los[a]), his[a]);
                    if (!rel_close(y[i * stride + p], want, 1e-6))
                        ekt_fail(&c, "%s affine clamp %d [%lld]: %g want %g", ek_isa_name(isas[k]), a, (long long)(i * stride + p), y[i * stride + p], want);
                }
                ekt_count(n * plane);
            }
        }
        free(x);
        free(dy);
        free(y);
        free(gy);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

static double dact_ref(double x, double y, ek_activation a) {
    switch (a.kind) {
    case EK_ACT_NONE: return 1;
    case EK_ACT_RELU: return x > 0 ? 1 : 0;
    case EK_ACT_CLIP: return x > a.alpha && x < a.beta ? 1 : 0;
    case EK_ACT_LEAKY_RELU: return x < 0 ? a.alpha : 1;
    case EK_ACT_SIGMOID: return y * (1 - y);
    case EK_ACT_TANH: return 1 - y * y;
    case EK_ACT_HARD_SWISH: return x <= -3 ? 0 : (x >= 3 ? 1 : x / 3 + 0.5);
    default: return 0;
    }
}

int ekt_train_activation(int verbose) {
    ekt_ctx c = {"train_activation", verbose, 0, 0};
    ekt_rng r = {777};
    int isas[4];
    const int nisa = ekt_isas(isas), prev = ek_active_isa();
    const ek_activation acts[] = {
        {EK_ACT_NONE, 0, 0}, {EK_ACT_RELU, 0, 0}, {EK_ACT_CLIP, 0, 6}, {EK_ACT_CLIP, -0.5f, 0.75f},
        {EK_ACT_LEAKY_RELU, 0.1f, 0}, {EK_ACT_SIGMOID, 0, 0}, {EK_ACT_TANH, 0, 0}, {EK_ACT_HARD_SWISH, 0, 0},
    };
    const float edges[] = {0.0f, -0.0f, 6.0f, -3.0f, 3.0f, -0.5f, 0.75f, 1e-30f, -1e-30f};
    enum { N = 203 };
    float x[N], y[N], dy[N], dx[N];
    for (int k = 0; k < nisa; k++) {
        ek_set_isa(isas[k]);
        for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
            for (int len = 1; len <= N; len += (len < 40 ? 1 : 27)) {
                fill(&r, x, len, -8.0f, 8.0f);
                for (int i = 0; i < len && i < 9; i++) x[(i * 7) % len] = edges[i];
                for (int i = 0; i < len; i++) y[i] = (float)ekt_act_ref(x[i], acts[a]);
                fill(&r, dy, len, -2.0f, 2.0f);
                if (ek_activation_backward(x, y, dy, dx, (size_t)len, acts[a]) != 0) ekt_fail(&c, "kind %d rejected", acts[a].kind);
                for (int i = 0; i < len; i++) {
                    const double want = dy[i] * dact_ref(x[i], y[i], acts[a]);
                    if (!rel_close(dx[i], want, 2e-6))
                        ekt_fail(&c, "%s kind %d len %d x=%g: %g want %g", ek_isa_name(isas[k]), acts[a].kind, len, x[i], dx[i], want);
                }
                /* in place: dx aliases dy */
                memcpy(dx, dy, sizeof(float) * len);
                ek_activation_backward(x, y, dx, dx, (size_t)len, acts[a]);
                for (int i = 0; i < len; i++)
                    if (!rel_close(dx[i], dy[i] * dact_ref(x[i], y[i], acts[a]), 2e-6)) ekt_fail(&c, "%s in place kind %d", ek_isa_name(isas[k]), acts[a].kind);
                ekt_count(2 * len);
            }
        }
        const ek_activation hs = {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f};
        if (ek_activation_backward(x, y, dy, dx, 4, hs) != -1) ekt_fail(&c, "%s: unsupported kind must return -1", ek_isa_name(isas[k]));
        const ek_activation sg = {EK_ACT_SIGMOID, 0, 0};
        if (ek_activation_backward(x, NULL, dy, dx, 4, sg) != -1) ekt_fail(&c, "%s: sigmoid without y must return -1", ek_isa_name(isas[k]));
        ekt_count(2);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

typedef struct {
    int64_t c, ih, iw, kh, kw, s, pt, pl, pb, pr, d, mult;
} dwb_spec;

static ek_conv2d_geometry dwb_geometry(const dwb_spec *s) {
    ek_conv2d_geometry g = {s->c, s->ih, s->iw, s->kh, s->kw, s->s, s->s, s->pt, s->pl, s->d, s->d, 0, 0};
    g.out_h = (s->ih + s->pt + s->pb - s->d * (s->kh - 1) - 1) / s->s + 1;
    g.out_w = (s->iw + s->pl + s->pr - s->d * (s->kw - 1) - 1) / s->s + 1;
    return g;
}

int ekt_train_depthwise(int verbose) {
    ekt_ctx c = {"train_depthwise", verbose, 0, 0};
    ekt_rng r = {31337};
    int isas[4];
    const int nisa = ekt_isas(isas), prev = ek_active_isa();
    /* {c, ih, iw, kh, kw, stride, pt, pl, pb, pr, dilation, multiplier} */
    const dwb_spec specs[] = {
        {4, 49, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1}, {3, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1, 1}, {2, 17, 13, 3, 3, 2, 1, 1, 0, 0, 1, 1},
        {2, 20, 23, 5, 5, 1, 2, 2, 2, 2, 1, 1}, {2, 19, 17, 3, 3, 1, 2, 2, 2, 2, 2, 1}, {3, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 2},
        {2, 12, 12, 3, 1, 1, 0, 0, 0, 0, 1, 1}, {1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1}, {2, 12, 12, 3, 3, 1, 0, 2, 1, 0, 1, 1},
        {2, 8, 33, 3, 3, 1, 1, 1, 1, 1, 1, 3}, {2, 15, 21, 5, 5, 2, 2, 2, 2, 2, 1, 2}, {1, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1},
        /* 7×7 (49 taps: padded planes, taps in groups of four), 9×9 (81 taps: direct path), dilated 5×5 */
        {2, 13, 17, 7, 7, 1, 3, 3, 3, 3, 1, 1}, {1, 12, 12, 9, 9, 1, 4, 4, 4, 4, 1, 1}, {2, 21, 18, 5, 5, 1, 4, 4, 4, 4, 2, 1},
    };
    for (size_t si = 0; si < sizeof specs / sizeof specs[0]; si++) {
        const ek_conv2d_geometry g = dwb_geometry(&specs[si]);
        const int64_t mult = specs[si].mult, oc = g.channels * mult, kk = g.kernel_h * g.kernel_w;
        const int64_t nx = g.channels * g.in_h * g.in_w, ny = oc * g.out_h * g.out_w, nw = oc * kk;
        float *x = malloc(sizeof(float) * nx), *dy = malloc(sizeof(float) * ny), *w = malloc(sizeof(float) * nw);
        float *dx = malloc(sizeof(float) * nx), *dw = malloc(sizeof(float) * nw), *dx0 = malloc(sizeof(float) * nx), *dw0 = malloc(sizeof(float) * nw);
        double *rdx = calloc((size_t)nx, sizeof(double)), *rdw = calloc((size_t)nw, sizeof(double));
        const size_t ns = ek_conv2d_depthwise_backward_scratch(&g);
        float *scratch = malloc(sizeof(float) * (ns + 1));
        fill(&r, x, nx, -1, 1);
        fill(&r, dy, ny, -1, 1);
        fill(&r, w, nw, -1, 1);
        fill(&r, dx0, nx, -1, 1);
        fill(&r, dw0, nw, -1, 1);
        for (int64_t o = 0; o < oc; o++) {
            const int64_t ci = o / mult;
            for (int64_t oy = 0; oy < g.out_h; oy++) for (int64_t ox = 0; ox < g.out_w; ox++) {
                const double gy = dy[(o * g.out_h + oy) * g.out_w + ox];
                for (int64_t i = 0; i < g.kernel_h; i++) for (int64_t j = 0; j < g.kernel_w; j++) {
                    const int64_t iy = oy * g.stride_h - g.pad_top + i * g.dilation_h, ix = ox * g.stride_w - g.pad_left + j * g.dilation_w;
                    if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
                    const int64_t xi = (ci * g.in_h + iy) * g.in_w + ix, wi = o * kk + i * g.kernel_w + j;
                    rdw[wi] += gy * x[xi];
                    rdx[xi] += gy * w[wi];
                }
            }
        }
        for (int k = 0; k < nisa; k++) {
            ek_set_isa(isas[k]);
            for (int with_dx = 0; with_dx < 2; with_dx++) {
                memcpy(dx, dx0, sizeof(float) * nx);
                memcpy(dw, dw0, sizeof(float) * nw);
                ek_conv2d_depthwise_backward(x, w, dy, with_dx ? dx : NULL, dw, &g, mult, scratch);
                for (int64_t i = 0; i < nw; i++)
                    if (!rel_close(dw[i], dw0[i] + rdw[i], 1e-5))
                        ekt_fail(&c, "%s spec %zu dw[%lld]: %g want %g", ek_isa_name(isas[k]), si, (long long)i, dw[i], dw0[i] + rdw[i]);
                for (int64_t i = 0; i < nx; i++) {
                    const double want = dx0[i] + (with_dx ? rdx[i] : 0);
                    if (!rel_close(dx[i], want, 1e-5))
                        ekt_fail(&c, "%s spec %zu dx[%lld]: %g want %g", ek_isa_name(isas[k]), si, (long long)i, dx[i], want);
                }
                ekt_count(nw + nx);
            }
        }
        free(x); free(dy); free(w); free(dx); free(dw); free(dx0); free(dw0); free(rdx); free(rdw); free(scratch);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

int ekt_col2im(int verbose) {
    ekt_ctx c = {"col2im", verbose, 0, 0};
    ekt_rng r = {2718};
    /* {c, ih, iw, kh, kw, stride, pt, pl, pb, pr, dilation, -} */
    const dwb_spec specs[] = {
        {1, 98, 40, 10, 4, 2, 4, 1, 4, 1, 1, 0}, {3, 16, 16, 3, 3, 2, 1, 1, 1, 1, 1, 0}, {2, 9, 11, 3, 3, 1, 1, 1, 1, 1, 2, 0},
        {2, 7, 7, 1, 1, 2, 0, 0, 0, 0, 1, 0}, {2, 12, 13, 5, 3, 1, 0, 2, 1, 0, 1, 0},
    };
    for (size_t si = 0; si < sizeof specs / sizeof specs[0]; si++) {
        const ek_conv2d_geometry g = dwb_geometry(&specs[si]);
        const int64_t nx = g.channels * g.in_h * g.in_w, ncol = g.channels * g.kernel_h * g.kernel_w * g.out_h * g.out_w;
        float *x = malloc(sizeof(float) * nx), *col = malloc(sizeof(float) * ncol), *xcol = malloc(sizeof(float) * ncol);
        float *dx = malloc(sizeof(float) * nx), *dx0 = malloc(sizeof(float) * nx);
        fill(&r, x, nx, -1, 1);
        fill(&r, col, ncol, -1, 1);
        fill(&r, dx0, nx, -1, 1);
        memcpy(dx, dx0, sizeof(float) * nx);
        ek_im2col(x, xcol, &g);
        ek_col2im(col, dx, &g);
        double lhs = 0, rhs = 0, mag = 0;
        for (int64_t i = 0; i < ncol; i++) { lhs += (double)xcol[i] * col[i]; mag += fabs((double)xcol[i] * col[i]); }
        for (int64_t i = 0; i < nx; i++) rhs += (double)x[i] * ((double)dx[i] - dx0[i]);
        if (!ekt_close(rhs, lhs, 1e-5 * (1 + mag))) ekt_fail(&c, "spec %zu: <x, col2im(c)> = %g, <im2col(x), c> = %g", si, rhs, lhs);
        ekt_count(1);
        free(x); free(col); free(xcol); free(dx); free(dx0);
    }
    return ekt_done(&c);
}

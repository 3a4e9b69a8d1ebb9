/*
 * test_kernels.c — conformance of activations, softmax, im2col, depthwise conv and CRC-32C.
 *
 * Tolerances:
 *   activations  vs the scalar (libm) path: |d| <= 2e-6 + 4e-7·|ref| (≈ 2 ulp rel + abs floor;
 *                the vector exp approximation is < 2 ulp, sigmoid/tanh add one division);
 *                piecewise-linear kinds must match to 1 ulp-ish (same formula, FMA allowed).
 *   softmax      vs double reference: |d| <= 1e-6 + 2e-5·ref;  log-softmax: |d| <= 2e-5·(1 + |ref|).
 *   im2col       exact, on every ISA (stride 2 uses the ISA's row deinterleave).
 *   depthwise    vs double reference: |d| <= 1e-6·(taps + 2)·Σ|w·x| + 4e-6 (activation floor); the element
 *                after the output must stay untouched. Fixed specs + a sweep over planes 1..41 (odd, non-square),
 *                3x3/5x5, stride 1/2, pads 0..2, dilation 1/2, multiplier 1/2, every activation kind.
 *   conv_small_cin vs double reference: |d| <= 1e-6·(Cin·taps + 2)·Σ|w·x| + 4e-6; Cin 1..4, Cout 1..32, kernels
 *                1x1..7x7, stride 1/2, pads, dilation, every activation, with and without a pool.
 *   crc32c       exact; known vectors (RFC 3720 B.4 and "123456789") and scalar vs hardware.
 */
#include "ekt_common.h"

#include <float.h>
#include <string.h>

/* ---- activations -------------------------------------------------------------------------------- */

int ekt_activations(int verbose) {
    ekt_ctx c = {"activations", verbose, 0, 0};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const ek_activation acts[] = {
        {EK_ACT_NONE, 0, 0},          {EK_ACT_RELU, 0, 0},    {EK_ACT_CLIP, 0.0f, 6.0f}, {EK_ACT_CLIP, -1.5f, 2.5f},
        {EK_ACT_LEAKY_RELU, 0.01f, 0}, {EK_ACT_SIGMOID, 0, 0}, {EK_ACT_TANH, 0, 0},
        {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f}, {EK_ACT_HARD_SWISH, 0, 0},
    };
    /* inputs: a fine sweep of [-30, 30] + extremes */
    enum { NS = 6001 };
    static const float extremes[] = {0.0f, -0.0f, 1e-40f, -1e-40f, 1e-7f, -1e-7f, 0.6249999f, -0.6249999f, 0.625f,
                                     -0.625f, 3.0f, -3.0f, 9.0f, -9.0f, 44.0f, -44.0f, 87.0f, -87.0f, 88.3f, -88.3f,
                                     88.8f, -88.8f, 89.0f, -89.0f, 100.0f, -100.0f, 1e30f, -1e30f, FLT_MAX, -FLT_MAX,
                                     INFINITY, -INFINITY};
    const size_t NE = sizeof extremes / sizeof extremes[0];
    const size_t n = NS + NE;
    float *x = malloc(n * sizeof(float)), *want = malloc(n * sizeof(float)), *got = malloc(n * sizeof(float));
    for (size_t i = 0; i < NS; i++) x[i] = -30.0f + 60.0f * (float)i / (float)(NS - 1);
    memcpy(x + NS, extremes, sizeof extremes);
    for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
        ek_set_isa(EK_ISA_SCALAR);
        ek_activation_apply(x, want, n, acts[a]);
        /* the scalar path itself vs double */
        for (size_t i = 0; i < n; i++) {
            const double ref = ekt_act_ref(x[i], acts[a]);
            if (!ekt_close(want[i], ref, 1e-6 + 4e-7 * fabs(ref)) && !(isinf(ref) && fabs(want[i]) > 1e38))
                ekt_fail(&c, "scalar act %d x=%g: %.9g want %.9g", acts[a].kind, x[i], want[i], ref);
        }
        ekt_count((int64_t)n);
        for (int t = 0; t < nisa; t++) {
            ek_set_isa(isas[t]);
            double max_err = 0;
            /* all lengths 1..40 exercise the vector tails; then the full array, in place and out of place */
            for (size_t len = 1; len <= 40; len++) {
                for (size_t off = 0; off + len <= n; off += 997) {
                    for (size_t i = 0; i < len; i++) got[off + i] = -7.0f;
                    ek_activation_apply(x + off, got + off, len, acts[a]);
                    for (size_t i = 0; i < len; i++) {
                        const float w = want[off + i], g = got[off + i];
                        if (!ekt_close(g, w, 2e-6 + 4e-7 * fabs(w)))
                            ekt_fail(&c, "isa=%s act=%d len=%zu x=%.9g: %.9g want %.9g", ek_isa_name(isas[t]),
                                     acts[a].kind, len, x[off + i], g, w);
                    }
                    ekt_count((int64_t)len);
                }
            }
            memcpy(got, x, n * sizeof(float));
            ek_activation_apply(got, got, n, acts[a]); /* in place */
            for (size_t i = 0; i < n; i++) {
                if (!ekt_close(got[i], want[i], 2e-6 + 4e-7 * fabs(want[i])))
                    ekt_fail(&c, "isa=%s act=%d in-place x=%.9g: %.9g want %.9g", ek_isa_name(isas[t]), acts[a].kind,
                             x[i], got[i], want[i]);
                else if (isfinite(want[i]) && fabs(got[i] - want[i]) > max_err) max_err = fabs(got[i] - want[i]);
            }
            ekt_count((int64_t)n);
            if (verbose > 1) printf("  act %d isa %s max abs err %.3g\n", acts[a].kind, ek_isa_name(isas[t]), max_err);
        }
    }
    free(x); free(want); free(got);
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* ---- softmax -------------------------------------------------------------------------------------- */

int ekt_softmax(int verbose) {
    ekt_ctx c = {"softmax", verbose, 0, 0};
    ekt_rng r = {42};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const int64_t cols_list[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 100, 1000, 4099};
    for (size_t ci = 0; ci < sizeof cols_list / sizeof cols_list[0]; ci++) {
        const int64_t cols = cols_list[ci], rows = 5;
        float *x = malloc(sizeof(float) * (size_t)(rows * cols)), *y = malloc(sizeof(float) * (size_t)(rows * cols));
        double *ref = malloc(sizeof(double) * (size_t)(rows * cols)), *lref = malloc(sizeof(double) * (size_t)(rows * cols));
        for (int64_t rr = 0; rr < rows; rr++) {
            for (int64_t j = 0; j < cols; j++) {
                float v = ekt_uniform(&r, -10, 10);
                if (rr == 1) v += 1e4f;                               /* large offset: needs max subtraction */
                if (rr == 2 && j % 3 == 1 && cols > 1) v = -INFINITY;  /* masked entries */
                if (rr == 3) v = ekt_uniform(&r, -100, 100);          /* underflowing exps */
                if (rr == 4) v = 0.5f;                                /* uniform row */
                x[rr * cols + j] = v;
            }
            double mx = -INFINITY, sum = 0;
            for (int64_t j = 0; j < cols; j++) mx = fmax(mx, x[rr * cols + j]);
            for (int64_t j = 0; j < cols; j++) sum += exp((double)x[rr * cols + j] - mx);
            for (int64_t j = 0; j < cols; j++) {
                ref[rr * cols + j] = exp((double)x[rr * cols + j] - mx) / sum;
                lref[rr * cols + j] = ((double)x[rr * cols + j] - mx) - log(sum);
            }
        }
        for (int t = 0; t < nisa; t++) {
            ek_set_isa(isas[t]);
            for (int lg = 0; lg < 2; lg++) {
                ek_softmax_rows(x, y, rows, cols, lg);
                int bad = 0;
                for (int64_t i = 0; i < rows * cols && bad < 3; i++) {
                    const double w = lg ? lref[i] : ref[i];
                    const double tol = lg ? 2e-5 * (1 + fabs(w)) : 1e-6 + 2e-5 * w;
                    if (!ekt_close(y[i], w, tol)) {
                        ekt_fail(&c, "isa=%s log=%d cols=%lld i=%lld x=%g: %.9g want %.9g", ek_isa_name(isas[t]), lg,
                                 (long long)cols, (long long)i, x[i], y[i], w);
                        bad++;
                    }
                }
                ekt_count(rows * cols);
            }
            /* in place */
            float *z = malloc(sizeof(float) * (size_t)(rows * cols));
            memcpy(z, x, sizeof(float) * (size_t)(rows * cols));
            ek_softmax_rows(z, z, rows, cols, 0);
            for (int64_t i = 0; i < rows * cols; i++)
                if (!ekt_close(z[i], ref[i], 1e-6 + 2e-5 * ref[i])) {
                    ekt_fail(&c, "isa=%s in-place cols=%lld", ek_isa_name(isas[t]), (long long)cols);
                    break;
                }
            free(z);
        }
        free(x); free(y); free(ref); free(lref);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* ---- convolution helpers --------------------------------------------------------------------------- */

typedef struct {
    int64_t c, ih, iw, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
} conv_spec;

static ek_conv2d_geometry make_geom(const conv_spec *s) {
    ek_conv2d_geometry g;
    g.channels = s->c; g.in_h = s->ih; g.in_w = s->iw; g.kernel_h = s->kh; g.kernel_w = s->kw;
    g.stride_h = s->sh; g.stride_w = s->sw; g.pad_top = s->pt; g.pad_left = s->pl;
    g.dilation_h = s->dh; g.dilation_w = s->dw;
    g.out_h = (s->ih + s->pt + s->pb - ((s->kh - 1) * s->dh + 1)) / s->sh + 1;
    g.out_w = (s->iw + s->pl + s->pr - ((s->kw - 1) * s->dw + 1)) / s->sw + 1;
    return g;
}

int ekt_im2col(int verbose) {
    ekt_ctx c = {"im2col", verbose, 0, 0};
    ekt_rng r = {7};
    const conv_spec specs[] = {
        {3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {2, 7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
        {1, 5, 5, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1}, {2, 10, 11, 3, 3, 1, 2, 2, 0, 1, 2, 2, 2},
        {4, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}, {1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {3, 13, 17, 2, 4, 3, 2, 0, 3, 1, 0, 1, 1},
        /* stride-2 deinterleave path (vectorised per ISA): stem shape, odd widths, pads 0..2, dilation, wide rows */
        {3, 64, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {3, 33, 67, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1},
        {2, 17, 41, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1}, {2, 15, 35, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1},
        {2, 14, 33, 3, 3, 2, 2, 2, 1, 1, 2, 2, 2}, {1, 5, 131, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1},
        {1, 3, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   {1, 4, 2, 3, 3, 2, 2, 1, 2, 1, 2, 1, 1},
        {2, 9, 300, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 6, 80, 3, 70, 1, 1, 1, 1, 1, 1, 1, 1},
    };
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    for (size_t si = 0; si < sizeof specs / sizeof specs[0]; si++)
    for (int t = 0; t < nisa; t++) {
        ek_set_isa(isas[t]);
        const ek_conv2d_geometry g = make_geom(&specs[si]);
        const int64_t rows = g.channels * g.kernel_h * g.kernel_w, plane = g.out_h * g.out_w;
        float *in = malloc(sizeof(float) * (size_t)(g.channels * g.in_h * g.in_w));
        float *col = malloc(sizeof(float) * (size_t)(rows * plane));
        for (int64_t i = 0; i < g.channels * g.in_h * g.in_w; i++) in[i] = ekt_uniform(&r, -1, 1);
        for (int64_t i = 0; i < rows * plane; i++) col[i] = NAN;
        ek_im2col(in, col, &g);
        int bad = 0;
        for (int64_t ch = 0; ch < g.channels; ch++)
            for (int64_t i = 0; i < g.kernel_h; i++)
                for (int64_t j = 0; j < g.kernel_w; j++)
                    for (int64_t oh = 0; oh < g.out_h; oh++)
                        for (int64_t ow = 0; ow < g.out_w; ow++) {
                            const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                            const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                            const float want = (ih >= 0 && ih < g.in_h && iw >= 0 && iw < g.in_w)
                                                   ? in[(ch * g.in_h + ih) * g.in_w + iw] : 0.0f;
                            const float got = col[((ch * g.kernel_h + i) * g.kernel_w + j) * plane + oh * g.out_w + ow];
                            if (got != want && bad++ < 3) ekt_fail(&c, "isa=%s spec %zu c=%lld i=%lld j=%lld oh=%lld ow=%lld", ek_isa_name(isas[t]), si,
                                                                   (long long)ch, (long long)i, (long long)j, (long long)oh, (long long)ow);
                        }
        ekt_count(rows * plane);
        free(in); free(col);
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* One depthwise case checked on every ISA (odd ISAs on the pool) against a double reference. */
static void dw_check(ekt_ctx *c, ekt_rng *r, const int *isas, int nisa, ek_pool *pool, const conv_spec *spec,
                     int64_t mult, ek_activation act, int with_bias, const char *tag) {
    const ek_conv2d_geometry g = make_geom(spec);
    if (g.out_h <= 0 || g.out_w <= 0) return;
    const int64_t oc = g.channels * mult, taps = g.kernel_h * g.kernel_w, plane = g.out_h * g.out_w;
    float *in = malloc(sizeof(float) * (size_t)(g.channels * g.in_h * g.in_w));
    float *w = malloc(sizeof(float) * (size_t)(oc * taps)), *b = malloc(sizeof(float) * (size_t)oc);
    float *out = malloc(sizeof(float) * (size_t)(oc * plane + 1));
    double *ref = malloc(sizeof(double) * (size_t)(oc * plane)), *mag = malloc(sizeof(double) * (size_t)(oc * plane));
    for (int64_t i = 0; i < g.channels * g.in_h * g.in_w; i++) in[i] = ekt_uniform(r, -1, 1);
    for (int64_t i = 0; i < oc * taps; i++) w[i] = ekt_uniform(r, -1, 1);
    for (int64_t i = 0; i < oc; i++) b[i] = ekt_uniform(r, -1, 1);
    for (int64_t o = 0; o < oc; o++)
        for (int64_t oh = 0; oh < g.out_h; oh++)
            for (int64_t ow = 0; ow < g.out_w; ow++) {
                double s = with_bias ? b[o] : 0, m = with_bias ? fabs(b[o]) : 0;
                for (int64_t i = 0; i < g.kernel_h; i++)
                    for (int64_t j = 0; j < g.kernel_w; j++) {
                        const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                        const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                        if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
                        const double p = (double)w[o * taps + i * g.kernel_w + j] *
                                         in[((o / mult) * g.in_h + ih) * g.in_w + iw];
                        s += p;
                        m += fabs(p);
                    }
                ref[o * plane + oh * g.out_w + ow] = ekt_act_ref(s, act);
                mag[o * plane + oh * g.out_w + ow] = m;
            }
    for (int t = 0; t < nisa; t++) {
        ek_set_isa(isas[t]);
        for (int64_t i = 0; i <= oc * plane; i++) out[i] = NAN;
        ek_conv2d_depthwise(in, w, with_bias ? b : NULL, out, &g, mult, act, (t & 1) ? pool : NULL);
        int bad = 0;
        for (int64_t i = 0; i < oc * plane && bad < 3; i++) {
            const double tol = 1e-6 * (double)(taps + 2) * mag[i] + 4e-6;
            if (!ekt_close(out[i], ref[i], tol)) {
                ekt_fail(c, "%s isa=%s c=%lld in=%lldx%lld k=%lldx%lld s=%lldx%lld pad=%lld,%lld,%lld,%lld d=%lldx%lld "
                         "mult=%lld act=%d bias=%d out[%lld]=%.8g want %.8g", tag, ek_isa_name(isas[t]),
                         (long long)spec->c, (long long)spec->ih, (long long)spec->iw, (long long)spec->kh,
                         (long long)spec->kw, (long long)spec->sh, (long long)spec->sw, (long long)spec->pt,
                         (long long)spec->pl, (long long)spec->pb, (long long)spec->pr, (long long)spec->dh,
                         (long long)spec->dw, (long long)mult, act.kind, with_bias, (long long)i, out[i], ref[i]);
                bad++;
            }
        }
        if (!isnan(out[oc * plane])) ekt_fail(c, "%s isa=%s wrote past the output", tag, ek_isa_name(isas[t]));
        ekt_count(oc * plane + 1);
    }
    free(in); free(w); free(b); free(out); free(ref); free(mag);
}

int ekt_depthwise(int verbose) {
    ekt_ctx c = {"depthwise", verbose, 0, 0};
    ekt_rng r = {99};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const ek_activation acts[4] = {{EK_ACT_NONE, 0, 0}, {EK_ACT_RELU, 0, 0}, {EK_ACT_HARD_SWISH, 0, 0}, {EK_ACT_SIGMOID, 0, 0}};
    /* every activation kind (the padded-plane path fuses the piecewise-linear ones into its copy-out) */
    const ek_activation all_acts[9] = {
        {EK_ACT_NONE, 0, 0},         {EK_ACT_RELU, 0, 0},    {EK_ACT_CLIP, 0.0f, 6.0f}, {EK_ACT_CLIP, -0.5f, 0.75f},
        {EK_ACT_LEAKY_RELU, 0.1f, 0}, {EK_ACT_SIGMOID, 0, 0}, {EK_ACT_TANH, 0, 0},      {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f},
        {EK_ACT_HARD_SWISH, 0, 0},
    };
    /* {c, ih, iw, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw} */
    const conv_spec specs[] = {
        {3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},       {2, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 56, 57, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},     {2, 57, 56, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1},
        {3, 33, 40, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1},     {2, 17, 70, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1},
        {2, 9, 37, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1},      {1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {1, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},       {2, 3, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1},
        {2, 20, 23, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1},     {2, 20, 23, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1},
        {2, 16, 19, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},     {2, 15, 21, 3, 3, 2, 1, 1, 0, 1, 2, 1, 3},
        {3, 12, 100, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},    {1, 7, 200, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
        {2, 11, 13, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1},     {2, 12, 12, 3, 3, 1, 1, 0, 2, 0, 0, 1, 1},
        /* padded-plane path: profile shapes, large planes (several strips), asymmetric pads, dilation */
        {5, 20, 20, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1},     {3, 40, 40, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1},
        {2, 41, 39, 5, 5, 2, 2, 1, 2, 2, 1, 1, 1},     {2, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 14, 14, 3, 3, 2, 2, 0, 0, 1, 1, 1, 1},     {1, 130, 150, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1},
        {1, 150, 131, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   {1, 97, 301, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1},
        {2, 19, 17, 5, 5, 1, 1, 4, 4, 4, 4, 2, 2},     {2, 23, 21, 5, 5, 2, 2, 3, 1, 4, 2, 2, 3},
        {2, 13, 11, 4, 6, 2, 2, 1, 2, 2, 3, 1, 1},     {2, 12, 12, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1},
        {2, 9, 9, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1},       {2, 20, 20, 5, 5, 1, 1, 2, 2, 0, 0, 1, 1},
        /* whole-plane ("same" width) path: DS-CNN 25×20, widths below / at / above 16 and with a long lane
         * period (31, 33), asymmetric left/right and large top/bottom pads, dilation, 7×7, 1×k and k×1 */
        {4, 25, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},     {3, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 6, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      {2, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
        {2, 13, 31, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1},     {2, 5, 33, 3, 3, 1, 1, 3, 0, 4, 2, 1, 1},
        {2, 12, 24, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1},     {2, 11, 20, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
        {2, 8, 20, 1, 5, 1, 1, 0, 4, 0, 0, 1, 1},      {2, 8, 12, 5, 1, 1, 1, 2, 0, 2, 0, 1, 1},
        {2, 3, 40, 3, 3, 1, 1, 0, 2, 0, 0, 1, 1},      {2, 2, 64, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1},
        {1, 1, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      {2, 4, 9, 7, 7, 1, 1, 6, 3, 6, 3, 1, 1},
    };
    ek_pool *pool = ek_pool_create(3);
    for (size_t si = 0; si < sizeof specs / sizeof specs[0]; si++) {
        for (int64_t mult = 1; mult <= 2; mult++) {
            const ek_activation act = acts[(si + (size_t)mult) % 4];
            const int with_bias = (int)((si + (size_t)mult) % 2);
            dw_check(&c, &r, isas, nisa, pool, &specs[si], mult, act, with_bias, "spec");
        }
    }
    /* sweep: square and odd planes 1..41, kernels 3x3 / 5x5, stride 1 / 2, pads 0..2 (independent top/left/
     * bottom/right), dilation 1 / 2, multiplier 1 / 2, every activation kind */
    int64_t n = 0;
    const int64_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 19, 20, 21, 23, 28, 31, 33, 40, 41};
    const size_t nsz = sizeof sizes / sizeof sizes[0];
    for (int64_t k = 3; k <= 5; k += 2)
        for (int64_t s = 1; s <= 2; s++)
            for (int64_t dil = 1; dil <= 2; dil++)
                for (size_t hi = 0; hi < nsz; hi++) {
                    const int64_t h = sizes[hi];
                    const int64_t wdt = (hi % 3 == 0) ? h : sizes[(hi * 7 + 3) % nsz]; /* square and non-square */
                    const int64_t pad = (int64_t)((hi + (size_t)k + (size_t)s) % 3);
                    const int64_t pb = (int64_t)((hi + (size_t)dil) % 3), pr = (int64_t)((hi * 5 + 1) % 3);
                    conv_spec sp = {1 + (int64_t)(hi % 3), h, wdt, k, k, s, s, pad, (pad + 1) % 3, pb, pr, dil, dil};
                    if (dil == 2 && hi % 2) continue; /* dilation: every other size */
                    const int64_t mult = 1 + (int64_t)(n % 2);
                    dw_check(&c, &r, isas, nisa, pool, &sp, mult, all_acts[n % 9], (int)(n % 3 != 0), "sweep");
                    n++;
                }
    /* a large case on the pool exercising channel splitting */
    {
        const conv_spec big = {37, 20, 20, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1};
        dw_check(&c, &r, isas, nisa, pool, &big, 1, all_acts[8], 1, "pool");
    }
    ek_pool_destroy(pool);
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* ---- direct small-Cin convolution ------------------------------------------------------------------- */

int ekt_conv_small_cin(int verbose) {
    ekt_ctx c = {"conv_small_cin", verbose, 0, 0};
    ekt_rng r = {123};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const ek_activation acts[9] = {
        {EK_ACT_NONE, 0, 0},         {EK_ACT_RELU, 0, 0},    {EK_ACT_CLIP, 0.0f, 6.0f}, {EK_ACT_CLIP, -0.5f, 0.75f},
        {EK_ACT_LEAKY_RELU, 0.1f, 0}, {EK_ACT_SIGMOID, 0, 0}, {EK_ACT_TANH, 0, 0},      {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f},
        {EK_ACT_HARD_SWISH, 0, 0},
    };
    /* {cin, ih, iw, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw} + cout */
    struct { conv_spec s; int64_t cout; } cases[] = {
        {{3, 320, 320, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, 16}, /* the detector stem */
        {{3, 64, 48, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1}, 16},   {{3, 33, 35, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 19},
        {{1, 17, 23, 5, 5, 2, 2, 2, 2, 2, 2, 1, 1}, 8},    {{4, 21, 19, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1}, 12},
        {{2, 9, 13, 3, 3, 1, 1, 2, 0, 1, 2, 2, 2}, 5},     {{3, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 9},
        {{3, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, 17},     {{4, 40, 41, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1}, 24},
        {{3, 30, 31, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1}, 32},   {{2, 15, 16, 4, 2, 1, 1, 1, 0, 2, 1, 1, 3}, 1},
        {{3, 200, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 16},   {{3, 11, 500, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, 16},
    };
    ek_pool *pool = ek_pool_create(3);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const ek_conv2d_geometry g = make_geom(&cases[ci].s);
        const int64_t cin = g.channels, cout = cases[ci].cout, taps = g.kernel_h * g.kernel_w, plane = g.out_h * g.out_w;
        const ek_activation act = acts[ci % 9];
        const int with_bias = ci % 3 != 1;
        if (!ek_conv2d_small_cin_supported(&g)) { ekt_fail(&c, "case %zu should be supported", ci); continue; }
        float *in = malloc(sizeof(float) * (size_t)(cin * g.in_h * g.in_w)), *w = malloc(sizeof(float) * (size_t)(cout * cin * taps));
        float *b = malloc(sizeof(float) * (size_t)cout), *out = malloc(sizeof(float) * (size_t)(cout * plane + 1));
        double *ref = malloc(sizeof(double) * (size_t)(cout * plane)), *mag = malloc(sizeof(double) * (size_t)(cout * plane));
        for (int64_t i = 0; i < cin * g.in_h * g.in_w; i++) in[i] = ekt_uniform(&r, -1, 1);
        for (int64_t i = 0; i < cout * cin * taps; i++) w[i] = ekt_uniform(&r, -1, 1);
        for (int64_t i = 0; i < cout; i++) b[i] = ekt_uniform(&r, -1, 1);
        for (int64_t o = 0; o < cout; o++)
            for (int64_t oh = 0; oh < g.out_h; oh++)
                for (int64_t ow = 0; ow < g.out_w; ow++) {
                    double sum = with_bias ? b[o] : 0, m = with_bias ? fabs(b[o]) : 0;
                    for (int64_t ch = 0; ch < cin; ch++)
                        for (int64_t i = 0; i < g.kernel_h; i++)
                            for (int64_t j = 0; j < g.kernel_w; j++) {
                                const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dilation_h;
                                const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dilation_w;
                                if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) continue;
                                const double p = (double)w[(o * cin + ch) * taps + i * g.kernel_w + j] * in[(ch * g.in_h + ih) * g.in_w + iw];
                                sum += p;
                                m += fabs(p);
                            }
                    ref[o * plane + oh * g.out_w + ow] = ekt_act_ref(sum, act);
                    mag[o * plane + oh * g.out_w + ow] = m;
                }
        for (int t = 0; t < nisa; t++) {
            for (int use_pool = 0; use_pool < 2; use_pool++) {
                ek_set_isa(isas[t]);
                for (int64_t i = 0; i <= cout * plane; i++) out[i] = NAN;
                const int rc = ek_conv2d_small_cin(in, w, with_bias ? b : NULL, out, &g, cout, act, use_pool ? pool : NULL);
                if (rc != 0) ekt_fail(&c, "case %zu isa=%s returned %d", ci, ek_isa_name(isas[t]), rc);
                int bad = 0;
                for (int64_t i = 0; i < cout * plane && bad < 3; i++) {
                    const double tol = 1e-6 * (double)(cin * taps + 2) * mag[i] + 4e-6;
                    if (!ekt_close(out[i], ref[i], tol)) {
                        ekt_fail(&c, "case %zu isa=%s pool=%d act=%d out[%lld]=%.8g want %.8g", ci, ek_isa_name(isas[t]),
                                 use_pool, act.kind, (long long)i, out[i], ref[i]);
                        bad++;
                    }
                }
                if (!isnan(out[cout * plane])) ekt_fail(&c, "case %zu isa=%s wrote past the output", ci, ek_isa_name(isas[t]));
                ekt_count(cout * plane + 1);
            }
        }
        free(in); free(w); free(b); free(out); free(ref); free(mag);
    }
    /* unsupported geometries are refused without writing */
    const conv_spec bad_specs[] = {{5, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, {3, 8, 8, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1},
                                   {3, 8, 8, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1}, {3, 12, 12, 9, 9, 1, 1, 4, 4, 4, 4, 1, 1}};
    for (size_t i = 0; i < sizeof bad_specs / sizeof bad_specs[0]; i++) {
        const ek_conv2d_geometry g = make_geom(&bad_specs[i]);
        float dummy = 1.0f;
        if (ek_conv2d_small_cin_supported(&g)) ekt_fail(&c, "bad spec %zu reported supported", i);
        if (ek_conv2d_small_cin(&dummy, &dummy, NULL, &dummy, &g, 4, acts[0], NULL) != -1 || dummy != 1.0f)
            ekt_fail(&c, "bad spec %zu: must return -1 and write nothing", i);
        ekt_count(2);
    }
    ek_pool_destroy(pool);
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* ---- crc32c ------------------------------------------------------------------------------------------- */

int ekt_crc32c(int verbose) {
    ekt_ctx c = {"crc32c", verbose, 0, 0};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    unsigned char zeros[32], ones[32], inc[32], dec[32];
    for (int i = 0; i < 32; i++) {
        zeros[i] = 0;
        ones[i] = 0xFF;
        inc[i] = (unsigned char)i;
        dec[i] = (unsigned char)(31 - i);
    }
    enum { BIG = 200003 };
    unsigned char *big = malloc(BIG + 16);
    ekt_rng r = {5};
    for (int i = 0; i < BIG + 16; i++) big[i] = (unsigned char)ekt_next(&r);
    ek_set_isa(EK_ISA_SCALAR);
    uint32_t big_ref[8];
    for (int o = 0; o < 8; o++) big_ref[o] = ek_crc32c(0, big + o, BIG - (size_t)o * 1001);
    for (int t = 0; t < nisa; t++) {
        ek_set_isa(isas[t]);
        struct { const void *p; size_t n; uint32_t want; const char *name; } v[] = {
            {"123456789", 9, 0xE3069283u, "123456789"}, {"", 0, 0u, "empty"},
            {zeros, 32, 0x8A9136AAu, "32 zeros"},       {ones, 32, 0x62A8AB43u, "32 0xFF"},
            {inc, 32, 0x46DD794Eu, "0..31"},            {dec, 32, 0x113FDB5Cu, "31..0"},
            {"a", 1, 0xC1D04330u, "a"},
        };
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            const uint32_t got = ek_crc32c(0, v[i].p, v[i].n);
            if (got != v[i].want) ekt_fail(&c, "isa=%s %s: %08X want %08X", ek_isa_name(isas[t]), v[i].name, got, v[i].want);
        }
        /* streaming: crc(a || b) == crc(crc(a), b) for every split of "123456789" */
        const char *digits = "123456789";
        for (size_t split = 0; split <= 9; split++) {
            const uint32_t a = ek_crc32c(0, digits, split);
            if (ek_crc32c(a, digits + split, 9 - split) != 0xE3069283u)
                ekt_fail(&c, "isa=%s streaming split %zu", ek_isa_name(isas[t]), split);
        }
        /* large, unaligned buffers vs scalar (covers the 3-stream hardware path) */
        for (int o = 0; o < 8; o++)
            if (ek_crc32c(0, big + o, BIG - (size_t)o * 1001) != big_ref[o])
                ekt_fail(&c, "isa=%s big buffer offset %d", ek_isa_name(isas[t]), o);
        ekt_count(7 + 10 + 8);
    }
    free(big);
    ek_set_isa(prev);
    return ekt_done(&c);
}

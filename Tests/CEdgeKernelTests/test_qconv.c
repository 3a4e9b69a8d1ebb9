/*
 * test_qconv.c — int8 convolution helpers: ek_im2col_u8 vs a direct reference (padding = za) and
 * its composition with ek_qgemm_packed_a (= a direct int8 convolution), and ek_qconv2d_depthwise vs
 * an int64 direct reference + the requantization spec, bit-exact on every variant: 3×3 stride 1/2
 * (fast path) with pads 0/1/2, 5×5, 1×1, dilation 2, multiplier 1/2, widths across the 512-column
 * row chunk; the padded phase-plane path (5×5 / 7×7 / 2×2 stride 1/2/3, dilation 2, several strips,
 * tiny planes, rows too wide for it), sizes 1..17, zero points 0/128/255, u8 and float output, threads 1..3.
 */
#include "test_qcommon.h"

static void geom(ek_conv2d_geometry *g, int64_t C, int64_t H, int64_t W, int64_t k, int64_t s, int64_t p, int64_t d) {
    g->channels = C; g->in_h = H; g->in_w = W; g->kernel_h = k; g->kernel_w = k;
    g->stride_h = s; g->stride_w = s; g->pad_top = p; g->pad_left = p; g->dilation_h = d; g->dilation_w = d;
    g->out_h = (H + 2 * p - d * (k - 1) - 1) / s + 1;
    g->out_w = (W + 2 * p - d * (k - 1) - 1) / s + 1;
}

static int tap(const uint8_t *in, const ek_conv2d_geometry *g, int64_t c, int64_t oh, int64_t ow, int64_t i, int64_t j,
               int32_t pad) {
    const int64_t ih = oh * g->stride_h - g->pad_top + i * g->dilation_h;
    const int64_t iw = ow * g->stride_w - g->pad_left + j * g->dilation_w;
    if (ih < 0 || ih >= g->in_h || iw < 0 || iw >= g->in_w) return pad;
    return in[(c * g->in_h + ih) * g->in_w + iw];
}

int ekt_qconv(int verbose) {
    ekt_ctx c = {"qconv", verbose, 0, 0};
    ekt_rng r = {0xD3Bull};
    const int prev = ek_active_isa(), prev_dot = ek_q_set_dot(1);
    ekt_qvariant vs[8];
    const int nv = ekt_qvariants(vs);
    /* {C, H, W, k, s, p, d, multiplier} */
    const int64_t cases[][8] = {
        {3, 9, 11, 3, 1, 1, 1, 1}, {4, 10, 13, 3, 2, 1, 1, 1}, {2, 1, 1, 3, 1, 1, 1, 2},  {5, 17, 7, 3, 1, 0, 1, 1},
        {3, 8, 8, 3, 2, 0, 1, 2},  {2, 6, 600, 3, 1, 1, 1, 1}, {2, 5, 1100, 3, 2, 1, 1, 1}, {3, 12, 12, 5, 1, 2, 1, 1},
        {2, 9, 9, 1, 1, 0, 1, 1},  {3, 11, 10, 3, 1, 2, 2, 1}, {2, 7, 7, 3, 2, 2, 1, 1},  {1, 2, 3, 3, 1, 2, 1, 3},
        {16, 28, 28, 3, 1, 1, 1, 1}, {7, 15, 15, 3, 2, 1, 1, 1},
        /* padded phase-plane path (qdw_flat.h): 5×5 / 7×7 s1/s2, tiny planes, dilation, stride 3,
         * several strips, rows too wide for it (generic fallback) */
        {4, 20, 20, 5, 1, 2, 1, 1}, {3, 40, 40, 5, 2, 2, 1, 1}, {2, 3, 2, 5, 1, 2, 1, 1},  {2, 4, 5, 5, 2, 2, 1, 2},
        {3, 13, 11, 7, 1, 3, 1, 1}, {2, 9, 14, 7, 2, 3, 1, 1},  {2, 10, 9, 5, 2, 1, 2, 1}, {2, 11, 10, 3, 3, 1, 1, 1},
        {1, 4, 700, 5, 1, 2, 1, 1}, {1, 3, 3000, 5, 2, 2, 1, 1}, {2, 30, 30, 5, 1, 0, 1, 1}, {2, 150, 40, 5, 1, 2, 1, 1},
        {2, 120, 120, 5, 2, 2, 1, 1}, {3, 1, 1, 5, 1, 2, 1, 1},  {2, 12, 12, 3, 1, 2, 2, 2}, {2, 8, 9, 2, 2, 0, 1, 1},
    };
    const int32_t zas[] = {0, 128, 255, 77};
    ek_pool *pools[3] = {NULL, ek_pool_create(2), ek_pool_create(3)};
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        ek_conv2d_geometry g;
        geom(&g, cases[ci][0], cases[ci][1], cases[ci][2], cases[ci][3], cases[ci][4], cases[ci][5], cases[ci][6]);
        const int64_t mult = cases[ci][7], OC = g.channels * mult, taps = g.kernel_h * g.kernel_w;
        const int64_t plane = g.out_h * g.out_w;
        const int32_t za = zas[ci % 4];
        uint8_t *in = malloc((size_t)(g.channels * g.in_h * g.in_w));
        for (int64_t i = 0; i < g.channels * g.in_h * g.in_w; i++) in[i] = (uint8_t)ekt_next(&r);
        int8_t *w = malloc((size_t)(OC * taps));
        for (int64_t i = 0; i < OC * taps; i++) w[i] = (int8_t)ekt_next(&r);
        if (ci == 3) for (int64_t i = 0; i < OC * taps; i++) w[i] = -128;
        int32_t *bi = malloc(sizeof(int32_t) * (size_t)OC);
        float *mu = malloc(sizeof(float) * (size_t)OC), *bf = malloc(sizeof(float) * (size_t)OC);
        for (int64_t o = 0; o < OC; o++) {
            bi[o] = (int32_t)(ekt_next(&r) % 4001) - 2000;
            mu[o] = ekt_uniform(&r, 0.5f, 2.0f) * 60.0f / (128.0f * 100.0f * 3.0f);
            bf[o] = ekt_uniform(&r, -1, 1);
        }
        int64_t *v = malloc(sizeof(int64_t) * (size_t)(OC * plane));
        for (int64_t o = 0; o < OC; o++)
            for (int64_t oh = 0; oh < g.out_h; oh++)
                for (int64_t ow = 0; ow < g.out_w; ow++) {
                    int64_t s = bi[o];
                    for (int64_t i = 0; i < g.kernel_h; i++)
                        for (int64_t j = 0; j < g.kernel_w; j++)
                            s += (int64_t)(tap(in, &g, o / mult, oh, ow, i, j, za) - za) * w[o * taps + i * g.kernel_w + j];
                    v[o * plane + oh * g.out_w + ow] = s;
                }
        ek_qoutput q = {mu, bi, bf, 1.0f, za, (int32_t)(ekt_next(&r) % 256), 0, 255, {EK_ACT_NONE, 0, 0}};
        if (ci % 3 == 1) { q.qmin = q.out_zero_point; q.qmax = 250 > q.qmin ? 250 : q.qmin; }
        uint8_t *ou = malloc((size_t)(OC * plane));
        float *of = malloc(sizeof(float) * (size_t)(OC * plane));
        for (int vi = 0; vi < nv; vi++) {
            ekt_qselect(vs[vi]);
            ek_pool *pool = pools[(ci + vi) % 3];
            if (ek_qconv2d_depthwise(in, w, ou, EK_QOUT_U8, &g, mult, &q, pool) != 0) ekt_fail(&c, "dw rejected");
            ek_qoutput qf = q;
            qf.act = (ek_activation){ci % 2 ? EK_ACT_RELU : EK_ACT_CLIP, -0.25f, 0.5f};
            if (ek_qconv2d_depthwise(in, w, of, EK_QOUT_F32, &g, mult, &qf, pool) != 0) ekt_fail(&c, "dw rejected");
            int bad = 0;
            for (int64_t o = 0; o < OC && bad < 4; o++)
                for (int64_t p = 0; p < plane && bad < 4; p++) {
                    const int64_t vv = v[o * plane + p];
                    const uint8_t wu = ekt_requant_u8(vv, mu[o], 1.0f, q.out_zero_point, q.qmin, q.qmax);
                    const float wf = ekt_requant_f32(vv, mu[o], 1.0f, &bf[o], qf.act);
                    if (ou[o * plane + p] != wu || of[o * plane + p] != wf) {
                        ekt_fail(&c, "%s dw case %zu oc %lld pix %lld: u8 %d want %d, f32 %.9g want %.9g",
                                 ek_isa_name(vs[vi].isa), ci, (long long)o, (long long)p, ou[o * plane + p], wu,
                                 of[o * plane + p], wf);
                        bad++;
                    }
                }
            ekt_count(2 * OC * plane);
        }
        /* im2col_u8 + qgemm_packed_a == direct convolution (one group, full channels), multiplier 1 only */
        if (mult == 1) {
            const int64_t K = g.channels * taps, Cout = 5;
            uint8_t *col = malloc((size_t)(K * plane));
            ek_im2col_u8(in, col, &g, (uint8_t)za);
            int bad = 0;
            for (int64_t k = 0; k < K && !bad; k++) {
                const int64_t ch = k / taps, i = (k % taps) / g.kernel_w, j = k % g.kernel_w;
                for (int64_t p = 0; p < plane; p++)
                    if (col[k * plane + p] != tap(in, &g, ch, p / g.out_w, p % g.out_w, i, j, za)) {
                        ekt_fail(&c, "im2col_u8 case %zu row %lld col %lld", ci, (long long)k, (long long)p);
                        bad = 1;
                        break;
                    }
            }
            ekt_count(K * plane);
            int8_t *wf = malloc((size_t)(Cout * K));
            for (int64_t i = 0; i < Cout * K; i++) wf[i] = (int8_t)ekt_next(&r);
            void *pa = ekt_aligned(ek_qgemm_packed_a_size(Cout, K));
            ek_qgemm_pack_a(0, Cout, K, wf, K, pa);
            float ones[5] = {1, 1, 1, 1, 1};
            ek_qoutput q1 = {ones, NULL, NULL, 1.0f, za, 0, 0, 255, {EK_ACT_NONE, 0, 0}};
            float *out = malloc(sizeof(float) * (size_t)(Cout * plane));
            for (int vi = 0; vi < nv; vi++) {
                ekt_qselect(vs[vi]);
                ek_qgemm_packed_a(Cout, plane, K, pa, col, plane, out, plane, EK_QOUT_F32, &q1, NULL);
                for (int64_t o = 0; o < Cout; o++)
                    for (int64_t p = 0; p < plane; p++) {
                        int64_t s = 0;
                        for (int64_t k = 0; k < K; k++) {
                            const int64_t ch = k / taps, i = (k % taps) / g.kernel_w, j = k % g.kernel_w;
                            s += (int64_t)(tap(in, &g, ch, p / g.out_w, p % g.out_w, i, j, za) - za) * wf[o * K + k];
                        }
                        if (out[o * plane + p] != (float)s) {
                            ekt_fail(&c, "%s conv via im2col case %zu: %.1f want %lld", ek_q_kernel_name(), ci,
                                     out[o * plane + p], (long long)s);
                            o = Cout;
                            break;
                        }
                    }
                ekt_count(Cout * plane);
            }
            free(col); free(wf); free(pa); free(out);
        }
        free(in); free(w); free(bi); free(mu); free(bf); free(v); free(ou); free(of);
    }
    ek_pool_destroy(pools[1]);
    ek_pool_destroy(pools[2]);
    ek_set_isa(prev);
    ek_q_set_dot(prev_dot);
    return ekt_done(&c);
}

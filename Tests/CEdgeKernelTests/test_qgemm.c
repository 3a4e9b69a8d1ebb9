/*
 * test_qgemm.c — int8 GEMM conformance: every (ISA, dot-product) variant vs an independent int64
 * reference + the requantization spec, bit-exact for u8 output and for float output with
 * NONE/RELU/CLIP (the other activations within the ek activation tolerance 4e-6 + 1e-6·|y|). Both orientations (pack_a conv,
 * pack_b Gemm incl. transB), odd sizes (K not a multiple of 4/16/64, M/N = 1, 7, 17, ...), zero
 * points 0/128/255, strides, bias on/off, clamps, threads 1..3, the K = 65536 extreme
 * (-128 weights × 255 activations) and the K > 65536 rejection; dynamic quantization helpers.
 */
#include "test_qcommon.h"

typedef struct {
    int conv;                 /* 1: packed_a (W[M,K] · X[K,N]); 0: packed_b (X[M,K] · W[K,N]) */
    int trans;
    int64_t M, N, K, ldx, ldc;
    int8_t *W;                /* conv: [M, K] (or [K, M] if trans); gemm: [K, N] (or [N, K] if trans) */
    int64_t ldw;
    uint8_t *X;
    int32_t *bias_i;
    float *mult, *bias_f;
    ek_qoutput q;
    int64_t *v;               /* exact integers v[M*N] */
    void *packed;
} qcase;

static int64_t ch_of(const qcase *t, int64_t i, int64_t j) { return t->conv ? i : j; }

static int8_t wat(const qcase *t, int64_t c, int64_t k) {
    if (t->conv) return t->trans ? t->W[k * t->ldw + c] : t->W[c * t->ldw + k];
    return t->trans ? t->W[c * t->ldw + k] : t->W[k * t->ldw + c];
}

static uint8_t xat(const qcase *t, int64_t i, int64_t j, int64_t k) {
    return t->conv ? t->X[k * t->ldx + j] : t->X[i * t->ldx + k];
}

/* mode: 0 random, 1 extreme (-128 weights, 255 activations), 2 extreme (127 weights, 0 activations) */
static void qcase_init(qcase *t, ekt_rng *r, int conv, int trans, int64_t M, int64_t N, int64_t K, int32_t za,
                       int mode, int pad, int with_bias) {
    memset(t, 0, sizeof *t);
    t->conv = conv; t->trans = trans; t->M = M; t->N = N; t->K = K;
    const int64_t C = conv ? M : N;
    int64_t wrows, wcols;
    if (conv) { wrows = trans ? K : M; wcols = trans ? M : K; }
    else { wrows = trans ? N : K; wcols = trans ? K : N; }
    t->ldw = wcols + pad;
    t->W = malloc((size_t)(wrows * t->ldw + 1));
    for (int64_t i = 0; i < wrows * t->ldw; i++)
        t->W[i] = mode == 1 ? -128 : mode == 2 ? 127 : (int8_t)(ekt_next(r) & 0xFF);
    const int64_t xrows = conv ? K : M, xcols = conv ? N : K;
    t->ldx = xcols + pad;
    t->X = malloc((size_t)(xrows * t->ldx + 1));
    for (int64_t i = 0; i < xrows * t->ldx; i++)
        t->X[i] = mode == 1 ? 255 : mode == 2 ? 0 : (uint8_t)(ekt_next(r) & 0xFF);
    t->ldc = N + pad;
    t->bias_i = malloc(sizeof(int32_t) * (size_t)C);
    t->mult = malloc(sizeof(float) * (size_t)C);
    t->bias_f = malloc(sizeof(float) * (size_t)C);
    const double spread = 128.0 * 100.0 * sqrt((double)(K > 0 ? K : 1)); /* typical |v| */
    for (int64_t c = 0; c < C; c++) {
        t->bias_i[c] = (int32_t)(ekt_next(r) % 20001) - 10000;
        t->mult[c] = (float)(ekt_uniform(r, 0.5f, 2.0f) * 60.0 / spread);
        t->bias_f[c] = ekt_uniform(r, -1, 1);
    }
    if (mode) t->mult[0] = 1.0f / 2.0e9f;
    t->q.multiplier = t->mult;
    t->q.bias_i32 = with_bias ? t->bias_i : NULL;
    t->q.bias_f32 = with_bias ? t->bias_f : NULL;
    t->q.scale = 1.0f;
    t->q.a_zero_point = za;
    t->q.out_zero_point = (int32_t)(ekt_next(r) % 256);
    t->q.qmin = 0;
    t->q.qmax = 255;
    t->v = malloc(sizeof(int64_t) * (size_t)(M * N + 1));
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            const int64_t c = ch_of(t, i, j);
            int64_t s = with_bias ? t->bias_i[c] : 0;
            for (int64_t k = 0; k < K; k++) s += ((int64_t)xat(t, i, j, k) - za) * wat(t, c, k);
            t->v[i * N + j] = s;
        }
    if (conv) {
        t->packed = ekt_aligned(ek_qgemm_packed_a_size(M, K));
        ek_qgemm_pack_a(trans, M, K, t->W, t->ldw, t->packed);
    } else {
        t->packed = ekt_aligned(ek_qgemm_packed_b_size(K, N));
        ek_qgemm_pack_b(trans, K, N, t->W, t->ldw, t->packed);
    }
}

static void qcase_free(qcase *t) {
    free(t->W); free(t->X); free(t->bias_i); free(t->mult); free(t->bias_f); free(t->v); free(t->packed);
}

static int qrun(const qcase *t, void *C, int out_type, ek_pool *pool) {
    if (t->conv)
        return ek_qgemm_packed_a(t->M, t->N, t->K, t->packed, t->X, t->ldx, C, t->ldc, out_type, &t->q, pool);
    return ek_qgemm_packed_b(t->M, t->N, t->K, t->X, t->ldx, t->packed, C, t->ldc, out_type, &t->q, pool);
}

/* Runs u8 and f32 output on every variant and compares with the spec. */
static void qcheck(ekt_ctx *c, const qcase *t, const ekt_qvariant *vs, int nv, ek_pool *pool) {
    const size_t cells = (size_t)(t->M * t->ldc + 1);
    uint8_t *cu = malloc(cells);
    float *cf = malloc(cells * sizeof(float));
    for (int vi = 0; vi < nv; vi++) {
        ekt_qselect(vs[vi]);
        const char *kn = ek_q_kernel_name();
        memset(cu, 0xA5, cells);
        if (qrun(t, cu, EK_QOUT_U8, pool) != 0) {
            ekt_fail(c, "%s: u8 call rejected", kn);
            continue;
        }
        int bad = 0;
        for (int64_t i = 0; i < t->M && bad < 3; i++) {
            for (int64_t j = 0; j < t->N && bad < 3; j++) {
                const int64_t ch = ch_of(t, i, j);
                const uint8_t want = ekt_requant_u8(t->v[i * t->N + j], t->mult[ch], t->q.scale, t->q.out_zero_point,
                                                    t->q.qmin, t->q.qmax);
                if (cu[i * t->ldc + j] != want) {
                    ekt_fail(c, "%s %s M%lld N%lld K%lld za%d (%lld,%lld): u8 %d want %d (v=%lld)", kn,
                             t->conv ? "conv" : "gemm", (long long)t->M, (long long)t->N, (long long)t->K,
                             t->q.a_zero_point, (long long)i, (long long)j, cu[i * t->ldc + j], want,
                             (long long)t->v[i * t->N + j]);
                    bad++;
                }
            }
            for (int64_t j = t->N; j < t->ldc; j++)
                if (cu[i * t->ldc + j] != 0xA5) { ekt_fail(c, "%s: u8 padding written", kn); bad++; break; }
        }
        ekt_count(t->M * t->N);
        static const ek_activation acts[8] = {{EK_ACT_NONE, 0, 0},         {EK_ACT_RELU, 0, 0},
                                              {EK_ACT_CLIP, -0.5f, 0.75f},  {EK_ACT_SIGMOID, 0, 0},
                                              {EK_ACT_LEAKY_RELU, 0.1f, 0}, {EK_ACT_TANH, 0, 0},
                                              {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f}, {EK_ACT_HARD_SWISH, 0, 0}};
        const int a = (int)((t->M * 3 + t->N * 5 + t->K + t->q.a_zero_point) % 8);
        ek_qoutput q = t->q;
        q.act = acts[a];
        const qcase *tt = t;
        int rc = tt->conv ? ek_qgemm_packed_a(t->M, t->N, t->K, t->packed, t->X, t->ldx, cf, t->ldc, EK_QOUT_F32, &q, pool)
                          : ek_qgemm_packed_b(t->M, t->N, t->K, t->X, t->ldx, t->packed, cf, t->ldc, EK_QOUT_F32, &q, pool);
        if (rc != 0) { ekt_fail(c, "%s: f32 call rejected", kn); continue; }
        for (int64_t i = 0; i < t->M && bad < 6; i++)
            for (int64_t j = 0; j < t->N && bad < 6; j++) {
                const int64_t ch = ch_of(t, i, j);
                const float got = cf[i * t->ldc + j];
                if (a < 3) {
                    const float want = ekt_requant_f32(t->v[i * t->N + j], t->mult[ch], t->q.scale,
                                                       q.bias_f32 ? &t->bias_f[ch] : NULL, q.act);
                    if (got != want) {
                        ekt_fail(c, "%s %s M%lld N%lld K%lld (%lld,%lld) act %d: f32 %.9g want %.9g", kn,
                                 t->conv ? "conv" : "gemm", (long long)t->M, (long long)t->N, (long long)t->K,
                                 (long long)i, (long long)j, a, got, want);
                        bad++;
                    }
                } else {
                    const float pre = ekt_requant_f32(t->v[i * t->N + j], t->mult[ch], t->q.scale,
                                                      q.bias_f32 ? &t->bias_f[ch] : NULL, (ek_activation){0, 0, 0});
                    const double want = ekt_act_ref(pre, q.act);
                    /* non-clamp activations: the ISA's activation function (ek_sgemm epilogue tolerance) */
                    if (!ekt_close(got, want, 4e-6 + 1e-6 * fabs(want))) {
                        ekt_fail(c, "%s (%lld,%lld) act %d: %.9g want %.9g", kn, (long long)i, (long long)j, a, got, want);
                        bad++;
                    }
                }
            }
        ekt_count(t->M * t->N);
    }
    free(cu);
    free(cf);
}

int ekt_qgemm(int verbose) {
    ekt_ctx c = {"qgemm", verbose, 0, 0};
    ekt_rng r = {0x51A7E5ull};
    const int prev = ek_active_isa(), prev_dot = ek_q_set_dot(1);
    ekt_qvariant vs[8];
    const int nv = ekt_qvariants(vs);
    if (verbose) {
        printf("qgemm variants:");
        for (int i = 0; i < nv; i++) {
            ekt_qselect(vs[i]);
            printf(" %s", ek_q_kernel_name());
        }
        printf("\n");
    }
    const int64_t Ms[] = {1, 7, 17, 64}, Ns[] = {1, 7, 17, 33, 100}, Ks[] = {1, 3, 4, 5, 16, 17, 63, 64, 65, 300};
    const int32_t zas[] = {0, 128, 255, 37};
    int idx = 0;
    for (int conv = 0; conv < 2; conv++)
        for (size_t mi = 0; mi < 4; mi++)
            for (size_t ni = 0; ni < 5; ni++)
                for (size_t ki = 0; ki < 10; ki++, idx++) {
                    qcase t;
                    qcase_init(&t, &r, conv, idx % 3 == 1, Ms[mi], Ns[ni], Ks[ki], zas[idx % 4], 0, idx % 2,
                               (idx / 2) % 3 != 0);
                    if (idx % 5 == 3) { /* fused ReLU/Clip as a quantized clamp */
                        t.q.qmin = t.q.out_zero_point;
                        t.q.qmax = 200 > t.q.qmin ? 200 : t.q.qmin;
                    }
                    if (idx % 7 == 2) t.q.scale = 0.5f;
                    qcheck(&c, &t, vs, nv, NULL);
                    qcase_free(&t);
                }
    /* larger tiles: several micro-tiles, column blocks, M-blocking of the Gemm path */
    const int64_t big[][3] = {{130, 70, 600}, {24, 700, 27}, {100, 129, 1152}};
    for (int conv = 0; conv < 2; conv++)
        for (size_t s = 0; s < 3; s++) {
            qcase t;
            qcase_init(&t, &r, conv, (int)s == 1, big[s][0], big[s][1], big[s][2], zas[s], 0, (int)s, 1);
            qcheck(&c, &t, vs, nv, NULL);
            qcase_free(&t);
        }
    /* K = 0: v = bias */
    for (int conv = 0; conv < 2; conv++) {
        qcase t;
        qcase_init(&t, &r, conv, 0, 5, 9, 0, 3, 0, 1, 1);
        qcheck(&c, &t, vs, nv, NULL);
        qcase_free(&t);
    }
    ek_set_isa(prev);
    ek_q_set_dot(prev_dot);
    return ekt_done(&c);
}

int ekt_qgemm_threads(int verbose) {
    ekt_ctx c = {"qgemm_threads", verbose, 0, 0};
    ekt_rng r = {0xC0FFEEull};
    const int prev = ek_active_isa(), prev_dot = ek_q_set_dot(1);
    ekt_qvariant vs[8];
    const int nv = ekt_qvariants(vs);
    const int64_t shapes[][3] = {{64, 1600, 144}, {17, 333, 65}, {300, 40, 33}, {1, 1000, 257}};
    for (int threads = 1; threads <= 3; threads++) {
        ek_pool *pool = ek_pool_create(threads);
        for (int conv = 0; conv < 2; conv++)
            for (size_t s = 0; s < 4; s++) {
                qcase t;
                qcase_init(&t, &r, conv, (int)s & 1, shapes[s][0], shapes[s][1], shapes[s][2], (int32_t)(s * 85), 0,
                           (int)s & 1, 1);
                qcheck(&c, &t, vs, nv, pool);
                qcase_free(&t);
            }
        ek_pool_destroy(pool);
    }
    ek_set_isa(prev);
    ek_q_set_dot(prev_dot);
    return ekt_done(&c);
}

int ekt_qgemm_extreme(int verbose) {
    ekt_ctx c = {"qgemm_extreme", verbose, 0, 0};
    ekt_rng r = {0xE37ull};
    const int prev = ek_active_isa(), prev_dot = ek_q_set_dot(1);
    ekt_qvariant vs[8];
    const int nv = ekt_qvariants(vs);
    /* K = 65536: (255 - 0)·(-128)·65536 = -2139095040 and (0 - 255)·127·65536 = -2122383360, both fit int32 */
    for (int conv = 0; conv < 2; conv++)
        for (int mode = 1; mode <= 2; mode++) {
            qcase t;
            qcase_init(&t, &r, conv, 0, 3, 5, EK_QGEMM_MAX_K, mode == 1 ? 0 : 255, mode, 0, 0);
            const int64_t want = mode == 1 ? -2139095040ll : -2122383360ll;
            if (t.v[0] != want) ekt_fail(&c, "reference %lld", (long long)t.v[0]);
            qcheck(&c, &t, vs, nv, NULL);
            /* int32 accumulators exactly: float output with multiplier 1 and scale 1 of a value that
             * is a multiple of 128 (exactly representable) */
            ek_qoutput q = t.q;
            float ones[32];
            for (int i = 0; i < 32; i++) ones[i] = 1.0f;
            q.multiplier = ones;
            q.bias_i32 = NULL;
            q.bias_f32 = NULL;
            q.act = (ek_activation){EK_ACT_NONE, 0, 0};
            for (int vi = 0; vi < nv; vi++) {
                ekt_qselect(vs[vi]);
                float out[15];
                const int rc = conv ? ek_qgemm_packed_a(3, 5, t.K, t.packed, t.X, t.ldx, out, 5, EK_QOUT_F32, &q, NULL)
                                    : ek_qgemm_packed_b(3, 5, t.K, t.X, t.ldx, t.packed, out, 5, EK_QOUT_F32, &q, NULL);
                for (int i = 0; i < 15; i++)
                    if (rc || out[i] != (float)want) {
                        ekt_fail(&c, "%s extreme K=65536 mode %d: %.1f want %lld", ek_q_kernel_name(), mode, out[i],
                                 (long long)want);
                        break;
                    }
                ekt_count(15);
            }
            qcase_free(&t);
        }
    /* K > limit rejected, nothing written */
    {
        const int64_t K = EK_QGEMM_MAX_K + 1;
        void *pa = ekt_aligned(ek_qgemm_packed_a_size(2, K));
        int8_t *w = calloc((size_t)(2 * K), 1);
        uint8_t *x = calloc((size_t)(K * 2), 1);
        ek_qgemm_pack_a(0, 2, K, w, K, pa);
        float mult[2] = {1, 1};
        ek_qoutput q = {mult, NULL, NULL, 1.0f, 0, 0, 0, 255, {0, 0, 0}};
        uint8_t out[4] = {7, 7, 7, 7};
        if (ek_qgemm_packed_a(2, 2, K, pa, x, 2, out, 2, EK_QOUT_U8, &q, NULL) != -1 || out[0] != 7)
            ekt_fail(&c, "K > EK_QGEMM_MAX_K must be rejected");
        /* mismatching packed dimensions rejected */
        if (ek_qgemm_packed_a(3, 2, K, pa, x, 2, out, 2, EK_QOUT_U8, &q, NULL) != -1)
            ekt_fail(&c, "packed buffer of other dimensions must be rejected");
        free(pa); free(w); free(x);
        ekt_count(2);
    }
    ek_set_isa(prev);
    ek_q_set_dot(prev_dot);
    return ekt_done(&c);
}

int ekt_quantize(int verbose) {
    ekt_ctx c = {"quantize", verbose, 0, 0};
    ekt_rng r = {0xAB1Eull};
    const int prev = ek_active_isa();
    int isas[4];
    const int n = ekt_isas(isas);
    /* per-tensor parameters */
    float s;
    int32_t z;
    ek_q_choose_params_u8(-1.0f, 3.0f, &s, &z);
    if (fabsf(s - 4.0f / 255.0f) > 1e-9f || z != 64) ekt_fail(&c, "choose_params(-1,3): %g %d", s, z);
    ek_q_choose_params_u8(0.5f, 2.0f, &s, &z);
    if (z != 0) ekt_fail(&c, "range must contain 0: zp %d", z);
    ek_q_choose_params_u8(-2.0f, -1.0f, &s, &z);
    if (z != 255) ekt_fail(&c, "all negative: zp %d", z);
    ek_q_choose_params_u8(0.0f, 0.0f, &s, &z);
    if (s != 1.0f || z != 0) ekt_fail(&c, "empty range");
    int32_t lo, hi;
    ek_q_act_bounds((ek_activation){EK_ACT_RELU, 0, 0}, 0.1f, 20, &lo, &hi);
    if (lo != 20 || hi != 255) ekt_fail(&c, "relu bounds %d %d", lo, hi);
    ek_q_act_bounds((ek_activation){EK_ACT_CLIP, 0.0f, 6.0f}, 0.05f, 10, &lo, &hi);
    if (lo != 10 || hi != 130) ekt_fail(&c, "relu6 bounds %d %d", lo, hi);
    if (ek_q_act_bounds((ek_activation){EK_ACT_SIGMOID, 0, 0}, 0.1f, 0, &lo, &hi) != -1) ekt_fail(&c, "sigmoid bounds");
    ekt_count(8);
    /* every ISA == scalar, exactly; ties (x.5) included */
    const int64_t rows = 13, cols = 37, ld = 41;
    float *x = malloc(sizeof(float) * (size_t)(rows * ld));
    for (int64_t i = 0; i < rows * ld; i++) x[i] = ekt_uniform(&r, -3.0f, 5.0f);
    x[0] = 0.5f * (8.0f / 255.0f); /* lands near a .5 tie */
    uint8_t ref[13 * 37], got[13 * 37];
    float rs = 0, gs = 0;
    int32_t rz = 0, gz = 0;
    for (int ii = 0; ii < n; ii++) {
        ek_set_isa(isas[ii]);
        ek_quantize_u8_dynamic(x, rows, cols, ld, ii == 0 ? ref : got, cols, ii == 0 ? &rs : &gs, ii == 0 ? &rz : &gz);
        if (ii == 0) {
            /* reference: spec formula */
            const float inv = 1.0f / rs;
            for (int64_t i = 0; i < rows; i++)
                for (int64_t j = 0; j < cols; j++) {
                    float f = x[i * ld + j] * inv;
                    f = f > (float)-rz ? f : (float)-rz;
                    f = f < (float)(255 - rz) ? f : (float)(255 - rz);
                    const int w = (int)lrintf(f) + rz;
                    if (ref[i * cols + j] != w) ekt_fail(&c, "scalar quantize (%lld,%lld)", (long long)i, (long long)j);
                    const float back = (float)(ref[i * cols + j] - rz) * rs;
                    if (fabsf(back - x[i * ld + j]) > 0.5f * rs * 1.0001f) ekt_fail(&c, "quantization error too large");
                }
        } else {
            if (gs != rs || gz != rz) ekt_fail(&c, "%s: params differ", ek_isa_name(isas[ii]));
            if (memcmp(ref, got, sizeof ref)) ekt_fail(&c, "%s: quantized values differ", ek_isa_name(isas[ii]));
        }
        ekt_count(rows * cols);
    }
    free(x);
    ek_set_isa(prev);
    return ekt_done(&c);
}

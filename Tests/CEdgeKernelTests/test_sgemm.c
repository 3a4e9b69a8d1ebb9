/*
 * test_sgemm.c — SGEMM conformance: every ISA vs a double-precision reference.
 *
 * Tolerance (per element): |got - ref| <= 2e-7·(K + 8)·mag + 4e-6, where mag = Σ|a·b| + |β·C| + |bias|
 * (the float accumulation bound scaled by K) and 4e-6 absorbs the vector sigmoid/tanh approximation.
 * The activations used are 1-Lipschitz or less (hard-swish: ≤ 1.5, covered by the K-scaled term).
 * Also checked: C is not read when beta = 0 (filled with NaN), padding columns of C are untouched.
 */
#include "ekt_common.h"

#include <string.h>

#define SENTINEL 1234.5f

static const ek_activation k_acts[8] = {
    {EK_ACT_NONE, 0, 0},          {EK_ACT_RELU, 0, 0},    {EK_ACT_CLIP, -0.5f, 6.0f},
    {EK_ACT_LEAKY_RELU, 0.1f, 0}, {EK_ACT_SIGMOID, 0, 0}, {EK_ACT_TANH, 0, 0},
    {EK_ACT_HARD_SIGMOID, 0.2f, 0.5f}, {EK_ACT_HARD_SWISH, 0, 0},
};

typedef struct {
    int64_t M, N, K;
    int ta, tb, beta, bias_mode;
    ek_activation act;
    int64_t lda, ldb, ldc;
    float *A, *B, *C0, *bias;
    double *ref, *mag;
} gemm_case;

static void case_init(gemm_case *g, ekt_rng *r, int64_t M, int64_t N, int64_t K, int ta, int tb, int beta,
                      int bias_mode, ek_activation act, int pad) {
    g->M = M; g->N = N; g->K = K; g->ta = ta; g->tb = tb; g->beta = beta; g->bias_mode = bias_mode; g->act = act;
    g->lda = (ta ? M : K) + pad;
    g->ldb = (tb ? K : N) + pad;
    g->ldc = N + pad;
    const int64_t arows = ta ? K : M, brows = tb ? N : K;
    g->A = malloc(sizeof(float) * (size_t)(arows * g->lda + 1));
    g->B = malloc(sizeof(float) * (size_t)(brows * g->ldb + 1));
    g->C0 = malloc(sizeof(float) * (size_t)(M * g->ldc + 1));
    g->bias = malloc(sizeof(float) * (size_t)(M > N ? M : N) + 4);
    g->ref = malloc(sizeof(double) * (size_t)(M * N + 1));
    g->mag = malloc(sizeof(double) * (size_t)(M * N + 1));
    for (int64_t i = 0; i < arows * g->lda; i++) g->A[i] = ekt_uniform(r, -1, 1);
    for (int64_t i = 0; i < brows * g->ldb; i++) g->B[i] = ekt_uniform(r, -1, 1);
    for (int64_t i = 0; i < M * g->ldc; i++) g->C0[i] = beta ? ekt_uniform(r, -1, 1) : NAN;
    for (int64_t i = 0; i < (M > N ? M : N); i++) g->bias[i] = ekt_uniform(r, -1, 1);
    /* scale so pre-activation values spread over the interesting activation range */
    const float s = 3.0f / sqrtf((float)(K > 0 ? K : 1));
    for (int64_t i = 0; i < arows * g->lda; i++) g->A[i] *= s;
    for (int64_t i = 0; i < M; i++) {
        for (int64_t j = 0; j < N; j++) {
            double acc = 0, mg = 0;
            for (int64_t k = 0; k < K; k++) {
                const double a = ta ? g->A[k * g->lda + i] : g->A[i * g->lda + k];
                const double b = tb ? g->B[j * g->ldb + k] : g->B[k * g->ldb + j];
                acc += a * b;
                mg += fabs(a * b);
            }
            if (beta) {
                acc += g->C0[i * g->ldc + j];
                mg += fabs(g->C0[i * g->ldc + j]);
            }
            if (bias_mode == EK_BIAS_PER_ROW) { acc += g->bias[i]; mg += fabs(g->bias[i]); }
            if (bias_mode == EK_BIAS_PER_COL) { acc += g->bias[j]; mg += fabs(g->bias[j]); }
            g->ref[i * N + j] = ekt_act_ref(acc, act);
            g->mag[i * N + j] = mg;
        }
    }
}

static void case_free(gemm_case *g) {
    free(g->A); free(g->B); free(g->C0); free(g->bias); free(g->ref); free(g->mag);
}

/* Fresh C: C0 inside, sentinel in the padding columns. */
static float *case_c(const gemm_case *g) {
    float *C = malloc(sizeof(float) * (size_t)(g->M * g->ldc + 1));
    memcpy(C, g->C0, sizeof(float) * (size_t)(g->M * g->ldc));
    for (int64_t i = 0; i < g->M; i++)
        for (int64_t j = g->N; j < g->ldc; j++) C[i * g->ldc + j] = SENTINEL;
    return C;
}

static void case_check(ekt_ctx *c, const gemm_case *g, const float *C, const char *what, int isa) {
    int bad = 0;
    for (int64_t i = 0; i < g->M && bad < 3; i++) {
        for (int64_t j = 0; j < g->ldc && bad < 3; j++) {
            const float got = C[i * g->ldc + j];
            if (j >= g->N) {
                if (got != SENTINEL) {
                    ekt_fail(c, "%s isa=%s M=%lld N=%lld K=%lld: padding C[%lld][%lld] overwritten", what,
                             ek_isa_name(isa), (long long)g->M, (long long)g->N, (long long)g->K, (long long)i,
                             (long long)j);
                    bad++;
                }
                continue;
            }
            const double want = g->ref[i * g->N + j];
            const double tol = 2e-7 * (double)(g->K + 8) * g->mag[i * g->N + j] + 4e-6;
            if (!ekt_close(got, want, tol)) {
                ekt_fail(c, "%s isa=%s M=%lld N=%lld K=%lld ta=%d tb=%d beta=%d bias=%d act=%d: C[%lld][%lld]=%.8g want %.8g",
                         what, ek_isa_name(isa), (long long)g->M, (long long)g->N, (long long)g->K, g->ta, g->tb,
                         g->beta, g->bias_mode, g->act.kind, (long long)i, (long long)j, got, want);
                bad++;
            }
        }
    }
    ekt_count(g->M * g->N);
}

static void run_plain(ekt_ctx *c, const gemm_case *g, const int *isas, int nisa, ek_pool *pool) {
    const int prev = ek_active_isa();
    for (int t = 0; t < nisa; t++) {
        ek_set_isa(isas[t]);
        float *C = case_c(g);
        ek_sgemm(g->ta, g->tb, g->M, g->N, g->K, g->A, g->lda, g->B, g->ldb, g->beta ? 1.0f : 0.0f, C, g->ldc,
                 g->bias_mode ? g->bias : NULL, g->bias_mode, g->act, pool);
        case_check(c, g, C, pool ? "sgemm(pool)" : "sgemm", isas[t]);
        free(C);
    }
    ek_set_isa(prev);
}

int ekt_sgemm(int verbose) {
    ekt_ctx c = {"sgemm", verbose, 0, 0};
    ekt_rng r = {0x9E3779B97F4A7C15ull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    /* 1) every flag combination on two shapes (one with K > 256, i.e. several K blocks) */
    const int64_t shapes[2][3] = {{7, 17, 9}, {29, 45, 300}};
    for (int s = 0; s < 2; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                for (int beta = 0; beta < 2; beta++)
                    for (int bm = 0; bm < 3; bm++)
                        for (int a = 0; a < 8; a++) {
                            gemm_case g;
                            case_init(&g, &r, shapes[s][0], shapes[s][1], shapes[s][2], ta, tb, beta, bm, k_acts[a],
                                      (ta + tb + a) % 3);
                            run_plain(&c, &g, isas, nisa, NULL);
                            case_free(&g);
                        }
    /* 2) all size triples from {1, 7, 17, 64, 129, 300} with rotating flags */
    const int64_t sz[6] = {1, 7, 17, 64, 129, 300};
    int idx = 0;
    for (int mi = 0; mi < 6; mi++)
        for (int ni = 0; ni < 6; ni++)
            for (int ki = 0; ki < 6; ki++, idx++) {
                gemm_case g;
                case_init(&g, &r, sz[mi], sz[ni], sz[ki], idx & 1, (idx >> 1) & 1, (idx >> 2) & 1, (idx / 3) % 3,
                          k_acts[(idx * 5) % 8], idx % 2);
                run_plain(&c, &g, isas, nisa, NULL);
                case_free(&g);
            }
    /* 3) K = 0: C = act(beta·C + bias) */
    for (int beta = 0; beta < 2; beta++) {
        gemm_case g;
        case_init(&g, &r, 5, 9, 0, 0, 0, beta, EK_BIAS_PER_COL, k_acts[1], 1);
        run_plain(&c, &g, isas, nisa, NULL);
        case_free(&g);
    }
    return ekt_done(&c);
}

int ekt_sgemm_threads(int verbose) {
    ekt_ctx c = {"sgemm_threads", verbose, 0, 0};
    ekt_rng r = {0x1234567ull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int64_t shapes[][3] = {{129, 300, 64}, {300, 129, 17}, {64, 1600, 27}, {7, 2000, 9}, {1000, 20, 33}, {37, 53, 600}};
    for (int threads = 1; threads <= 4; threads++) {
        ek_pool *pool = ek_pool_create(threads);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            gemm_case g;
            case_init(&g, &r, shapes[s][0], shapes[s][1], shapes[s][2], (int)(s & 1), (int)((s >> 1) & 1),
                      (int)(s % 2), (int)(s % 3), k_acts[(s + threads) % 8], 1);
            run_plain(&c, &g, isas, nisa, pool);
            case_free(&g);
        }
        ek_pool_destroy(pool);
    }
    return ekt_done(&c);
}

int ekt_sgemm_packed(int verbose) {
    ekt_ctx c = {"sgemm_packed", verbose, 0, 0};
    ekt_rng r = {0xDEADBEEFull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const int64_t shapes[][3] = {{1, 1, 1}, {7, 17, 9}, {17, 7, 64}, {64, 129, 300}, {129, 64, 17}, {300, 7, 129},
                                 {16, 1600, 27}, {6, 33, 257}, {13, 48, 1}};
    ek_pool *pool2 = ek_pool_create(2);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (int tr = 0; tr < 2; tr++) {
            for (int pack_isa_i = 0; pack_isa_i < nisa; pack_isa_i++) {
                const int64_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
                const int variant = (int)(s + tr + pack_isa_i);
                /* packed B (weights): A plain, op(B) = tr ? Bᵀ : B */
                {
                    gemm_case g;
                    case_init(&g, &r, M, N, K, 0, tr, variant & 1, variant % 3, k_acts[variant % 8], variant % 2);
                    ek_set_isa(isas[pack_isa_i]);
                    void *pb = NULL;
                    if (posix_memalign(&pb, 64, ek_sgemm_packed_b_size(K, N)) != 0) abort();
                    ek_sgemm_pack_b(tr, K, N, g.B, g.ldb, pb);
                    for (int t = 0; t < nisa; t++) {
                        ek_set_isa(isas[t]);
                        float *C = case_c(&g);
                        ek_sgemm_packed_b(M, N, K, g.A, g.lda, pb, g.beta ? 1.0f : 0.0f, C, g.ldc,
                                          g.bias_mode ? g.bias : NULL, g.bias_mode, g.act, (t & 1) ? pool2 : NULL);
                        case_check(&c, &g, C, "packed_b", isas[t]);
                        free(C);
                    }
                    free(pb);
                    case_free(&g);
                }
                /* packed A (conv weights): op(A) = tr ? Aᵀ : A, B plain */
                {
                    gemm_case g;
                    case_init(&g, &r, M, N, K, tr, 0, (variant >> 1) & 1, (variant + 1) % 3, k_acts[(variant + 3) % 8],
                              variant % 2);
                    ek_set_isa(isas[pack_isa_i]);
                    void *pa = NULL;
                    if (posix_memalign(&pa, 64, ek_sgemm_packed_a_size(M, K)) != 0) abort();
                    ek_sgemm_pack_a(tr, M, K, g.A, g.lda, pa);
                    for (int t = 0; t < nisa; t++) {
                        ek_set_isa(isas[t]);
                        float *C = case_c(&g);
                        ek_sgemm_packed_a(M, N, K, pa, g.B, g.ldb, g.beta ? 1.0f : 0.0f, C, g.ldc,
                                          g.bias_mode ? g.bias : NULL, g.bias_mode, g.act, (t & 1) ? NULL : pool2);
                        case_check(&c, &g, C, "packed_a", isas[t]);
                        free(C);
                    }
                    free(pa);
                    case_free(&g);
                }
            }
        }
    }
    /* 1×1-conv shapes (packed A, B read in place, small K, per-row bias, beta 0): every activation through the
     * fused epilogue (bias-initialised accumulators, inline hard-swish), ragged right edges, row tiles outer */
    const int64_t conv_shapes[][3] = {{72, 1603, 16}, {96, 400, 24}, {24, 77, 40}, {16, 250, 16}, {49, 96, 8}};
    for (size_t s = 0; s < sizeof conv_shapes / sizeof conv_shapes[0]; s++) {
        for (int a = 0; a < 8; a++) {
            const int64_t M = conv_shapes[s][0], N = conv_shapes[s][1], K = conv_shapes[s][2];
            gemm_case g;
            case_init(&g, &r, M, N, K, 0, 0, a == 5, a == 3 ? EK_BIAS_NONE : EK_BIAS_PER_ROW, k_acts[a], (int)(s & 1));
            void *pa = NULL;
            if (posix_memalign(&pa, 64, ek_sgemm_packed_a_size(M, K)) != 0) abort();
            ek_sgemm_pack_a(0, M, K, g.A, g.lda, pa);
            for (int t = 0; t < nisa; t++) {
                ek_set_isa(isas[t]);
                float *C = case_c(&g);
                ek_sgemm_packed_a(M, N, K, pa, g.B, g.ldb, g.beta ? 1.0f : 0.0f, C, g.ldc, g.bias_mode ? g.bias : NULL,
                                  g.bias_mode, g.act, (a & 1) ? pool2 : NULL);
                case_check(&c, &g, C, "packed_a conv1x1", isas[t]);
                free(C);
            }
            free(pa);
            case_free(&g);
        }
    }
    ek_pool_destroy(pool2);
    ek_set_isa(prev);
    return ekt_done(&c);
}

/* Small M (the GEMV-like path, M <= 4, and M = 5, 6 just past it): plain (all trans combos), packed B,
 * packed A, ragged and whole panel widths, several K blocks, and a pool large enough to split N. */
int ekt_sgemm_small_m(int verbose) {
    ekt_ctx c = {"sgemm_small_m", verbose, 0, 0};
    ekt_rng r = {0x5EED5EEDull};
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int prev = ek_active_isa();
    const int64_t ns[] = {1, 5, 8, 15, 16, 17, 24, 32, 33, 48, 64, 65, 100, 192, 2100};
    const int64_t ks[] = {1, 2, 7, 64, 257, 600};
    ek_pool *pool2 = ek_pool_create(2);
    int idx = 0;
    for (int64_t M = 1; M <= 6; M++)
        for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++)
            for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++, idx++) {
                const int64_t N = ns[ni], K = ks[ki];
                if (N * K > 200000) continue;
                ek_pool *pool = (idx & 4) ? pool2 : NULL;
                gemm_case g;
                case_init(&g, &r, M, N, K, idx & 1, (idx >> 1) & 1, (idx >> 3) & 1, idx % 3, k_acts[(idx * 3) % 8],
                          idx % 3);
                run_plain(&c, &g, isas, nisa, pool);
                case_free(&g);
                /* packed B, then packed A (trans flags rotate) */
                case_init(&g, &r, M, N, K, 0, idx & 1, (idx >> 2) & 1, (idx + 1) % 3, k_acts[(idx * 5 + 1) % 8],
                          idx % 2);
                void *pb = NULL, *pa = NULL;
                if (posix_memalign(&pb, 64, ek_sgemm_packed_b_size(K, N)) != 0) abort();
                ek_sgemm_pack_b(g.tb, K, N, g.B, g.ldb, pb);
                for (int t = 0; t < nisa; t++) {
                    ek_set_isa(isas[t]);
                    float *C = case_c(&g);
                    ek_sgemm_packed_b(M, N, K, g.A, g.lda, pb, g.beta ? 1.0f : 0.0f, C, g.ldc,
                                      g.bias_mode ? g.bias : NULL, g.bias_mode, g.act, pool);
                    case_check(&c, &g, C, "small_m packed_b", isas[t]);
                    free(C);
                }
                free(pb);
                case_free(&g);
                case_init(&g, &r, M, N, K, idx & 1, 0, (idx >> 1) & 1, (idx + 2) % 3, k_acts[(idx * 7 + 2) % 8],
                          (idx + 1) % 2);
                if (posix_memalign(&pa, 64, ek_sgemm_packed_a_size(M, K)) != 0) abort();
                ek_sgemm_pack_a(g.ta, M, K, g.A, g.lda, pa);
                for (int t = 0; t < nisa; t++) {
                    ek_set_isa(isas[t]);
                    float *C = case_c(&g);
                    ek_sgemm_packed_a(M, N, K, pa, g.B, g.ldb, g.beta ? 1.0f : 0.0f, C, g.ldc,
                                      g.bias_mode ? g.bias : NULL, g.bias_mode, g.act, pool);
                    case_check(&c, &g, C, "small_m packed_a", isas[t]);
                    free(C);
                }
                free(pa);
                case_free(&g);
                ek_set_isa(prev);
            }
    ek_pool_destroy(pool2);
    ek_set_isa(prev);
    return ekt_done(&c);
}

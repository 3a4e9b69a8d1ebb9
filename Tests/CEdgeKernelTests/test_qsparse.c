/*
 * test_qsparse.c — sparse fp32 GEMM (CSR) on every ISA vs a double reference of the dense product:
 * |got - ref| <= 2e-7·(K + 8)·Σ|w·x| + 1e-6 (+ 4e-6 sigmoid). Sparsity 0 %, 50 %, 90 %, 100 % (empty
 * rows), shapes with M/N = 1, 7, 17, N across the 64-column tile and 256-column block, strides,
 * bias, activations, threads 1..3, threshold pruning, mismatching dimensions rejected.
 */
#include "test_qcommon.h"

static const ek_activation k_acts[4] = {{EK_ACT_NONE, 0, 0}, {EK_ACT_RELU, 0, 0}, {EK_ACT_CLIP, -0.5f, 0.5f},
                                        {EK_ACT_SIGMOID, 0, 0}};

int ekt_spgemm(int verbose) {
    ekt_ctx c = {"spgemm", verbose, 0, 0};
    ekt_rng r = {0x5A5Aull};
    const int prev = ek_active_isa();
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int64_t shapes[][3] = {{1, 1, 1}, {7, 17, 9}, {17, 7, 64}, {64, 300, 64}, {33, 129, 100}, {16, 1000, 27},
                                 {5, 63, 17}};
    const float sparsity[] = {0.0f, 0.5f, 0.9f, 1.0f};
    ek_pool *pools[3] = {NULL, ek_pool_create(2), ek_pool_create(3)};
    int idx = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int sp = 0; sp < 4; sp++, idx++) {
            const int64_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2], pad = idx % 3;
            const int64_t ldw = K + pad, ldx = N + pad, ldy = N + pad;
            float *W = malloc(sizeof(float) * (size_t)(M * ldw)), *X = malloc(sizeof(float) * (size_t)(K * ldx));
            float *b = malloc(sizeof(float) * (size_t)M);
            for (int64_t i = 0; i < M * ldw; i++) {
                const float u = ekt_uniform(&r, 0, 1);
                W[i] = u < sparsity[sp] ? (idx % 2 ? 0.0f : 1e-4f * ekt_uniform(&r, -1, 1)) : ekt_uniform(&r, -1, 1);
            }
            for (int64_t i = 0; i < K * ldx; i++) X[i] = ekt_uniform(&r, -1, 1) * 3.0f / sqrtf((float)K);
            for (int64_t i = 0; i < M; i++) b[i] = ekt_uniform(&r, -1, 1);
            const float thr = idx % 2 ? 0.0f : 1e-3f; /* prune the tiny entries by threshold */
            const int64_t nnz = ek_spgemm_count(M, K, W, ldw, thr);
            void *pk = ekt_aligned(ek_spgemm_packed_size(M, nnz));
            if (ek_spgemm_pack(M, K, W, ldw, thr, nnz, pk)) ekt_fail(&c, "pack failed");
            const ek_activation act = k_acts[idx % 4];
            const int use_bias = idx % 3 != 2;
            double *ref = malloc(sizeof(double) * (size_t)(M * N)), *mag = malloc(sizeof(double) * (size_t)(M * N));
            for (int64_t i = 0; i < M; i++)
                for (int64_t n = 0; n < N; n++) {
                    double a = use_bias ? b[i] : 0, mg = fabs(a);
                    for (int64_t k = 0; k < K; k++) {
                        const float w = W[i * ldw + k];
                        if (!(fabsf(w) > thr)) continue;
                        a += (double)w * X[k * ldx + n];
                        mg += fabs((double)w * X[k * ldx + n]);
                    }
                    ref[i * N + n] = ekt_act_ref(a, act);
                    mag[i * N + n] = mg;
                }
            float *Y = malloc(sizeof(float) * (size_t)(M * ldy));
            for (int ii = 0; ii < nisa; ii++) {
                ek_set_isa(isas[ii]);
                for (int64_t i = 0; i < M * ldy; i++) Y[i] = 1234.5f;
                if (ek_spgemm(M, N, K, pk, X, ldx, Y, ldy, use_bias ? b : NULL, act, pools[(idx + ii) % 3]))
                    ekt_fail(&c, "spgemm rejected");
                int bad = 0;
                for (int64_t i = 0; i < M && bad < 3; i++) {
                    for (int64_t n = 0; n < N && bad < 3; n++) {
                        const double tol = 2e-7 * (double)(K + 8) * mag[i * N + n] + 1e-6 + (act.kind == EK_ACT_SIGMOID ? 4e-6 : 0);
                        if (!ekt_close(Y[i * ldy + n], ref[i * N + n], tol)) {
                            ekt_fail(&c, "%s M%lld N%lld K%lld sp %.2f (%lld,%lld): %.9g want %.9g", ek_isa_name(isas[ii]),
                                     (long long)M, (long long)N, (long long)K, sparsity[sp], (long long)i, (long long)n,
                                     Y[i * ldy + n], ref[i * N + n]);
                            bad++;
                        }
                    }
                    for (int64_t n = N; n < ldy; n++)
                        if (Y[i * ldy + n] != 1234.5f) { ekt_fail(&c, "padding written"); bad++; break; }
                }
                ekt_count(M * N);
            }
            if (ek_spgemm(M + 1, N, K, pk, X, ldx, Y, ldy, NULL, act, NULL) != -1) ekt_fail(&c, "dims mismatch accepted");
            free(W); free(X); free(b); free(pk); free(ref); free(mag); free(Y);
        }
    ek_pool_destroy(pools[1]);
    ek_pool_destroy(pools[2]);
    ek_set_isa(prev);
    return ekt_done(&c);
}

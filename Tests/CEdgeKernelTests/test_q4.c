/*
 * test_q4.c — int4 weight-only GEMM and quantized embedding rows.
 * ek_q4gemm on every ISA vs a double reference built from the same int4 values and scales:
 * |got - ref| <= 2e-7·(K + 8)·Σ|a·q·s| + 1e-6 (+ 4e-6 for sigmoid); shapes with M/N = 1, 7, 17,
 * K not a multiple of the group, groups 7/32/64/128, transposed weights, bias, activations,
 * threads 1..3. Quantizer: |w - s·q| <= s/2. Embedding rows: exact value = q·s for int4 / int8,
 * error bound vs the float table, out-of-range index rejected.
 */
#include "test_qcommon.h"

static const ek_activation k_acts[4] = {{EK_ACT_NONE, 0, 0}, {EK_ACT_RELU, 0, 0}, {EK_ACT_CLIP, -0.5f, 0.5f},
                                        {EK_ACT_SIGMOID, 0, 0}};

int ekt_q4gemm(int verbose) {
    ekt_ctx c = {"q4gemm", verbose, 0, 0};
    ekt_rng r = {0x44ull};
    const int prev = ek_active_isa();
    int isas[4];
    const int nisa = ekt_isas(isas);
    const int64_t Ms[] = {1, 2, 7, 17}, Ns[] = {1, 7, 16, 17, 40}, Ks[] = {1, 5, 31, 32, 33, 100, 257};
    const int64_t Gs[] = {32, 7, 64, 128};
    ek_pool *pools[3] = {NULL, ek_pool_create(2), ek_pool_create(3)};
    int idx = 0;
    for (size_t mi = 0; mi < 4; mi++)
        for (size_t ni = 0; ni < 5; ni++)
            for (size_t ki = 0; ki < 7; ki++, idx++) {
                const int64_t M = Ms[mi], N = Ns[ni], K = Ks[ki], G = Gs[idx % 4];
                const int trans = idx % 2, pad = idx % 3;
                const int64_t ng = (K + G - 1) / G, lda = K + pad, ldc = N + pad;
                const int64_t ldw = (trans ? K : N) + pad;
                float *W = malloc(sizeof(float) * (size_t)((trans ? N : K) * ldw));
                for (int64_t i = 0; i < (trans ? N : K) * ldw; i++) W[i] = ekt_uniform(&r, -1, 1);
                int8_t *qv = malloc((size_t)((trans ? N : K) * ldw));
                float *sc = malloc(sizeof(float) * (size_t)(N * ng));
                ek_q4_quantize(trans, K, N, G, W, ldw, qv, ldw, sc);
                for (int64_t n = 0; n < N; n++)
                    for (int64_t k = 0; k < K; k++) {
                        const float wv = trans ? W[n * ldw + k] : W[k * ldw + n];
                        const int qq = trans ? qv[n * ldw + k] : qv[k * ldw + n];
                        const float s = sc[n * ng + k / G];
                        if (qq < -8 || qq > 7 || fabsf(wv - s * (float)qq) > 0.5f * s * 1.001f) {
                            ekt_fail(&c, "q4 quantize k %lld n %lld: w %g q %d s %g", (long long)k, (long long)n, wv, qq, s);
                            n = N;
                            break;
                        }
                    }
                void *pk = ekt_aligned(ek_q4gemm_packed_size(K, N, G));
                ek_q4gemm_pack(trans, K, N, G, qv, ldw, sc, pk);
                float *A = malloc(sizeof(float) * (size_t)(M * lda)), *bias = malloc(sizeof(float) * (size_t)N);
                for (int64_t i = 0; i < M * lda; i++) A[i] = ekt_uniform(&r, -1, 1) * 3.0f / sqrtf((float)K);
                for (int64_t n = 0; n < N; n++) bias[n] = ekt_uniform(&r, -1, 1);
                const ek_activation act = k_acts[idx % 4];
                const int use_bias = idx % 5 != 0;
                double *ref = malloc(sizeof(double) * (size_t)(M * N)), *mag = malloc(sizeof(double) * (size_t)(M * N));
                for (int64_t i = 0; i < M; i++)
                    for (int64_t n = 0; n < N; n++) {
                        double s = use_bias ? bias[n] : 0, mg = fabs(s);
                        for (int64_t k = 0; k < K; k++) {
                            const double t = (double)A[i * lda + k] * (trans ? qv[n * ldw + k] : qv[k * ldw + n]) *
                                             sc[n * ng + k / G];
                            s += t;
                            mg += fabs(t);
                        }
                        ref[i * N + n] = ekt_act_ref(s, act);
                        mag[i * N + n] = mg;
                    }
                float *C = malloc(sizeof(float) * (size_t)(M * ldc));
                for (int ii = 0; ii < nisa; ii++) {
                    ek_set_isa(isas[ii]);
                    for (int64_t i = 0; i < M * ldc; i++) C[i] = 1234.5f;
                    if (ek_q4gemm(M, N, K, A, lda, pk, C, ldc, use_bias ? bias : NULL, act, pools[(idx + ii) % 3]))
                        ekt_fail(&c, "q4gemm rejected");
                    int bad = 0;
                    for (int64_t i = 0; i < M && bad < 3; i++) {
                        for (int64_t n = 0; n < N && bad < 3; n++) {
                            const double tol = 2e-7 * (double)(K + 8) * mag[i * N + n] + 1e-6 + (act.kind == EK_ACT_SIGMOID ? 4e-6 : 0);
                            if (!ekt_close(C[i * ldc + n], ref[i * N + n], tol)) {
                                ekt_fail(&c, "%s M%lld N%lld K%lld G%lld (%lld,%lld): %.9g want %.9g", ek_isa_name(isas[ii]),
                                         (long long)M, (long long)N, (long long)K, (long long)G, (long long)i,
                                         (long long)n, C[i * ldc + n], ref[i * N + n]);
                                bad++;
                            }
                        }
                        for (int64_t n = N; n < ldc; n++)
                            if (C[i * ldc + n] != 1234.5f) { ekt_fail(&c, "padding written"); bad++; break; }
                    }
                    ekt_count(M * N);
                }
                free(W); free(qv); free(sc); free(pk); free(A); free(bias); free(ref); free(mag); free(C);
            }
    ek_pool_destroy(pools[1]);
    ek_pool_destroy(pools[2]);
    ek_set_isa(prev);
    return ekt_done(&c);
}

int ekt_qembed(int verbose) {
    ekt_ctx c = {"qembed", verbose, 0, 0};
    ekt_rng r = {0xE5Bull};
    const int64_t dims[][3] = {{10, 64, 32}, {7, 33, 16}, {5, 1, 32}, {3, 100, 7}};
    for (size_t di = 0; di < 4; di++) {
        const int64_t R = dims[di][0], D = dims[di][1], G = dims[di][2];
        float *tab = malloc(sizeof(float) * (size_t)(R * D));
        for (int64_t i = 0; i < R * D; i++) tab[i] = ekt_uniform(&r, -2, 2);
        void *p4 = ekt_aligned(ek_q4_rows_size(R, D, G)), *p8 = ekt_aligned(ek_q8_rows_size(R, D));
        ek_q4_rows_pack(R, D, G, tab, p4);
        ek_q8_rows_pack(R, D, tab, p8);
        int64_t idx[6] = {0, R - 1, R / 2, 0, R - 1, 1 % R};
        float *o4 = malloc(sizeof(float) * (size_t)(6 * D)), *o8 = malloc(sizeof(float) * (size_t)(6 * D));
        if (ek_q4_rows_dequant(p4, R, D, G, idx, 6, o4) || ek_q8_rows_dequant(p8, R, D, idx, 6, o8))
            ekt_fail(&c, "dequant rejected");
        for (int64_t i = 0; i < 6; i++) {
            const float *x = tab + idx[i] * D;
            float mx8 = 0;
            for (int64_t d = 0; d < D; d++) mx8 = fmaxf(mx8, fabsf(x[d]));
            for (int64_t d = 0; d < D; d++) {
                float mx4 = 0;
                for (int64_t e = d / G * G; e < D && e < d / G * G + G; e++) mx4 = fmaxf(mx4, fabsf(x[e]));
                const float s4 = mx4 / 7.0f, s8 = mx8 / 127.0f;
                if (fabsf(o4[i * D + d] - x[d]) > 0.5f * s4 * 1.001f + 1e-7f)
                    ekt_fail(&c, "q4 row %lld d %lld: %g vs %g", (long long)idx[i], (long long)d, o4[i * D + d], x[d]);
                if (fabsf(o8[i * D + d] - x[d]) > 0.5f * s8 * 1.001f + 1e-7f)
                    ekt_fail(&c, "q8 row %lld d %lld: %g vs %g", (long long)idx[i], (long long)d, o8[i * D + d], x[d]);
                const float q4 = rintf(o4[i * D + d] / s4), q8 = rintf(o8[i * D + d] / s8);
                if (s4 > 0 && o4[i * D + d] != q4 * s4) ekt_fail(&c, "q4 value not q·s");
                if (s8 > 0 && o8[i * D + d] != q8 * s8) ekt_fail(&c, "q8 value not q·s");
            }
            ekt_count(2 * D);
        }
        int64_t badidx[1] = {R};
        if (ek_q4_rows_dequant(p4, R, D, G, badidx, 1, o4) != -1 || ek_q8_rows_dequant(p8, R, D, badidx, 1, o8) != -1)
            ekt_fail(&c, "out-of-range index must be rejected");
        free(tab); free(p4); free(p8); free(o4); free(o8);
    }
    return ekt_done(&c);
}

/*
 * bench_qkernels.c — throughput of the quantized / sparse kernels (edge_qkernels.h) vs the fp32
 * kernels on this machine, single thread, best of timed runs (min time per point: argv[1], 0.15 s).
 *
 *   1. int8 GEMM (u8 output, bias, clamp): conv orientation (ek_qgemm_packed_a, CNN im2col shapes as
 *      in bench_kernels.c) and Gemm orientation (ek_qgemm_packed_b), GOP/s (2·M·N·K) for the VNNI,
 *      AVX-512-without-VNNI and AVX2 (vpmaddwd) kernels vs ek_sgemm_packed_a / _packed_b GFLOP/s
 *      (AVX-512 fp32, and AVX2 fp32 for the ratio an AVX2-only machine would see); plus VNNI on 2 threads.
 *   2. int8 depthwise 3×3 / 5×5 / 7×7 vs fp32 ek_conv2d_depthwise (GOP/s, 2·k² per output).
 *   3. int4 weight-only GEMV/GEMM (group 32) vs fp32 ek_sgemm_packed_b.
 *   4. sparse CSR GEMM vs dense ek_sgemm_packed_a on 1×1-conv shapes at 30–95 % sparsity, and the
 *      break-even sparsity per shape (linear interpolation of the time ratio). With "sparse,blk4" also
 *      a 4×1 block-sparse experiment (AVX-512) that motivated the CSR choice.
 * Build/run: make -f Makefile.kernels bench-qkernels   (EK_BENCH_ARGS="0.3" for longer runs)
 */
#include "edge_kernels.h"
#include "edge_qkernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double g_min_time = 0.15;
static int g_blk4;
static ek_pool *g_pool2; /* 2-thread pool for the one multi-threaded column */ /* argv[2] contains "blk4": also time the 4x1 block-sparse experiment */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *amalloc(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 64, n + 64)) abort();
    return p;
}

static unsigned g_seed = 12345;
static unsigned rnd(void) {
    g_seed = g_seed * 1664525u + 1013904223u;
    return g_seed >> 8;
}
static float frand(void) { return (float)(rnd() & 0xFFFF) / 65536.0f - 0.5f; }

typedef void (*bench_fn)(void *ctx);

/* best time of one call */
static double best_time(bench_fn fn, void *ctx) {
    fn(ctx);
    double best = 1e30, total = 0;
    int reps = 0;
    while (total < g_min_time || reps < 3) {
        const double t0 = now();
        fn(ctx);
        const double dt = now() - t0;
        best = dt < best ? dt : best;
        total += dt;
        reps++;
    }
    return best;
}

/* ---- contexts ------------------------------------------------------------------------------------ */

typedef struct {
    int64_t M, N, K;
    const float *A, *B;
    const void *pa, *pb;
    float *C;
    const float *bias;
    const uint8_t *Xq;
    const void *qpa, *qpb;
    uint8_t *Cq;
    ek_qoutput q;
    ek_pool *pool;
} gemm_ctx;

static const ek_activation k_relu = {EK_ACT_RELU, 0, 0};

static void run_sgemm_a(void *p) {
    gemm_ctx *c = p;
    ek_sgemm_packed_a(c->M, c->N, c->K, c->pa, c->B, c->N, 0.0f, c->C, c->N, c->bias, EK_BIAS_PER_ROW, k_relu, NULL);
}
static void run_sgemm_b(void *p) {
    gemm_ctx *c = p;
    ek_sgemm_packed_b(c->M, c->N, c->K, c->A, c->K, c->pb, 0.0f, c->C, c->N, c->bias, EK_BIAS_PER_COL, k_relu, NULL);
}
static void run_qgemm_a(void *p) {
    gemm_ctx *c = p;
    ek_qgemm_packed_a(c->M, c->N, c->K, c->qpa, c->Xq, c->N, c->Cq, c->N, EK_QOUT_U8, &c->q, c->pool);
}
static void run_qgemm_b(void *p) {
    gemm_ctx *c = p;
    ek_qgemm_packed_b(c->M, c->N, c->K, c->Xq, c->K, c->qpb, c->Cq, c->N, EK_QOUT_U8, &c->q, c->pool);
}

/* variants: 0 fp32, 1 int8 VNNI, 2 int8 AVX-512 no VNNI, 3 int8 AVX2, 4 fp32 AVX2; GOP/s, 0 if unavailable */
static double gemm_variant(gemm_ctx *c, int conv, int v) {
    const int prev = ek_active_isa(), prev_dot = ek_q_set_dot(1);
    double r = 0;
    if (v == 0 || v == 4) {
        if (v == 4 && ek_set_isa(EK_ISA_AVX2) >= 0 && ek_active_isa() != EK_ISA_AVX2) {
            ek_set_isa(prev);
            return 0;
        }
        r = best_time(conv ? run_sgemm_a : run_sgemm_b, c);
    } else {
        const int isa = v == 3 ? EK_ISA_AVX2 : EK_ISA_AVX512;
        ek_set_isa(isa);
        ek_q_set_dot(v == 1);
        if (ek_active_isa() != isa || (v == 1 && !ek_q_cpu_has_dot())) {
            ek_set_isa(prev);
            ek_q_set_dot(prev_dot);
            return 0;
        }
        r = best_time(conv ? run_qgemm_a : run_qgemm_b, c);
    }
    ek_set_isa(prev);
    ek_q_set_dot(prev_dot);
    return 2.0 * (double)c->M * (double)c->N * (double)c->K / r * 1e-9;
}

static void bench_gemm(int conv) {
    static const int64_t conv_shapes[][3] = {
        {16, 25600, 27}, {32, 12544, 144}, {64, 6400, 64}, {64, 3136, 576},
        {128, 1600, 1152}, {256, 1600, 256}, {24, 6400, 96}, {144, 1600, 24},
    };
    static const int64_t gemm_shapes[][3] = {
        {1, 1024, 1024}, {8, 1024, 1024}, {64, 768, 768}, {128, 3072, 768}, {256, 256, 256}, {512, 512, 512},
    };
    const int64_t(*shapes)[3] = conv ? conv_shapes : gemm_shapes;
    const size_t ns = conv ? 8 : 6;
    printf("\n%s: u8 out (bias, ReLU clamp) vs fp32 %s (bias+ReLU), GOP/s\n",
           conv ? "int8 conv-as-GEMM ek_qgemm_packed_a" : "int8 Gemm ek_qgemm_packed_b",
           conv ? "ek_sgemm_packed_a" : "ek_sgemm_packed_b");
    printf("%6s %6s %6s | %8s %8s | %8s %8s %8s | %9s %9s | %9s\n", "M", "N", "K", "fp32", "fp32avx2", "vnni",
           "512-madd", "avx2", "vnni/fp32", "avx2/avx2", "vnni 2thr");
    for (size_t s = 0; s < ns; s++) {
        gemm_ctx c;
        memset(&c, 0, sizeof c);
        c.M = shapes[s][0]; c.N = shapes[s][1]; c.K = shapes[s][2];
        const int64_t M = c.M, N = c.N, K = c.K, ch = conv ? M : N;
        float *A = amalloc(sizeof(float) * (size_t)(M * K)), *B = amalloc(sizeof(float) * (size_t)(K * N));
        float *C = amalloc(sizeof(float) * (size_t)(M * N)), *bias = amalloc(sizeof(float) * (size_t)(M > N ? M : N));
        for (int64_t i = 0; i < M * K; i++) A[i] = frand();
        for (int64_t i = 0; i < K * N; i++) B[i] = frand();
        for (int64_t i = 0; i < (M > N ? M : N); i++) bias[i] = frand();
        void *pa = amalloc(ek_sgemm_packed_a_size(M, K)), *pb = amalloc(ek_sgemm_packed_b_size(K, N));
        ek_sgemm_pack_a(0, M, K, A, K, pa);
        ek_sgemm_pack_b(0, K, N, B, N, pb);
        /* int8 operands */
        int8_t *W = amalloc((size_t)(M > N ? M : N) * (size_t)K);
        for (int64_t i = 0; i < (M > N ? M : N) * K; i++) W[i] = (int8_t)rnd();
        const int64_t xn = conv ? K * N : M * K;
        uint8_t *Xq = amalloc((size_t)xn), *Cq = amalloc((size_t)(M * N));
        for (int64_t i = 0; i < xn; i++) Xq[i] = (uint8_t)rnd();
        void *qp = amalloc(conv ? ek_qgemm_packed_a_size(M, K) : ek_qgemm_packed_b_size(K, N));
        if (conv) ek_qgemm_pack_a(0, M, K, W, K, qp);
        else ek_qgemm_pack_b(1, K, N, W, K, qp);
        float *mult = amalloc(sizeof(float) * (size_t)ch);
        int32_t *bi = amalloc(sizeof(int32_t) * (size_t)ch);
        for (int64_t i = 0; i < ch; i++) { mult[i] = 1.0f / (float)(64 * K); bi[i] = (int32_t)(rnd() % 1000); }
        ek_qoutput q = {mult, bi, NULL, 1.0f, 128, 10, 10, 255, {0, 0, 0}};
        c.A = A; c.B = B; c.pa = pa; c.pb = pb; c.C = C; c.bias = bias;
        c.Xq = Xq; c.qpa = qp; c.qpb = qp; c.Cq = Cq; c.q = q;
        double g[6];
        for (int v = 0; v < 5; v++) g[v] = gemm_variant(&c, conv, v);
        c.pool = g_pool2;
        g[5] = gemm_variant(&c, conv, 1);
        c.pool = NULL;
        printf("%6lld %6lld %6lld | %8.1f %8.1f | %8.1f %8.1f %8.1f | %8.2fx %8.2fx | %9.1f\n", (long long)M,
               (long long)N, (long long)K, g[0], g[4], g[1], g[2], g[3], g[1] / g[0], g[3] / g[4], g[5]);
        fflush(stdout);
        free(A); free(B); free(C); free(bias); free(pa); free(pb); free(W); free(Xq); free(Cq); free(qp);
        free(mult); free(bi);
    }
}

/* ---- depthwise ------------------------------------------------------------------------------------ */

typedef struct {
    ek_conv2d_geometry g;
    const float *in, *w, *b;
    float *out;
    const uint8_t *qin;
    const int8_t *qw;
    uint8_t *qout;
    ek_qoutput q;
} dw_ctx;

static void run_dw_f32(void *p) {
    dw_ctx *d = p;
    ek_conv2d_depthwise(d->in, d->w, d->b, d->out, &d->g, 1, k_relu, NULL);
}
static void run_dw_q(void *p) {
    dw_ctx *d = p;
    ek_qconv2d_depthwise(d->qin, d->qw, d->qout, EK_QOUT_U8, &d->g, 1, &d->q, NULL);
}

static void bench_dw(void) {
    printf("\ndepthwise k×k (pad k/2, bias, ReLU), GOP/s (2·k² per output), 1 thread\n");
    printf("%5s %5s %5s %3s %2s | %8s %8s | %8s %9s | %9s %9s\n", "C", "H", "W", "s", "k", "fp32", "fp32avx2", "int8",
           "int8 avx2", "int8/fp32", "avx2/avx2");
    /* {C, H, W, stride, k}; the 5×5 rows are the MobileNetV3-style detector's */
    static const int64_t dws[][5] = {{32, 112, 112, 1, 3}, {96, 112, 112, 2, 3}, {144, 56, 56, 1, 3}, {144, 56, 56, 2, 3},
                                     {240, 28, 28, 1, 3}, {576, 14, 14, 1, 3}, {960, 7, 7, 1, 3},
                                     {240, 20, 20, 1, 5}, {96, 40, 40, 2, 5}, {144, 20, 20, 1, 5}, {672, 7, 7, 1, 7}};
    for (size_t s = 0; s < sizeof dws / sizeof dws[0]; s++) {
        dw_ctx d;
        memset(&d, 0, sizeof d);
        const int64_t k = dws[s][4], taps = k * k;
        ek_conv2d_geometry g = {dws[s][0], dws[s][1], dws[s][2], k, k, dws[s][3], dws[s][3], k / 2, k / 2, 1, 1, 0, 0};
        g.out_h = (g.in_h + 2 * (k / 2) - k) / g.stride_h + 1;
        g.out_w = (g.in_w + 2 * (k / 2) - k) / g.stride_w + 1;
        d.g = g;
        const int64_t nin = g.channels * g.in_h * g.in_w, nout = g.channels * g.out_h * g.out_w;
        float *in = amalloc(sizeof(float) * (size_t)nin), *w = amalloc(sizeof(float) * (size_t)(taps * g.channels));
        float *b = amalloc(sizeof(float) * (size_t)g.channels), *out = amalloc(sizeof(float) * (size_t)nout);
        uint8_t *qin = amalloc((size_t)nin), *qout = amalloc((size_t)nout);
        int8_t *qw = amalloc((size_t)(taps * g.channels));
        float *mult = amalloc(sizeof(float) * (size_t)g.channels);
        int32_t *bi = amalloc(sizeof(int32_t) * (size_t)g.channels);
        for (int64_t i = 0; i < nin; i++) { in[i] = frand(); qin[i] = (uint8_t)rnd(); }
        for (int64_t i = 0; i < taps * g.channels; i++) { w[i] = frand(); qw[i] = (int8_t)rnd(); }
        for (int64_t i = 0; i < g.channels; i++) { b[i] = frand(); mult[i] = 1e-3f; bi[i] = 100; }
        d.in = in; d.w = w; d.b = b; d.out = out; d.qin = qin; d.qw = qw; d.qout = qout;
        d.q = (ek_qoutput){mult, bi, NULL, 1.0f, 128, 5, 5, 255, {0, 0, 0}};
        const double ops = 2.0 * (double)taps * (double)nout;
        const double tf = best_time(run_dw_f32, &d), tq = best_time(run_dw_q, &d);
        const int prev = ek_set_isa(EK_ISA_AVX2);
        const double tq2 = ek_active_isa() == EK_ISA_AVX2 ? best_time(run_dw_q, &d) : 1e30;
        const double tf2 = ek_active_isa() == EK_ISA_AVX2 ? best_time(run_dw_f32, &d) : 1e30;
        ek_set_isa(prev);
        printf("%5lld %5lld %5lld %3lld %2lld | %8.2f %8.2f | %8.2f %9.2f | %8.2fx %8.2fx\n", (long long)g.channels,
               (long long)g.in_h, (long long)g.in_w, (long long)g.stride_h, (long long)k, ops / tf * 1e-9, ops / tf2 * 1e-9,
               ops / tq * 1e-9, ops / tq2 * 1e-9, tf / tq, tf2 / tq2);
        fflush(stdout);
        free(in); free(w); free(b); free(out); free(qin); free(qout); free(qw); free(mult); free(bi);
    }
}

/* ---- int4 ------------------------------------------------------------------------------------------- */

typedef struct {
    int64_t M, N, K;
    const float *A;
    const void *pb, *p4;
    float *C;
    const float *bias;
} q4_ctx;

static void run_q4_f32(void *p) {
    q4_ctx *c = p;
    ek_sgemm_packed_b(c->M, c->N, c->K, c->A, c->K, c->pb, 0.0f, c->C, c->N, c->bias, EK_BIAS_PER_COL,
                      (ek_activation){0, 0, 0}, NULL);
}
static void run_q4(void *p) {
    q4_ctx *c = p;
    ek_q4gemm(c->M, c->N, c->K, c->A, c->K, c->p4, c->C, c->N, c->bias, (ek_activation){0, 0, 0}, NULL);
}

static void bench_q4(void) {
    printf("\nint4 weight-only GEMM (group 32, bias) vs fp32 ek_sgemm_packed_b, GFLOP/s (2·M·N·K), 1 thread\n");
    printf("%5s %6s %6s | %8s | %8s %8s | %9s | %s\n", "M", "N", "K", "fp32", "int4", "int4 avx2", "int4/fp32",
           "weights fp32 / int4");
    static const int64_t shapes[][3] = {{1, 4096, 4096}, {1, 1024, 1024}, {4, 4096, 4096}, {16, 1024, 1024},
                                        {64, 1024, 1024}, {256, 768, 768}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        q4_ctx c = {shapes[s][0], shapes[s][1], shapes[s][2], NULL, NULL, NULL, NULL, NULL};
        const int64_t M = c.M, N = c.N, K = c.K, G = 32, ng = (K + G - 1) / G;
        float *A = amalloc(sizeof(float) * (size_t)(M * K)), *W = amalloc(sizeof(float) * (size_t)(K * N));
        float *C = amalloc(sizeof(float) * (size_t)(M * N)), *bias = amalloc(sizeof(float) * (size_t)N);
        for (int64_t i = 0; i < M * K; i++) A[i] = frand();
        for (int64_t i = 0; i < K * N; i++) W[i] = frand();
        for (int64_t i = 0; i < N; i++) bias[i] = frand();
        void *pb = amalloc(ek_sgemm_packed_b_size(K, N));
        ek_sgemm_pack_b(0, K, N, W, N, pb);
        int8_t *q = amalloc((size_t)(K * N));
        float *sc = amalloc(sizeof(float) * (size_t)(N * ng));
        ek_q4_quantize(0, K, N, G, W, N, q, N, sc);
        const size_t p4size = ek_q4gemm_packed_size(K, N, G);
        void *p4 = amalloc(p4size);
        ek_q4gemm_pack(0, K, N, G, q, N, sc, p4);
        c.A = A; c.pb = pb; c.p4 = p4; c.C = C; c.bias = bias;
        const double flops = 2.0 * (double)(M * N) * (double)K;
        const double tf = best_time(run_q4_f32, &c), t4 = best_time(run_q4, &c);
        const int prev = ek_set_isa(EK_ISA_AVX2);
        const double t42 = ek_active_isa() == EK_ISA_AVX2 ? best_time(run_q4, &c) : 1e30;
        ek_set_isa(prev);
        printf("%5lld %6lld %6lld | %8.2f | %8.2f %8.2f | %8.2fx | %.1f MB / %.1f MB\n", (long long)M, (long long)N,
               (long long)K, flops / tf * 1e-9, flops / t4 * 1e-9, flops / t42 * 1e-9, tf / t4,
               (double)ek_sgemm_packed_b_size(K, N) / 1e6, (double)p4size / 1e6);
        fflush(stdout);
        free(A); free(W); free(C); free(bias); free(pb); free(q); free(sc); free(p4);
    }
}


/* ---- experiment: 4×1 block-sparse (4 rows share each stored k; zeros inside a block are stored),
 * AVX-512 only, to compare the layout choice with CSR on the same shapes (not a library kernel). */
#if defined(__x86_64__)
#include <immintrin.h>
typedef struct {
    int64_t M, K, nblk;
    int32_t *bp, *bk; /* block-row pointers [M/4 + 1], k of each block */
    float *bw;        /* 4 weights per block */
} blk4;

static void blk4_build(blk4 *b, const float *W, int64_t M, int64_t K) {
    b->M = M; b->K = K;
    b->bp = malloc(sizeof(int32_t) * (size_t)(M / 4 + 1));
    b->bk = malloc(sizeof(int32_t) * (size_t)(M / 4 * K + 1));
    b->bw = malloc(sizeof(float) * (size_t)(M * K + 4));
    int32_t p = 0;
    b->bp[0] = 0;
    for (int64_t r = 0; r < M / 4; r++) {
        for (int64_t k = 0; k < K; k++) {
            const float *w = W + 4 * r * K + k;
            if (w[0] != 0.0f || w[K] != 0.0f || w[2 * K] != 0.0f || w[3 * K] != 0.0f) {
                b->bk[p] = (int32_t)k;
                for (int i = 0; i < 4; i++) b->bw[4 * p + i] = w[i * K];
                p++;
            }
        }
        b->bp[r + 1] = p;
    }
    b->nblk = p;
}

__attribute__((target("avx512f,fma"))) static void blk4_run(const blk4 *b, const float *X, int64_t N, float *Y,
                                                             const float *bias) {
    for (int64_t nt = 0; nt + 32 <= N; nt += 32)
        for (int64_t r = 0; r < b->M / 4; r++) {
            __m512 a[4][2];
            for (int i = 0; i < 4; i++) a[i][0] = a[i][1] = _mm512_set1_ps(bias[4 * r + i]);
            for (int32_t p = b->bp[r]; p < b->bp[r + 1]; p++) {
                const float *x = X + (int64_t)b->bk[p] * N + nt;
                const __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
                for (int i = 0; i < 4; i++) {
                    const __m512 w = _mm512_set1_ps(b->bw[4 * p + i]);
                    a[i][0] = _mm512_fmadd_ps(w, x0, a[i][0]);
                    a[i][1] = _mm512_fmadd_ps(w, x1, a[i][1]);
                }
            }
            for (int i = 0; i < 4; i++) {
                float *y = Y + (4 * r + i) * N + nt;
                _mm512_storeu_ps(y, _mm512_max_ps(a[i][0], _mm512_setzero_ps()));
                _mm512_storeu_ps(y + 16, _mm512_max_ps(a[i][1], _mm512_setzero_ps()));
            }
        }
}

typedef struct {
    const blk4 *b;
    const float *X;
    int64_t N;
    float *Y;
    const float *bias;
} blk4_ctx;
static void run_blk4(void *p) {
    blk4_ctx *c = p;
    blk4_run(c->b, c->X, c->N, c->Y, c->bias);
}
#endif

/* ---- sparse ----------------------------------------------------------------------------------------- */

typedef struct {
    int64_t M, N, K;
    const void *pa, *sp;
    const float *X;
    float *Y;
    const float *bias;
} sp_ctx;

static void run_dense(void *p) {
    sp_ctx *c = p;
    ek_sgemm_packed_a(c->M, c->N, c->K, c->pa, c->X, c->N, 0.0f, c->Y, c->N, c->bias, EK_BIAS_PER_ROW, k_relu, NULL);
}
static void run_sparse(void *p) {
    sp_ctx *c = p;
    ek_spgemm(c->M, c->N, c->K, c->sp, c->X, c->N, c->Y, c->N, c->bias, k_relu, NULL);
}

static void bench_sparse(void) {
    printf("\nsparse CSR GEMM (1x1 conv, bias+ReLU) vs dense ek_sgemm_packed_a: dense-equivalent GFLOP/s (2·M·N·K / t)\n");
    static const float sps[] = {0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f};
    enum { NS = sizeof sps / sizeof sps[0] };
    printf("%5s %5s %5s | %7s |", "M", "K", "N", "dense");
    for (int i = 0; i < NS; i++) printf("  sp%2.0f%%     ", sps[i] * 100);
    printf("| break-even\n");
    static const int64_t shapes[][3] = {{64, 64, 6400}, {64, 576, 3136}, {128, 128, 1600}, {128, 256, 1600},
                                        {256, 256, 400}, {256, 576, 400}, {96, 24, 6400}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        sp_ctx c = {shapes[s][0], shapes[s][2], shapes[s][1], NULL, NULL, NULL, NULL, NULL};
        const int64_t M = c.M, N = c.N, K = c.K;
        float *W = amalloc(sizeof(float) * (size_t)(M * K)), *X = amalloc(sizeof(float) * (size_t)(K * N));
        float *Y = amalloc(sizeof(float) * (size_t)(M * N)), *bias = amalloc(sizeof(float) * (size_t)M);
        float *u = amalloc(sizeof(float) * (size_t)(M * K));
        for (int64_t i = 0; i < M * K; i++) { W[i] = frand(); u[i] = (float)(rnd() & 0xFFFF) / 65536.0f; }
        for (int64_t i = 0; i < K * N; i++) X[i] = frand();
        for (int64_t i = 0; i < M; i++) bias[i] = frand();
        void *pa = amalloc(ek_sgemm_packed_a_size(M, K));
        ek_sgemm_pack_a(0, M, K, W, K, pa);
        c.pa = pa; c.X = X; c.Y = Y; c.bias = bias;
        const double flops = 2.0 * (double)(M * N) * (double)K;
        const double td = best_time(run_dense, &c);
        printf("%5lld %5lld %5lld | %7.1f |", (long long)M, (long long)K, (long long)N, flops / td * 1e-9);
        double ratio[NS], blk4_t[NS] = {0};
        float *Ws = amalloc(sizeof(float) * (size_t)(M * K));
        for (int si = 0; si < NS; si++) {
            for (int64_t i = 0; i < M * K; i++) Ws[i] = u[i] < sps[si] ? 0.0f : W[i];
            const int64_t nnz = ek_spgemm_count(M, K, Ws, K, 0.0f);
            void *sp = amalloc(ek_spgemm_packed_size(M, nnz));
            ek_spgemm_pack(M, K, Ws, K, 0.0f, nnz, sp);
            c.sp = sp;
            const double ts = best_time(run_sparse, &c);
            ratio[si] = td / ts;
            printf(" %5.1f %4.2fx", flops / ts * 1e-9, ratio[si]);
            free(sp);
#if defined(__x86_64__)
            if (ek_detected_isa() == EK_ISA_AVX512 && g_blk4) {
                blk4 b4;
                blk4_build(&b4, Ws, M, K);
                blk4_ctx bc = {&b4, X, N, Y, bias};
                blk4_t[si] = best_time(run_blk4, &bc);
                free(b4.bp); free(b4.bk); free(b4.bw);
            }
#endif
        }
        /* break-even: first sparsity where sparse >= dense, interpolated on the speed-up ratio */
        double be = -1;
        if (ratio[0] >= 1.0) be = sps[0];
        for (int si = 1; si < NS && be < 0; si++)
            if (ratio[si] >= 1.0)
                be = sps[si - 1] + (sps[si] - sps[si - 1]) * (1.0 - ratio[si - 1]) / (ratio[si] - ratio[si - 1]);
        if (be < 0) printf(" | > 95%%\n");
        else if (be <= sps[0]) printf(" | <= 30%%\n");
        else printf(" | %.0f%%\n", be * 100);
        if (blk4_t[0] > 0) {
            printf("%21s 4x1 blk |", "");
            for (int si = 0; si < NS; si++) printf(" %5.1f %4.2fx", flops / blk4_t[si] * 1e-9, td / blk4_t[si]);
            printf("\n");
        }
        fflush(stdout);
        free(W); free(X); free(Y); free(bias); free(u); free(pa); free(Ws);
    }
}

int main(int argc, char **argv) {
    if (argc > 1) g_min_time = atof(argv[1]);
    const char *only = argc > 2 ? argv[2] : "";
    g_blk4 = strstr(only, "blk4") != NULL;
    g_pool2 = ek_pool_create(2);
    ek_thread_scratch_reserve();
    printf("ISA: %s (detected %s), int8 kernel: %s, dot-product: %s; single thread\n", ek_isa_name(ek_active_isa()),
           ek_isa_name(ek_detected_isa()), ek_q_kernel_name(), ek_q_cpu_has_dot() ? "yes" : "no");
    if (!*only || strstr(only, "conv")) bench_gemm(1);
    if (!*only || strstr(only, "gemm")) bench_gemm(0);
    if (!*only || strstr(only, "dw")) bench_dw();
    if (!*only || strstr(only, "q4")) bench_q4();
    if (!*only || strstr(only, "sparse")) bench_sparse();
    return 0;
}

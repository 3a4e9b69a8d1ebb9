/*
 * bench_kernels.c — throughput of the CEdgeKernels hot paths on this machine.
 *
 * SGEMM (C = A·B, row-major, no epilogue unless noted): ek_sgemm, ek_sgemm_packed_a (conv
 * weights pre-packed), ek_sgemm_packed_b (Gemm weights pre-packed) vs OpenBLAS cblas_sgemm,
 * all single-threaded, in GFLOP/s (best of several timed runs). Shapes: square 256/512/1024 and
 * small-CNN im2col GEMMs (M = Cout, N = H·W, K = Cin·kh·kw). Also a 2-thread ek_sgemm column,
 * and depthwise 3×3 (stride 1/2) vs the scalar generic path.
 * Also the slow nodes of the MobileNetV3-style detector profile (depthwise 5x5/3x3, 3->16 stem conv) in ms and
 * GFLOP/s vs the generic (scalar ISA) path.
 * Build/run: make -f Makefile.kernels bench-kernels   (EK_ISA=avx2|scalar|... to force a path)
 *            EK_BENCH_ARGS='0.25 profile' runs only the profile shapes.
 */
#include "edge_kernels.h"
#define EK_HAVE_SMALL_CIN 1

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern void openblas_set_num_threads(int);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *randv(size_t n, unsigned seed) {
    float *p = NULL;
    if (posix_memalign((void **)&p, 64, n * sizeof(float) + 64)) abort();
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)((seed >> 8) & 0xFFFF) / 65536.0f - 0.5f;
    }
    return p;
}

typedef struct {
    int kind; /* 0 ek plain, 1 ek packed A, 2 ek packed B, 3 blas, 4 ek plain bias+relu */
    int64_t M, N, K;
    const float *A, *B;
    const void *pa, *pb;
    float *C;
    const float *bias;
    ek_pool *pool;
} job;

static void run(const job *j) {
    const ek_activation none = {EK_ACT_NONE, 0, 0}, relu = {EK_ACT_RELU, 0, 0};
    switch (j->kind) {
    case 0: ek_sgemm(0, 0, j->M, j->N, j->K, j->A, j->K, j->B, j->N, 0.0f, j->C, j->N, NULL, 0, none, j->pool); break;
    case 1: ek_sgemm_packed_a(j->M, j->N, j->K, j->pa, j->B, j->N, 0.0f, j->C, j->N, NULL, 0, none, j->pool); break;
    case 2: ek_sgemm_packed_b(j->M, j->N, j->K, j->A, j->K, j->pb, 0.0f, j->C, j->N, NULL, 0, none, j->pool); break;
    case 3:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)j->M, (int)j->N, (int)j->K, 1.0f, j->A, (int)j->K,
                    j->B, (int)j->N, 0.0f, j->C, (int)j->N);
        break;
    case 4:
        ek_sgemm(0, 0, j->M, j->N, j->K, j->A, j->K, j->B, j->N, 0.0f, j->C, j->N, j->bias, EK_BIAS_PER_ROW, relu, j->pool);
        break;
    }
}

static double gflops(const job *j, double min_time) {
    run(j); /* warm-up (also allocates the per-thread packing arena) */
    double best = 1e30, total = 0;
    int reps = 0;
    while (total < min_time || reps < 3) {
        const double t0 = now();
        run(j);
        const double dt = now() - t0;
        best = dt < best ? dt : best;
        total += dt;
        reps++;
    }
    return 2.0 * (double)j->M * (double)j->N * (double)j->K / best * 1e-9;
}

/* ---- MobileNetV3-detector profile shapes (320x320 input) ------------------------------------------- */

typedef struct {
    int kind; /* 0 depthwise, 1 stem im2col+packed sgemm, 2 stem ek_conv2d_small_cin */
    ek_conv2d_geometry g;
    const float *in, *w, *b;
    const void *pa;
    float *col, *out;
    ek_activation act;
} pjob;

static void prun(const pjob *j) {
    const ek_conv2d_geometry *g = &j->g;
    const int64_t K = g->channels * g->kernel_h * g->kernel_w, N = g->out_h * g->out_w;
    switch (j->kind) {
    case 0: ek_conv2d_depthwise(j->in, j->w, j->b, j->out, g, 1, j->act, NULL); break;
    case 1:
        ek_im2col(j->in, j->col, g);
        ek_sgemm_packed_a(16, N, K, j->pa, j->col, N, 0.0f, j->out, N, j->b, EK_BIAS_PER_ROW, j->act, NULL);
        break;
    case 3: ek_im2col(j->in, j->col, g); break;
#ifdef EK_HAVE_SMALL_CIN
    case 2: ek_conv2d_small_cin(j->in, j->w, j->b, j->out, g, 16, j->act, NULL); break;
#endif
    }
}

static double ptime(const pjob *j, double min_time) {
    prun(j);
    double best = 1e30, total = 0;
    int reps = 0;
    while (total < min_time || reps < 5) {
        const double t0 = now();
        prun(j);
        const double dt = now() - t0;
        best = dt < best ? dt : best;
        total += dt;
        reps++;
    }
    return best;
}

static void bench_profile_shapes(double min_time) {
    const ek_activation hswish = {EK_ACT_HARD_SWISH, 0, 0};
    printf("\nprofile shapes (1 thread, bias + hard-swish): ms and GFLOP/s (2 FLOP per MAC), best of runs;\n"
           "'generic' = scalar ISA (generic C path)\n");
    printf("%-34s | %8s %8s | %8s %8s | %7s\n", "op", "ek ms", "GFLOP/s", "gen ms", "GFLOP/s", "speedup");
    /* {C, H, W, k, stride} depthwise, pad k/2 */
    static const int64_t dws[][5] = {{240, 20, 20, 5, 1}, {144, 20, 20, 5, 1}, {120, 20, 20, 5, 1}, {96, 40, 40, 5, 2},
                                     {72, 80, 80, 3, 1},  {88, 40, 40, 3, 1},  {72, 80, 80, 3, 2},  {240, 10, 10, 3, 1},
                                     {576, 10, 10, 5, 1}, {480, 7, 7, 3, 1}};
    for (size_t s = 0; s < sizeof dws / sizeof dws[0]; s++) {
        const int64_t k = dws[s][3], st = dws[s][4], p = k / 2;
        pjob j = {0};
        j.g = (ek_conv2d_geometry){dws[s][0], dws[s][1], dws[s][2], k, k, st, st, p, p, 1, 1, 0, 0};
        j.g.out_h = (j.g.in_h + 2 * p - k) / st + 1;
        j.g.out_w = (j.g.in_w + 2 * p - k) / st + 1;
        float *in = randv((size_t)(j.g.channels * j.g.in_h * j.g.in_w), 7), *w = randv((size_t)(j.g.channels * k * k), 8);
        float *b = randv((size_t)j.g.channels, 9), *out = randv((size_t)(j.g.channels * j.g.out_h * j.g.out_w), 10);
        j.in = in; j.w = w; j.b = b; j.out = out; j.act = hswish;
        const double flop = 2.0 * (double)(j.g.channels * j.g.out_h * j.g.out_w * k * k);
        const double t = ptime(&j, min_time);
        const int prev = ek_set_isa(EK_ISA_SCALAR);
        const double tg = ptime(&j, min_time);
        ek_set_isa(prev);
        char name[64];
        snprintf(name, sizeof name, "dw %lldx%lld s%lld %lldx%lldx%lld", (long long)k, (long long)k, (long long)st,
                 (long long)j.g.channels, (long long)j.g.in_h, (long long)j.g.in_w);
        printf("%-34s | %8.4f %8.2f | %8.4f %8.2f | %6.1fx\n", name, t * 1e3, flop / t * 1e-9, tg * 1e3, flop / tg * 1e-9,
               tg / t);
        free(in); free(w); free(b); free(out);
    }
    /* stem: 3x3 s2 p1, 3 -> 16 channels at 320x320 */
    {
        pjob j = {0};
        j.g = (ek_conv2d_geometry){3, 320, 320, 3, 3, 2, 2, 1, 1, 1, 1, 160, 160};
        const int64_t K = 27, N = 160 * 160;
        float *in = randv((size_t)(3 * 320 * 320), 11), *w = randv((size_t)(16 * K), 12), *b = randv(16, 13);
        float *col = randv((size_t)(K * N), 14), *out = randv((size_t)(16 * N), 15);
        void *pa = NULL;
        if (posix_memalign(&pa, 64, ek_sgemm_packed_a_size(16, K))) abort();
        ek_sgemm_pack_a(0, 16, K, w, K, pa);
        j.in = in; j.w = w; j.b = b; j.pa = pa; j.col = col; j.out = out; j.act = hswish;
        const double flop = 2.0 * 16.0 * (double)N * (double)K;
        const char *names[] = {"", "stem 3->16 320^2 s2 im2col+sgemm", "stem 3->16 320^2 s2 small_cin", "  (im2col alone)"};
        const int kinds[] = {1, 3,
#ifdef EK_HAVE_SMALL_CIN
                             2
#endif
        };
        for (size_t q = 0; q < sizeof kinds / sizeof kinds[0]; q++) {
            j.kind = kinds[q];
            const double t = ptime(&j, min_time);
            const int prev = ek_set_isa(EK_ISA_SCALAR);
            const double tg = ptime(&j, min_time);
            ek_set_isa(prev);
            printf("%-34s | %8.4f %8.2f | %8.4f %8.2f | %6.1fx\n", names[j.kind], t * 1e3, flop / t * 1e-9, tg * 1e3,
                   flop / tg * 1e-9, tg / t);
        }
        free(in); free(w); free(b); free(col); free(out); free(pa);
    }
}

int main(int argc, char **argv) {
    double min_time = argc > 1 ? atof(argv[1]) : 0.25;
    openblas_set_num_threads(1);
    printf("ISA: %s (detected %s); single thread unless noted; GFLOP/s, best of runs\n\n",
           ek_isa_name(ek_active_isa()), ek_isa_name(ek_detected_isa()));
    if (argc > 2 && !strcmp(argv[2], "profile")) { /* bench_kernels [min_time] profile: profile shapes only */
        bench_profile_shapes(min_time);
        return 0;
    }
    static const int64_t shapes[][3] = {
        {256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024},
        {16, 25600, 27},    /* 3x3 conv 3->16 @160x160 */
        {16, 25600, 9},     /* K = 9 */
        {32, 12544, 144},   /* 3x3 conv 16->32 @112x112 */
        {64, 6400, 64},     /* 1x1 conv 64->64 @80x80 */
        {64, 3136, 576},    /* 3x3 conv 64->64 @56x56 */
        {128, 1600, 1152},  /* 3x3 conv 128->128 @40x40 */
        {256, 1600, 256},   /* 1x1 conv 256->256 @40x40 */
        {24, 6400, 96},     /* 1x1 projection */
        {144, 1600, 24},    /* 1x1 expansion */
    };
    ek_pool *pool2 = ek_pool_create(2);
    printf("%6s %6s %6s | %8s %8s %8s %8s | %8s %7s | %8s\n", "M", "N", "K", "ek", "ek_pkA", "ek_pkB", "openblas",
           "ek/blas", "+b+relu", "ek 2thr");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int64_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = randv((size_t)(M * K), 1), *B = randv((size_t)(K * N), 2), *C = randv((size_t)(M * N), 3);
        float *C2 = randv((size_t)(M * N), 4), *bias = randv((size_t)M, 5);
        void *pa = NULL, *pb = NULL;
        if (posix_memalign(&pa, 64, ek_sgemm_packed_a_size(M, K)) || posix_memalign(&pb, 64, ek_sgemm_packed_b_size(K, N)))
            abort();
        ek_sgemm_pack_a(0, M, K, A, K, pa);
        ek_sgemm_pack_b(0, K, N, B, N, pb);
        job j = {0, M, N, K, A, B, pa, pb, C, bias, NULL};
        double g[6];
        for (int k = 0; k < 5; k++) {
            j.kind = k;
            g[k] = gflops(&j, min_time);
        }
        j.kind = 0;
        j.pool = pool2;
        g[5] = gflops(&j, min_time);
        /* sanity: ek vs OpenBLAS */
        j.pool = NULL;
        j.kind = 0; j.C = C; run(&j);
        j.kind = 3; j.C = C2; run(&j);
        double md = 0;
        for (int64_t i = 0; i < M * N; i++) md = fmax(md, fabs((double)C[i] - C2[i]));
        printf("%6lld %6lld %6lld | %8.1f %8.1f %8.1f %8.1f | %7.2fx %7.1f | %8.1f%s\n", (long long)M, (long long)N,
               (long long)K, g[0], g[1], g[2], g[3], g[0] / g[3], g[4], g[5], md > 1e-3 ? "  MISMATCH" : "");
        fflush(stdout);
        free(A); free(B); free(C); free(C2); free(bias); free(pa); free(pb);
    }

    printf("\ndepthwise 3x3 (pad 1, bias, relu): GFLOP/s (2·9 per output) and output Mpix/s, 1 thread\n");
    printf("%5s %5s %5s %3s | %9s %9s | %9s %7s\n", "C", "H", "W", "s", "ek", "Mpix/s", "generic", "speedup");
    static const int64_t dws[][4] = {{32, 112, 112, 1}, {96, 112, 112, 2}, {144, 56, 56, 1}, {144, 56, 56, 2},
                                     {240, 28, 28, 1}, {576, 14, 14, 1}, {960, 7, 7, 1}};
    const ek_activation relu = {EK_ACT_RELU, 0, 0};
    for (size_t s = 0; s < sizeof dws / sizeof dws[0]; s++) {
        ek_conv2d_geometry g = {dws[s][0], dws[s][1], dws[s][2], 3, 3, dws[s][3], dws[s][3], 1, 1, 1, 1, 0, 0};
        g.out_h = (g.in_h + 2 - 3) / g.stride_h + 1;
        g.out_w = (g.in_w + 2 - 3) / g.stride_w + 1;
        float *in = randv((size_t)(g.channels * g.in_h * g.in_w), 7), *w = randv((size_t)(g.channels * 9), 8);
        float *b = randv((size_t)g.channels, 9), *out = randv((size_t)(g.channels * g.out_h * g.out_w), 10);
        const double outs = (double)(g.channels * g.out_h * g.out_w);
        double best[2];
        for (int pass = 0; pass < 2; pass++) {
            const int prev = pass ? ek_set_isa(EK_ISA_SCALAR) : ek_active_isa();
            best[pass] = 1e30;
            double total = 0;
            int reps = 0;
            ek_conv2d_depthwise(in, w, b, out, &g, 1, relu, NULL);
            while (total < min_time || reps < 3) {
                const double t0 = now();
                ek_conv2d_depthwise(in, w, b, out, &g, 1, relu, NULL);
                const double dt = now() - t0;
                best[pass] = dt < best[pass] ? dt : best[pass];
                total += dt;
                reps++;
            }
            ek_set_isa(prev);
        }
        printf("%5lld %5lld %5lld %3lld | %9.2f %9.1f | %9.2f %6.1fx\n", (long long)g.channels, (long long)g.in_h,
               (long long)g.in_w, (long long)g.stride_h, 18.0 * outs / best[0] * 1e-9, outs / best[0] * 1e-6,
               18.0 * outs / best[1] * 1e-9, best[1] / best[0]);
        free(in); free(w); free(b); free(out);
    }
    bench_profile_shapes(min_time);
    ek_pool_destroy(pool2);
    return 0;
}

/*
 * ekt_common.c — shared test helpers, the dispatch and thread-pool checks, and ekt_run_all.
 */
#include "ekt_common.h"

#include <stdarg.h>
#include <string.h>

static int64_t g_checks;

void ekt_count(int64_t n) { __atomic_add_fetch(&g_checks, n, __ATOMIC_RELAXED); }
int64_t ekt_checks_run(void) { return __atomic_load_n(&g_checks, __ATOMIC_RELAXED); }

int ekt_isas(int out[4]) {
    const int prev = ek_active_isa();
    int n = 0;
    const int order[4] = {EK_ISA_SCALAR, EK_ISA_AVX2, EK_ISA_AVX512, EK_ISA_NEON};
    for (int i = 0; i < 4; i++) {
        ek_set_isa(order[i]);
        if (ek_active_isa() == order[i]) out[n++] = order[i];
    }
    ek_set_isa(prev);
    return n;
}

void ekt_fail(ekt_ctx *c, const char *fmt, ...) {
    c->failures++;
    if (c->verbose && c->printed < 20) {
        va_list ap;
        va_start(ap, fmt);
        printf("  FAIL [%s] ", c->group);
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
        c->printed++;
    }
}

int ekt_done(ekt_ctx *c) {
    if (c->verbose) printf("%-16s %s (%d failures)\n", c->group, c->failures ? "FAILED" : "ok", c->failures);
    fflush(stdout);
    return c->failures;
}

double ekt_act_ref(double x, ek_activation act) {
    switch (act.kind) {
    case EK_ACT_RELU: return x > 0 ? x : 0;
    case EK_ACT_CLIP: return fmin(fmax(x, act.alpha), act.beta);
    case EK_ACT_LEAKY_RELU: return x < 0 ? act.alpha * x : x;
    case EK_ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case EK_ACT_TANH: return tanh(x);
    case EK_ACT_HARD_SIGMOID: return fmax(0.0, fmin(1.0, act.alpha * x + act.beta));
    case EK_ACT_HARD_SWISH: return x * fmax(0.0, fmin(1.0, x / 6.0 + 0.5));
    default: return x;
    }
}

/* ---- dispatch ------------------------------------------------------------------------------- */

int ekt_dispatch(int verbose) {
    ekt_ctx c = {"dispatch", verbose, 0, 0};
    const int prev = ek_active_isa();
    const int best = ek_detected_isa();
    if (strcmp(ek_isa_name(EK_ISA_SCALAR), "scalar") || strcmp(ek_isa_name(EK_ISA_AVX2), "avx2") ||
        strcmp(ek_isa_name(EK_ISA_AVX512), "avx512") || strcmp(ek_isa_name(EK_ISA_NEON), "neon"))
        ekt_fail(&c, "ek_isa_name");
    if (ek_set_isa(EK_ISA_SCALAR) != prev) ekt_fail(&c, "set_isa must return the previous ISA");
    if (ek_active_isa() != EK_ISA_SCALAR) ekt_fail(&c, "scalar must always be selectable");
    ek_set_isa(best);
    if (ek_active_isa() != best) ekt_fail(&c, "detected ISA must be selectable");
    ek_set_isa(99);
    const int clamped = ek_active_isa();
    if (clamped != EK_ISA_SCALAR && clamped != best) ekt_fail(&c, "unknown ISA clamps to a supported one (%d)", clamped);
    int isas[4];
    const int n = ekt_isas(isas);
    if (n < 1 || isas[0] != EK_ISA_SCALAR || isas[n - 1] != best) ekt_fail(&c, "ISA list");
    if (verbose) {
        printf("detected ISA: %s; testing:", ek_isa_name(best));
        for (int i = 0; i < n; i++) printf(" %s", ek_isa_name(isas[i]));
        printf("\n");
    }
    if (ek_thread_scratch_reserve() != 0) ekt_fail(&c, "ek_thread_scratch_reserve");
    ek_set_isa(prev);
    ekt_count(7);
    return ekt_done(&c);
}

/* ---- thread pool ------------------------------------------------------------------------------ */

typedef struct {
    int *hits;
    int64_t n;
    int calls;
    int bad_range;
    ek_pool *pool;
    int nested_ok;
} pool_probe;

static void probe_fn(void *ctx, int64_t b, int64_t e) {
    pool_probe *p = (pool_probe *)ctx;
    __atomic_add_fetch(&p->calls, 1, __ATOMIC_RELAXED);
    if (b < 0 || e > p->n || b >= e) __atomic_add_fetch(&p->bad_range, 1, __ATOMIC_RELAXED);
    for (int64_t i = b; i < e && i < p->n; i++) __atomic_add_fetch(&p->hits[i], 1, __ATOMIC_RELAXED);
}

static void count_fn(void *ctx, int64_t b, int64_t e) {
    __atomic_add_fetch((int64_t *)ctx, e - b, __ATOMIC_RELAXED);
}

static void nested_fn(void *ctx, int64_t b, int64_t e) {
    pool_probe *p = (pool_probe *)ctx;
    for (int64_t i = b; i < e; i++) {
        int64_t cnt = 0;
        ek_pool_parallel_for(p->pool, 10, count_fn, &cnt); /* nested: must run inline, not deadlock */
        if (cnt == 10) __atomic_add_fetch(&p->nested_ok, 1, __ATOMIC_RELAXED);
    }
}

int ekt_pool(int verbose) {
    ekt_ctx c = {"pool", verbose, 0, 0};
    const int64_t sizes[] = {0, 1, 2, 3, 4, 5, 7, 100, 1001};
    for (int threads = 0; threads <= 4; threads++) {
        ek_pool *pool = threads == 0 ? NULL : ek_pool_create(threads);
        if (threads && !pool) {
            ekt_fail(&c, "create(%d) failed", threads);
            continue;
        }
        const int expect_threads = threads <= 1 ? 1 : threads;
        if (ek_pool_threads(pool) != expect_threads) ekt_fail(&c, "threads(%d) = %d", threads, ek_pool_threads(pool));
        for (int rep = 0; rep < 20; rep++) {
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                const int64_t n = sizes[s];
                int hits[1001] = {0};
                pool_probe p = {hits, n, 0, 0, pool, 0};
                ek_pool_parallel_for(pool, n, probe_fn, &p);
                for (int64_t i = 0; i < n; i++)
                    if (hits[i] != 1) {
                        ekt_fail(&c, "threads %d n %lld: index %lld hit %d times", threads, (long long)n, (long long)i, hits[i]);
                        break;
                    }
                if (p.bad_range) ekt_fail(&c, "threads %d n %lld: empty/out of range chunk", threads, (long long)n);
                if (p.calls > expect_threads) ekt_fail(&c, "threads %d n %lld: %d chunks", threads, (long long)n, p.calls);
                if (n >= expect_threads && p.calls != expect_threads)
                    ekt_fail(&c, "threads %d n %lld: %d chunks, want one per thread", threads, (long long)n, p.calls);
                ekt_count(n + 1);
            }
        }
        pool_probe p = {NULL, 8, 0, 0, pool, 0};
        ek_pool_parallel_for(pool, 8, nested_fn, &p);
        if (p.nested_ok != 8) ekt_fail(&c, "threads %d: nested parallel_for", threads);
        ek_pool_destroy(pool);
    }
    return ekt_done(&c);
}

int ekt_run_all(int verbose) {
    int f = 0;
    f += ekt_dispatch(verbose);
    f += ekt_pool(verbose);
    f += ekt_crc32c(verbose);
    f += ekt_activations(verbose);
    f += ekt_train_batchnorm(verbose);
    f += ekt_train_activation(verbose);
    f += ekt_train_depthwise(verbose);
    f += ekt_col2im(verbose);
    f += ekt_softmax(verbose);
    f += ekt_pool2d(verbose);
    f += ekt_global_pool(verbose);
    f += ekt_im2col(verbose);
    f += ekt_depthwise(verbose);
    f += ekt_conv_small_cin(verbose);
    f += ekt_sgemm(verbose);
    f += ekt_sgemm_packed(verbose);
    f += ekt_sgemm_small_m(verbose);
    f += ekt_sgemm_threads(verbose);
    f += ekt_quantize(verbose);
    f += ekt_qelementwise(verbose);
    f += ekt_qgemm(verbose);
    f += ekt_qgemm_threads(verbose);
    f += ekt_qgemm_extreme(verbose);
    f += ekt_qconv(verbose);
    f += ekt_q4gemm(verbose);
    f += ekt_qembed(verbose);
    f += ekt_spgemm(verbose);
    if (verbose) printf("total: %d failures, %lld checks\n", f, (long long)ekt_checks_run());
    return f;
}

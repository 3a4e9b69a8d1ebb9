/*
 * sgemm.c — SGEMM driver shared by every ISA: packing, cache blocking, threading, public API.
 *
 * Goto/BLIS structure: for each NC-wide column block, for each KC-deep slice, B is packed into
 * 16-column panels (kc×16, zero padded), then for each MC-high row block A is packed into 6-row
 * panels (kc×6); the ISA micro-kernel (impl->mr × impl->nr register tile) multiplies panel
 * pairs and applies the fused epilogue (beta, bias, activation) while storing the tile.
 * Pre-packed operands (ek_sgemm_pack_a/_b) use the same panel layout over the whole K, so the
 * packed paths simply skip one packing step. See internal.h for the layout.
 *
 * Scratch: packing buffers live in a per-thread arena (thread-local pointer) of a fixed size
 * (max over the ISA tables of mc·kc + kc·nc floats, ≈2.2 MB), allocated on the first ek_sgemm
 * call made on that thread and freed when the thread exits; it is never re-allocated, so
 * steady-state calls do not allocate. ek_thread_scratch_reserve() does that allocation up front
 * (ek_pool_create calls it on every worker). If it fails, a slow unblocked loop runs instead.
 *
 * Skinny M (the im2col GEMMs of small CNNs: M = Cout <= 4·MC rows per thread) with B not transposed:
 * B is read in place (row stride ldb) instead of being packed — each B element is used by only M
 * rows, so the copy would cost about as much as the multiply; only a ragged right edge is packed.
 *
 * Small M (at most EK__SMALL_M rows: GEMV-like products, e.g. a recurrent cell's per-step hidden
 * product) goes to the ISA's small-M kernel, which reads B's panels (or B's rows) in place over
 * the whole K and keeps only m rows of accumulators, see gemm_small_m.
 *
 * Threading: the M×N output is cut into contiguous column ranges (multiples of the micro-tile
 * width) or row ranges (multiples of 12 rows) depending on shape; each thread packs what it needs.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* ---- per-thread packing arena --------------------------------------------------------------- */

static pthread_key_t g_arena_key;
static pthread_once_t g_arena_once = PTHREAD_ONCE_INIT;
static _Thread_local float *tl_arena;
static size_t g_arena_floats;

static void arena_free(void *p) { free(p); }

static size_t table_floats(const ek__isa_impl *t) { return (size_t)t->mc * t->kc + (size_t)t->kc * t->nc + 64; }

static void arena_init(void) {
    pthread_key_create(&g_arena_key, arena_free);
    size_t mx = table_floats(&ek__impl_scalar);
#if defined(__x86_64__)
    if (table_floats(&ek__impl_avx2) > mx) mx = table_floats(&ek__impl_avx2);
    if (table_floats(&ek__impl_avx512) > mx) mx = table_floats(&ek__impl_avx512);
#endif
#if defined(__aarch64__)
    if (table_floats(&ek__impl_neon) > mx) mx = table_floats(&ek__impl_neon);
#endif
    g_arena_floats = mx;
}

static float *thread_arena(void) {
    if (EK__LIKELY(tl_arena != NULL)) return tl_arena;
    pthread_once(&g_arena_once, arena_init);
    void *p = NULL;
    if (posix_memalign(&p, 64, g_arena_floats * sizeof(float)) != 0) return NULL;
    tl_arena = (float *)p;
    pthread_setspecific(g_arena_key, p);
    return tl_arena;
}

int ek_thread_scratch_reserve(void) { return thread_arena() ? 0 : -1; }

float *ek__thread_scratch(size_t *nfloats) {
    float *a = thread_arena();
    *nfloats = a ? g_arena_floats : 0;
    return a;
}

/* The same arena in bytes, for the quantized kernels' packing. */
void *ek__thread_scratch_bytes(size_t *bytes) {
    float *p = thread_arena();
    *bytes = p ? g_arena_floats * sizeof(float) : 0;
    return p;
}

/* ---- packing ----------------------------------------------------------------------------------- */

/* Rows [i0, i0+mc) × k [k0, k0+kc) of op(A) into 6-row panels, panel p at dst + p*ps. */
static void pack_a(int trans, const float *A, int64_t lda, int64_t i0, int64_t mc, int64_t k0, int64_t kc,
                   float *dst, int64_t ps) {
    for (int64_t p = 0; p * 6 < mc; p++) {
        float *d = dst + p * ps;
        const int64_t r0 = i0 + p * 6;
        const int rows = (int)(mc - p * 6 < 6 ? mc - p * 6 : 6);
        if (!trans) {
            if (rows == 6) {
                const float *s0 = A + r0 * lda + k0, *s1 = s0 + lda, *s2 = s1 + lda, *s3 = s2 + lda,
                            *s4 = s3 + lda, *s5 = s4 + lda;
                for (int64_t k = 0; k < kc; k++) {
                    d[0] = s0[k]; d[1] = s1[k]; d[2] = s2[k]; d[3] = s3[k]; d[4] = s4[k]; d[5] = s5[k];
                    d += 6;
                }
            } else {
                for (int64_t k = 0; k < kc; k++) {
                    for (int r = 0; r < rows; r++) d[k * 6 + r] = A[(r0 + r) * lda + k0 + k];
                    for (int r = rows; r < 6; r++) d[k * 6 + r] = 0.0f;
                }
            }
        } else {
            for (int64_t k = 0; k < kc; k++) {
                const float *s = A + (k0 + k) * lda + r0;
                int r = 0;
                for (; r < rows; r++) d[k * 6 + r] = s[r];
                for (; r < 6; r++) d[k * 6 + r] = 0.0f;
            }
        }
    }
}

/* k [k0, k0+kc) × columns [j0, j0+nc) of op(B) into 16-column panels, panel q at dst + q*ps. */
static void pack_b(int trans, const float *B, int64_t ldb, int64_t k0, int64_t kc, int64_t j0, int64_t nc,
                   float *dst, int64_t ps) {
    for (int64_t q = 0; q * 16 < nc; q++) {
        float *d = dst + q * ps;
        const int64_t c0 = j0 + q * 16;
        const int cols = (int)(nc - q * 16 < 16 ? nc - q * 16 : 16);
        if (!trans) {
            const float *s = B + k0 * ldb + c0;
            if (cols == 16) {
                for (int64_t k = 0; k < kc; k++, s += ldb, d += 16) memcpy(d, s, 16 * sizeof(float));
            } else {
                for (int64_t k = 0; k < kc; k++, s += ldb, d += 16) {
                    int j = 0;
                    for (; j < cols; j++) d[j] = s[j];
                    for (; j < 16; j++) d[j] = 0.0f;
                }
            }
        } else {
            /* op(B)(k, j) = B[j*ldb + k]: read 16 rows of B in parallel, write one k-row at a time */
            const float *s[16];
            for (int j = 0; j < 16; j++) s[j] = j < cols ? B + (c0 + j) * ldb + k0 : NULL;
            for (int64_t k = 0; k < kc; k++, d += 16) {
                int j = 0;
                for (; j < cols; j++) d[j] = s[j][k];
                for (; j < 16; j++) d[j] = 0.0f;
            }
        }
    }
}

/* B is read in place (not packed) when the rows handled by one thread span at most this many MC blocks. */
#ifndef EK__DIRECT_B_MC_BLOCKS
#define EK__DIRECT_B_MC_BLOCKS 4
#endif

/* Direct B with K slices up to this deep: loop row tiles outer (see gemm_block). */
#ifndef EK__ROWS_OUTER_MAX_K
#define EK__ROWS_OUTER_MAX_K 64
#endif

/* ---- driver ------------------------------------------------------------------------------------ */

typedef struct {
    const ek__isa_impl *impl;
    int64_t M, N, K;
    /* A: raw (trans_a, A, lda) or packed panels (pa) */
    int trans_a;
    const float *A;
    int64_t lda;
    const float *pa;
    /* B: raw or packed */
    int trans_b;
    const float *B;
    int64_t ldb;
    const float *pb;
    float beta;
    float *C;
    int64_t ldc;
    const float *bias;
    int bias_mode;
    ek_activation act;
    int split_n;      /* threading: 1 split columns, 0 split rows */
    int64_t unit;     /* columns / rows per work unit */
} gemm_args;

static void set_final_act(ek__epilogue *ep, ek_activation act) {
    ep->clamp = 0;
    ep->lo = -INFINITY;
    ep->hi = INFINITY;
    ep->act.kind = EK_ACT_NONE;
    ep->act.alpha = ep->act.beta = 0.0f;
    if (act.kind == EK_ACT_RELU) {
        ep->clamp = 1;
        ep->lo = 0.0f;
    } else if (act.kind == EK_ACT_CLIP) {
        ep->clamp = 1;
        ep->lo = act.alpha;
        ep->hi = act.beta;
    } else if (act.kind != EK_ACT_NONE) {
        ep->act = act;
    }
}

/* Unblocked fallback (arena allocation failed) and K == 0 path. */
static void gemm_naive(const gemm_args *g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    for (int64_t i = m0; i < m1; i++) {
        float *crow = g->C + i * g->ldc;
        for (int64_t j = n0; j < n1; j++) {
            float s = 0.0f;
            for (int64_t k = 0; k < g->K; k++) {
                float a, b;
                if (g->pa) a = g->pa[(i / 6) * g->K * 6 + k * 6 + i % 6];
                else a = g->trans_a ? g->A[k * g->lda + i] : g->A[i * g->lda + k];
                if (g->pb) b = g->pb[(j / 16) * g->K * 16 + k * 16 + j % 16];
                else b = g->trans_b ? g->B[j * g->ldb + k] : g->B[k * g->ldb + j];
                s += a * b;
            }
            if (g->beta != 0.0f) s += crow[j];
            if (g->bias_mode == EK_BIAS_PER_ROW && g->bias) s += g->bias[i];
            if (g->bias_mode == EK_BIAS_PER_COL && g->bias) s += g->bias[j];
            crow[j] = ek__act1_scalar(s, g->act);
        }
    }
}

/* Rows [m0, m1) (at most EK__SMALL_M) with the ISA's small-M kernel over the whole K: packed B and
 * plain B are read in place; only Bᵀ given in place is packed, one KC×NC block at a time. */
static void gemm_small_m(const gemm_args *g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    const ek__isa_impl *impl = g->impl;
    const int64_t K = g->K, ldc = g->ldc;
    const int m = (int)(m1 - m0);
    const float *a;
    int64_t a_rs, a_ks;
    if (g->pa) {
        a = g->pa + (m0 / 6) * K * 6 + m0 % 6;
        a_rs = 1;
        a_ks = 6;
    } else if (g->trans_a) {
        a = g->A + m0;
        a_rs = 1;
        a_ks = g->lda;
    } else {
        a = g->A + m0 * g->lda;
        a_rs = g->lda;
        a_ks = 1;
    }
    const float *bias_row = (g->bias && g->bias_mode == EK_BIAS_PER_ROW) ? g->bias + m0 : NULL;
    const float *bias_col = (g->bias && g->bias_mode == EK_BIAS_PER_COL) ? g->bias : NULL;
    ek__epilogue ep;
    if (g->pb || !g->trans_b) {
        set_final_act(&ep, g->act);
        ep.add_c = g->beta != 0.0f;
        ep.bias_row = bias_row;
        ep.bias_col = bias_col ? bias_col + n0 : NULL;
        if (g->pb)
            impl->smallm(K, a, a_rs, a_ks, g->pb + (n0 / 16) * K * 16, 16, K * 16, g->C + m0 * ldc + n0, ldc, m,
                         n1 - n0, &ep);
        else
            impl->smallm(K, a, a_rs, a_ks, g->B + n0, g->ldb, 16, g->C + m0 * ldc + n0, ldc, m, n1 - n0, &ep);
        return;
    }
    float *bufB = thread_arena();
    if (!bufB) {
        gemm_naive(g, m0, m1, n0, n1);
        return;
    }
    const int64_t KC = impl->kc, NC = impl->nc;
    for (int64_t jc = n0; jc < n1; jc += NC) {
        const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
        for (int64_t pc = 0; pc < K; pc += KC) {
            const int64_t kc = K - pc < KC ? K - pc : KC;
            pack_b(1, g->B, g->ldb, pc, kc, jc, nc, bufB, kc * 16);
            if (pc + kc >= K) set_final_act(&ep, g->act);
            else set_final_act(&ep, (ek_activation){EK_ACT_NONE, 0.0f, 0.0f});
            const int first = pc == 0;
            ep.add_c = first ? (g->beta != 0.0f) : 1;
            ep.bias_row = first ? bias_row : NULL;
            ep.bias_col = (first && bias_col) ? bias_col + jc : NULL;
            impl->smallm(kc, a + pc * a_ks, a_rs, a_ks, bufB, 16, kc * 16, g->C + m0 * ldc + jc, ldc, m, nc, &ep);
        }
    }
}

static void gemm_block(const gemm_args *g, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    if (m0 >= m1 || n0 >= n1) return;
    const ek__isa_impl *impl = g->impl;
    /* packed A: the rows must lie in one 6-row panel (always true for the 12-row thread units) */
    if (m1 - m0 <= EK__SMALL_M && (!g->pa || m0 % 6 + (m1 - m0) <= 6)) {
        gemm_small_m(g, m0, m1, n0, n1);
        return;
    }
    const int64_t K = g->K;
    float *arena = (g->pa && g->pb) ? NULL : thread_arena();
    if (!arena && !(g->pa && g->pb)) {
        gemm_naive(g, m0, m1, n0, n1);
        return;
    }
    const int64_t MR = impl->mr, NR = impl->nr, MC = impl->mc, KC = impl->kc, NC = impl->nc;
    float *bufA = arena;
    float *bufB = arena ? arena + MC * KC : NULL;
    const float *bias_row = (g->bias && g->bias_mode == EK_BIAS_PER_ROW) ? g->bias : NULL;
    const float *bias_col = (g->bias && g->bias_mode == EK_BIAS_PER_COL) ? g->bias : NULL;
    /* Skinny M (one MC block): each B element is used by few rows, so copying B into panels costs
     * about as much as the multiply. Read B in place (row stride ldb) instead; see EK__DIRECT_B. */
    const int direct_b = !g->pb && !g->trans_b && (m1 - m0) <= MC * EK__DIRECT_B_MC_BLOCKS;

    for (int64_t jc = n0; jc < n1; jc += NC) {
        const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
        for (int64_t pc = 0; pc < K; pc += KC) {
            const int64_t kc = K - pc < KC ? K - pc : KC;
            const float *bp;
            int64_t b_ps;
            if (g->pb) {
                bp = g->pb + (jc / 16) * K * 16 + pc * 16;
                b_ps = K * 16;
            } else if (direct_b) {
                bp = NULL; /* full micro-panels are read in place; only the ragged tail is packed */
                b_ps = 0;
                const int64_t tail = nc % NR;
                if (tail) pack_b(0, g->B, g->ldb, pc, kc, jc + nc - tail, tail, bufB, kc * 16);
            } else {
                pack_b(g->trans_b, g->B, g->ldb, pc, kc, jc, nc, bufB, kc * 16);
                bp = bufB;
                b_ps = kc * 16;
            }
            ek__epilogue ep;
            if (pc + kc >= K) set_final_act(&ep, g->act);
            else set_final_act(&ep, (ek_activation){EK_ACT_NONE, 0.0f, 0.0f});
            const int first = pc == 0;
            ep.add_c = first ? (g->beta != 0.0f) : 1;

            for (int64_t ic = m0; ic < m1; ic += MC) {
                const int64_t mc = m1 - ic < MC ? m1 - ic : MC;
                const float *ap;
                int64_t a_ps;
                if (g->pa) {
                    ap = g->pa + (ic / 6) * K * 6 + pc * 6;
                    a_ps = K * 6;
                } else {
                    pack_a(g->trans_a, g->A, g->lda, ic, mc, pc, kc, bufA, kc * 6);
                    ap = bufA;
                    a_ps = kc * 6;
                }
                /* Tile order: normally column strip outer (its B micro-panel stays in L1 across the row
                 * tiles); for small K with B read in place, row tile outer so C is written as MR
                 * sequential row streams instead of mc scattered ones (B's block stays in L2). */
                const int rows_outer = direct_b && kc <= EK__ROWS_OUTER_MAX_K;
                const int64_t ntj = (nc + NR - 1) / NR, nti = (mc + MR - 1) / MR;
                for (int64_t t = 0; t < ntj * nti; t++) {
                    const int64_t jr = (rows_outer ? t % ntj : t / nti) * NR;
                    const int64_t ir = (rows_outer ? t / ntj : t % nti) * MR;
                    const int n = (int)(nc - jr < NR ? nc - jr : NR);
                    const float *b;
                    int64_t b_rs = 16, b_ps_tile = b_ps;
                    if (!direct_b) {
                        b = bp + (jr / 16) * b_ps;
                    } else if (n == NR) {
                        b = g->B + pc * g->ldb + jc + jr;
                        b_rs = g->ldb;
                        b_ps_tile = 16;
                    } else {
                        b = bufB;
                        b_ps_tile = kc * 16;
                    }
                    ep.bias_col = (first && bias_col) ? bias_col + jc + jr : NULL;
                    const int m = (int)(mc - ir < MR ? mc - ir : MR);
                    ep.bias_row = (first && bias_row) ? bias_row + ic + ir : NULL;
                    if (m <= EK__SMALL_M && m < MR - 2)  /* ragged last rows (M = 49: one row of 12) */
                        impl->smallm(kc, ap + (ir / 6) * a_ps, 1, 6, b, b_rs, b_ps_tile,
                                     g->C + (ic + ir) * g->ldc + jc + jr, g->ldc, m, n, &ep);
                    else
                        impl->ukernel(kc, ap + (ir / 6) * a_ps, a_ps, b, b_rs, b_ps_tile,
                                      g->C + (ic + ir) * g->ldc + jc + jr, g->ldc, m, n, &ep);
                }
            }
        }
    }
}

static void gemm_task(void *ctx, int64_t begin, int64_t end) {
    const gemm_args *g = (const gemm_args *)ctx;
    if (g->split_n) {
        const int64_t n0 = begin * g->unit, n1 = end * g->unit < g->N ? end * g->unit : g->N;
        gemm_block(g, 0, g->M, n0, n1);
    } else {
        const int64_t m0 = begin * g->unit, m1 = end * g->unit < g->M ? end * g->unit : g->M;
        gemm_block(g, m0, m1, 0, g->N);
    }
}

static void gemm_run(gemm_args *g, ek_pool *pool) {
    if (g->M <= 0 || g->N <= 0) return;
    if (g->K <= 0) {
        gemm_naive(g, 0, g->M, 0, g->N);
        return;
    }
    int threads = ek_pool_threads(pool);
    if (ek__in_pool_worker()) threads = 1;
    const double flops = 2.0 * (double)g->M * (double)g->N * (double)g->K;
    if (flops < 4.0e5) threads = 1;
    if (threads <= 1) {
        gemm_block(g, 0, g->M, 0, g->N);
        return;
    }
    const int64_t unit_n = g->impl->nr;   /* multiple of 16: keeps packed-B panels whole */
    const int64_t unit_m = 12;            /* multiple of 6: keeps packed-A panels whole */
    const int64_t units_n = (g->N + unit_n - 1) / unit_n;
    const int64_t units_m = (g->M + unit_m - 1) / unit_m;
    if (units_n >= 2 * threads || units_n >= units_m) {
        g->split_n = 1;
        g->unit = unit_n;
        ek_pool_parallel_for(pool, units_n, gemm_task, g);
    } else {
        g->split_n = 0;
        g->unit = unit_m;
        ek_pool_parallel_for(pool, units_m, gemm_task, g);
    }
}

/* ---- public API ---------------------------------------------------------------------------------- */

void ek_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
              const float *B, int64_t ldb, float beta, float *C, int64_t ldc, const float *bias, int bias_mode,
              ek_activation act, ek_pool *pool) {
    gemm_args g = {0};
    g.impl = ek__impl();
    g.M = M; g.N = N; g.K = K;
    g.trans_a = trans_a; g.A = A; g.lda = lda;
    g.trans_b = trans_b; g.B = B; g.ldb = ldb;
    g.beta = beta; g.C = C; g.ldc = ldc;
    g.bias = bias; g.bias_mode = bias_mode; g.act = act;
    gemm_run(&g, pool);
}

size_t ek_sgemm_packed_b_size(int64_t K, int64_t N) {
    if (K <= 0 || N <= 0) return 64;
    return (size_t)((N + 15) / 16) * 16 * (size_t)K * sizeof(float);
}

void ek_sgemm_pack_b(int trans_b, int64_t K, int64_t N, const float *B, int64_t ldb, void *packed) {
    if (K <= 0 || N <= 0) return;
    pack_b(trans_b, B, ldb, 0, K, 0, N, (float *)packed, K * 16);
}

void ek_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const void *packed_b,
                       float beta, float *C, int64_t ldc, const float *bias, int bias_mode, ek_activation act,
                       ek_pool *pool) {
    gemm_args g = {0};
    g.impl = ek__impl();
    g.M = M; g.N = N; g.K = K;
    g.A = A; g.lda = lda;
    g.pb = (const float *)packed_b;
    g.beta = beta; g.C = C; g.ldc = ldc;
    g.bias = bias; g.bias_mode = bias_mode; g.act = act;
    gemm_run(&g, pool);
}

size_t ek_sgemm_packed_a_size(int64_t M, int64_t K) {
    if (K <= 0 || M <= 0) return 64;
    return (size_t)((M + 5) / 6) * 6 * (size_t)K * sizeof(float);
}

void ek_sgemm_pack_a(int trans_a, int64_t M, int64_t K, const float *A, int64_t lda, void *packed) {
    if (K <= 0 || M <= 0) return;
    pack_a(trans_a, A, lda, 0, M, 0, K, (float *)packed, K * 6);
}

void ek_sgemm_packed_a(int64_t M, int64_t N, int64_t K, const void *packed_a, const float *B, int64_t ldb,
                       float beta, float *C, int64_t ldc, const float *bias, int bias_mode, ek_activation act,
                       ek_pool *pool) {
    gemm_args g = {0};
    g.impl = ek__impl();
    g.M = M; g.N = N; g.K = K;
    g.pa = (const float *)packed_a;
    g.B = B; g.ldb = ldb;
    g.beta = beta; g.C = C; g.ldc = ldc;
    g.bias = bias; g.bias_mode = bias_mode; g.act = act;
    gemm_run(&g, pool);
}

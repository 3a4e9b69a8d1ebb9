/*
 * q4gemm.c — int4 weight-only GEMM (float32 activations × grouped symmetric int4 weights → float32)
 * for Gemm / MatMul / LLM-style projections, plus int4 / int8 embedding-row dequantization (Gather).
 *
 * Weights are packed once (layout in edge_qkernels.h: 16-column panels, per group of G rows a
 * 64-byte scale block then G × 8 bytes of nibbles). The micro-kernels unpack 16 nibbles per k row
 * into 16 floats (the integer values -8..7), accumulate x·q over the group in float, then add
 * group_sum · scale into the output tile: y[n] = Σ_g scale[g][n] · Σ_{k∈g} x[k]·q[k][n].
 * Same order in every ISA; vector paths use FMA (tolerance in the header). Bias, Relu/Clip fused,
 * other activations applied per row after the tile. Threads split the column panels (GEMV) or rows.
 */
#include "qinternal.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

static int64_t rup(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
static int64_t ngroups(int64_t K, int64_t G) { return (K + G - 1) / G; }
static int64_t group_bytes(int64_t G) { return 64 + 8 * G; }

static inline int nib(uint8_t b, int hi) {
    const int v = hi ? b >> 4 : b & 15;
    return (v ^ 8) - 8;
}

/* ---- scalar reference tile -------------------------------------------------------------------- */

void ek__q4kernel_scalar(int64_t K, int64_t G, const float *a, int64_t lda, const uint8_t *panel, float *c,
                         int64_t ldc, int m, int n, const float *bias, float lo, float hi) {
    const int64_t ng = ngroups(K, G);
    for (int i = 0; i < m; i++) {
        float y[16] = {0};
        const float *ar = a + i * lda;
        for (int64_t g = 0; g < ng; g++) {
            const float *s = (const float *)(const void *)(panel + g * group_bytes(G));
            const uint8_t *w = panel + g * group_bytes(G) + 64;
            const int64_t kend = K - g * G < G ? K - g * G : G;
            float gs[16] = {0};
            for (int64_t k = 0; k < kend; k++) {
                const float x = ar[g * G + k];
                for (int j = 0; j < 16; j++) gs[j] += x * (float)nib(w[k * 8 + j / 2], j & 1);
            }
            for (int j = 0; j < 16; j++) y[j] += gs[j] * s[j];
        }
        for (int j = 0; j < n; j++) {
            float v = y[j] + (bias ? bias[j] : 0.0f);
            v = v > lo ? v : lo;
            v = v < hi ? v : hi;
            c[i * ldc + j] = v;
        }
    }
}

/* ---- AVX-512: up to 8 rows × 16 columns, group accumulators in zmm ------------------------------ */
#if defined(__x86_64__)
EK__TARGET_AVX512 void ek__q4kernel_avx512(int64_t K, int64_t G, const float *a, int64_t lda, const uint8_t *panel,
                                           float *c, int64_t ldc, int m, int n, const float *bias, float lo,
                                           float hi) {
    const int64_t ng = ngroups(K, G);
    __m512 y[8], gs[8];
    for (int i = 0; i < 8; i++) y[i] = _mm512_setzero_ps();
    const __m128i m4 = _mm_set1_epi8(15), e8 = _mm_set1_epi8(8);
    for (int64_t g = 0; g < ng; g++) {
        const uint8_t *blk = panel + g * group_bytes(G);
        const uint8_t *w = blk + 64;
        const int64_t kend = K - g * G < G ? K - g * G : G;
        const float *ag = a + g * G;
        for (int i = 0; i < 8; i++) gs[i] = _mm512_setzero_ps();
        for (int64_t k = 0; k < kend; k++) {
            const __m128i b = _mm_loadl_epi64((const __m128i *)(w + k * 8));
            const __m128i lo4 = _mm_and_si128(b, m4), hi4 = _mm_and_si128(_mm_srli_epi16(b, 4), m4);
            const __m128i q = _mm_sub_epi8(_mm_xor_si128(_mm_unpacklo_epi8(lo4, hi4), e8), e8);
            const __m512 wf = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q));
#pragma GCC unroll 8
            for (int i = 0; i < 8; i++)
                if (i < m) gs[i] = _mm512_fmadd_ps(_mm512_set1_ps(ag[i * lda + k]), wf, gs[i]);
        }
        const __m512 s = _mm512_loadu_ps((const float *)(const void *)blk);
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++)
            if (i < m) y[i] = _mm512_fmadd_ps(gs[i], s, y[i]);
    }
    const __mmask16 mk = (__mmask16)((1u << n) - 1);
    const __m512 bv = bias ? _mm512_maskz_loadu_ps(mk, bias) : _mm512_setzero_ps();
    const __m512 lov = _mm512_set1_ps(lo), hiv = _mm512_set1_ps(hi);
    for (int i = 0; i < m; i++)
        _mm512_mask_storeu_ps(c + i * ldc, mk, _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(y[i], bv), lov), hiv));
}

/* ---- AVX2: up to 4 rows × 16 columns ------------------------------------------------------------- */
EK__TARGET_AVX2 void ek__q4kernel_avx2(int64_t K, int64_t G, const float *a, int64_t lda, const uint8_t *panel,
                                       float *c, int64_t ldc, int m, int n, const float *bias, float lo, float hi) {
    const int64_t ng = ngroups(K, G);
    __m256 y[4][2], gs[4][2];
    for (int i = 0; i < 4; i++) y[i][0] = y[i][1] = _mm256_setzero_ps();
    const __m128i m4 = _mm_set1_epi8(15), e8 = _mm_set1_epi8(8);
    for (int64_t g = 0; g < ng; g++) {
        const uint8_t *blk = panel + g * group_bytes(G);
        const uint8_t *w = blk + 64;
        const int64_t kend = K - g * G < G ? K - g * G : G;
        const float *ag = a + g * G;
        for (int i = 0; i < 4; i++) gs[i][0] = gs[i][1] = _mm256_setzero_ps();
        for (int64_t k = 0; k < kend; k++) {
            const __m128i b = _mm_loadl_epi64((const __m128i *)(w + k * 8));
            const __m128i lo4 = _mm_and_si128(b, m4), hi4 = _mm_and_si128(_mm_srli_epi16(b, 4), m4);
            const __m128i q = _mm_sub_epi8(_mm_xor_si128(_mm_unpacklo_epi8(lo4, hi4), e8), e8);
            const __m256 w0 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q));
            const __m256 w1 = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(q, 8)));
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++)
                if (i < m) {
                    const __m256 x = _mm256_set1_ps(ag[i * lda + k]);
                    gs[i][0] = _mm256_fmadd_ps(x, w0, gs[i][0]);
                    gs[i][1] = _mm256_fmadd_ps(x, w1, gs[i][1]);
                }
        }
        const __m256 s0 = _mm256_loadu_ps((const float *)(const void *)blk), s1 = _mm256_loadu_ps((const float *)(const void *)blk + 8);
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)
            if (i < m) {
                y[i][0] = _mm256_fmadd_ps(gs[i][0], s0, y[i][0]);
                y[i][1] = _mm256_fmadd_ps(gs[i][1], s1, y[i][1]);
            }
    }
    for (int i = 0; i < m; i++) {
        float t[16];
        _mm256_storeu_ps(t, y[i][0]);
        _mm256_storeu_ps(t + 8, y[i][1]);
        for (int j = 0; j < n; j++) {
            float v = t[j] + (bias ? bias[j] : 0.0f);
            v = v > lo ? v : lo;
            v = v < hi ? v : hi;
            c[i * ldc + j] = v;
        }
    }
}
#endif

/* ---- NEON: up to 4 rows × 16 columns ---------------------------------------------------------------- */
#if defined(__aarch64__)
void ek__q4kernel_neon(int64_t K, int64_t G, const float *a, int64_t lda, const uint8_t *panel, float *c, int64_t ldc,
                       int m, int n, const float *bias, float lo, float hi) {
    const int64_t ng = ngroups(K, G);
    float32x4_t y[4][4], gs[4][4];
    for (int i = 0; i < 4; i++)
        for (int t = 0; t < 4; t++) y[i][t] = vdupq_n_f32(0.0f);
    const uint8x8_t m4 = vdup_n_u8(15);
    const int8x16_t e8 = vdupq_n_s8(8);
    for (int64_t g = 0; g < ng; g++) {
        const uint8_t *blk = panel + g * group_bytes(G);
        const uint8_t *w = blk + 64;
        const int64_t kend = K - g * G < G ? K - g * G : G;
        const float *ag = a + g * G;
        for (int i = 0; i < 4; i++)
            for (int t = 0; t < 4; t++) gs[i][t] = vdupq_n_f32(0.0f);
        for (int64_t k = 0; k < kend; k++) {
            const uint8x8_t b = vld1_u8(w + k * 8);
            const uint8x8_t l = vand_u8(b, m4), h = vshr_n_u8(b, 4);
            const int8x16_t q = vsubq_s8(veorq_s8(vreinterpretq_s8_u8(vcombine_u8(vzip1_u8(l, h), vzip2_u8(l, h))), e8), e8);
            const int16x8_t q0 = vmovl_s8(vget_low_s8(q)), q1 = vmovl_high_s8(q);
            float32x4_t wf[4];
            wf[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(q0)));
            wf[1] = vcvtq_f32_s32(vmovl_high_s16(q0));
            wf[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(q1)));
            wf[3] = vcvtq_f32_s32(vmovl_high_s16(q1));
            for (int i = 0; i < 4; i++)
                if (i < m) {
                    const float x = ag[i * lda + k];
                    for (int t = 0; t < 4; t++) gs[i][t] = vfmaq_n_f32(gs[i][t], wf[t], x);
                }
        }
        for (int t = 0; t < 4; t++) {
            const float32x4_t s = vld1q_f32((const float *)(const void *)blk + 4 * t);
            for (int i = 0; i < 4; i++)
                if (i < m) y[i][t] = vfmaq_f32(y[i][t], gs[i][t], s);
        }
    }
    for (int i = 0; i < m; i++) {
        float tt[16];
        for (int t = 0; t < 4; t++) vst1q_f32(tt + 4 * t, y[i][t]);
        for (int j = 0; j < n; j++) {
            float v = tt[j] + (bias ? bias[j] : 0.0f);
            v = v > lo ? v : lo;
            v = v < hi ? v : hi;
            c[i * ldc + j] = v;
        }
    }
}
#endif

/* ---- packing ------------------------------------------------------------------------------------------ */

void ek_q4_quantize(int trans, int64_t K, int64_t N, int64_t G, const float *W, int64_t ldw, int8_t *q, int64_t ldq,
                    float *scales) {
    const int64_t ng = ngroups(K, G);
    for (int64_t n = 0; n < N; n++) {
        for (int64_t g = 0; g < ng; g++) {
            const int64_t k0 = g * G, k1 = k0 + G < K ? k0 + G : K;
            float mx = 0.0f;
            for (int64_t k = k0; k < k1; k++) {
                const float v = fabsf(trans ? W[n * ldw + k] : W[k * ldw + n]);
                mx = v > mx ? v : mx;
            }
            const float s = mx > 0.0f ? mx / 7.0f : 1.0f;
            scales[n * ng + g] = s;
            for (int64_t k = k0; k < k1; k++) {
                float f = rintf((trans ? W[n * ldw + k] : W[k * ldw + n]) / s);
                f = f < -8.0f ? -8.0f : (f > 7.0f ? 7.0f : f);
                if (trans) q[n * ldq + k] = (int8_t)f;
                else q[k * ldq + n] = (int8_t)f;
            }
        }
    }
}

size_t ek_q4gemm_packed_size(int64_t K, int64_t N, int64_t G) {
    if (K < 1) K = 1;
    if (N < 1) N = 1;
    if (G < 1) G = 1;
    return EK__QHDR + (size_t)(rup(N, 16) / 16) * (size_t)ngroups(K, G) * (size_t)group_bytes(G);
}

void ek_q4gemm_pack(int trans, int64_t K, int64_t N, int64_t G, const int8_t *q, int64_t ldq, const float *scales,
                    void *packed) {
    memset(packed, 0, ek_q4gemm_packed_size(K, N, G));
    ek__qhdr h = {EK__QMAGIC, EK__QKIND_Q4, K, N, G};
    memcpy(packed, &h, sizeof h);
    if (K < 1 || N < 1 || G < 1) return;
    const int64_t ng = ngroups(K, G), pbytes = ng * group_bytes(G);
    uint8_t *base = (uint8_t *)packed + EK__QHDR;
    for (int64_t n = 0; n < N; n++) {
        uint8_t *panel = base + (n / 16) * pbytes;
        const int j = (int)(n % 16);
        for (int64_t g = 0; g < ng; g++) {
            uint8_t *blk = panel + g * group_bytes(G);
            memcpy(blk + 4 * j, &scales[n * ng + g], 4);
            const int64_t k0 = g * G, k1 = k0 + G < K ? k0 + G : K;
            for (int64_t k = k0; k < k1; k++) {
                const int v = (trans ? q[n * ldq + k] : q[k * ldq + n]) & 15;
                blk[64 + (k - k0) * 8 + j / 2] |= (uint8_t)(j & 1 ? v << 4 : v);
            }
        }
    }
}

/* ---- driver -------------------------------------------------------------------------------------------- */

typedef struct {
    const ek__qimpl *qi;
    const ek__isa_impl *fi;
    int64_t M, N, K, G;
    const float *A;
    int64_t lda;
    const uint8_t *panels;
    int64_t pbytes;
    float *C;
    int64_t ldc;
    const float *bias;
    ek_activation act;
    float lo, hi;
    int post;
    int split_n;
} q4_args;

static void q4_block(const q4_args *a, int64_t m0, int64_t m1, int64_t p0, int64_t p1) {
    const int MR = a->qi->q4_mr;
    for (int64_t p = p0; p < p1; p++) {
        const int64_t n0 = p * 16;
        const int n = (int)(a->N - n0 < 16 ? a->N - n0 : 16);
        for (int64_t i = m0; i < m1; i += MR) {
            const int m = (int)(m1 - i < MR ? m1 - i : MR);
            float *c = a->C + i * a->ldc + n0;
            a->qi->q4kernel(a->K, a->G, a->A + i * a->lda, a->lda, a->panels + p * a->pbytes, c, a->ldc, m, n,
                            a->bias ? a->bias + n0 : NULL, a->lo, a->hi);
            if (a->post)
                for (int r = 0; r < m; r++) a->fi->act(c + r * a->ldc, c + r * a->ldc, (size_t)n, a->act);
        }
    }
}

static void q4_task(void *ctx, int64_t b, int64_t e) {
    const q4_args *a = (const q4_args *)ctx;
    if (a->split_n) q4_block(a, 0, a->M, b, e);
    else q4_block(a, b * 8, e * 8 < a->M ? e * 8 : a->M, 0, (a->N + 15) / 16);
}

int ek_q4gemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const void *packed, float *C, int64_t ldc,
              const float *bias, ek_activation act, ek_pool *pool) {
    ek__qhdr h;
    memcpy(&h, packed, sizeof h);
    if (h.magic != EK__QMAGIC || h.kind != EK__QKIND_Q4 || h.d0 != K || h.d1 != N || M < 0 || h.d2 < 1) return -1;
    if (M == 0 || N == 0) return 0;
    q4_args a;
    memset(&a, 0, sizeof a);
    a.qi = ek__qimpl_active();
    a.fi = ek__impl();
    a.M = M; a.N = N; a.K = K; a.G = h.d2;
    a.A = A; a.lda = lda;
    a.panels = (const uint8_t *)packed + EK__QHDR;
    a.pbytes = ngroups(K > 0 ? K : 1, a.G) * group_bytes(a.G);
    a.C = C; a.ldc = ldc; a.bias = bias; a.act = act;
    ek__qepi e;
    ek__qepi_set_f32_act(&e, act);
    a.lo = e.lo;
    a.hi = e.hi;
    a.post = ek__q_act_post(act);
    if (K == 0) { /* no groups to read: y = act(bias) */
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                float v = bias ? bias[j] : 0.0f;
                v = v > a.lo ? v : a.lo;
                C[i * ldc + j] = v < a.hi ? v : a.hi;
            }
        if (a.post)
            for (int64_t i = 0; i < M; i++) a.fi->act(C + i * ldc, C + i * ldc, (size_t)N, act);
        return 0;
    }
    int threads = ek_pool_threads(pool);
    if (ek__in_pool_worker() || 2.0 * (double)M * (double)N * (double)K < 2.0e5) threads = 1;
    const int64_t panels = (N + 15) / 16, rowu = (M + 7) / 8;
    if (threads <= 1) {
        q4_block(&a, 0, M, 0, panels);
    } else if (panels >= 2 * threads || panels >= rowu) {
        a.split_n = 1;
        ek_pool_parallel_for(pool, panels, q4_task, &a);
    } else {
        ek_pool_parallel_for(pool, rowu, q4_task, &a);
    }
    return 0;
}

/* ---- embedding rows ------------------------------------------------------------------------------------- */

static size_t q4_row_bytes(int64_t D, int64_t G) { return (size_t)(4 * ngroups(D, G) + rup((D + 1) / 2, 4)); }

size_t ek_q4_rows_size(int64_t rows, int64_t D, int64_t G) {
    if (rows < 1 || D < 1 || G < 1) return 64;
    return (size_t)rows * q4_row_bytes(D, G);
}

void ek_q4_rows_pack(int64_t rows, int64_t D, int64_t G, const float *table, void *packed) {
    if (rows < 1 || D < 1 || G < 1) return;
    const size_t rb = q4_row_bytes(D, G);
    const int64_t ng = ngroups(D, G);
    memset(packed, 0, (size_t)rows * rb);
    for (int64_t r = 0; r < rows; r++) {
        uint8_t *row = (uint8_t *)packed + (size_t)r * rb;
        uint8_t *nb = row + 4 * ng;
        const float *x = table + r * D;
        for (int64_t g = 0; g < ng; g++) {
            const int64_t d0 = g * G, d1 = d0 + G < D ? d0 + G : D;
            float mx = 0.0f;
            for (int64_t d = d0; d < d1; d++) mx = fabsf(x[d]) > mx ? fabsf(x[d]) : mx;
            const float s = mx > 0.0f ? mx / 7.0f : 1.0f;
            memcpy(row + 4 * g, &s, 4);
            for (int64_t d = d0; d < d1; d++) {
                float f = rintf(x[d] / s);
                f = f < -8.0f ? -8.0f : (f > 7.0f ? 7.0f : f);
                const int v = (int)f & 15;
                nb[d / 2] |= (uint8_t)(d & 1 ? v << 4 : v);
            }
        }
    }
}

int ek_q4_rows_dequant(const void *packed, int64_t rows, int64_t D, int64_t G, const int64_t *indices, int64_t n,
                       float *out) {
    if (D < 1 || G < 1) return -1;
    for (int64_t i = 0; i < n; i++)
        if (indices[i] < 0 || indices[i] >= rows) return -1;
    const size_t rb = q4_row_bytes(D, G);
    const int64_t ng = ngroups(D, G);
    for (int64_t i = 0; i < n; i++) {
        const uint8_t *row = (const uint8_t *)packed + (size_t)indices[i] * rb;
        const uint8_t *nb = row + 4 * ng;
        float *o = out + i * D;
        for (int64_t g = 0; g < ng; g++) {
            float s;
            memcpy(&s, row + 4 * g, 4);
            const int64_t d0 = g * G, d1 = d0 + G < D ? d0 + G : D;
            for (int64_t d = d0; d < d1; d++) o[d] = (float)nib(nb[d / 2], (int)(d & 1)) * s;
        }
    }
    return 0;
}

static size_t q8_row_bytes(int64_t D) { return (size_t)(4 + rup(D, 4)); }

size_t ek_q8_rows_size(int64_t rows, int64_t D) {
    if (rows < 1 || D < 1) return 64;
    return (size_t)rows * q8_row_bytes(D);
}

void ek_q8_rows_pack(int64_t rows, int64_t D, const float *table, void *packed) {
    if (rows < 1 || D < 1) return;
    const size_t rb = q8_row_bytes(D);
    memset(packed, 0, (size_t)rows * rb);
    for (int64_t r = 0; r < rows; r++) {
        uint8_t *row = (uint8_t *)packed + (size_t)r * rb;
        const float *x = table + r * D;
        float mx = 0.0f;
        for (int64_t d = 0; d < D; d++) mx = fabsf(x[d]) > mx ? fabsf(x[d]) : mx;
        const float s = mx > 0.0f ? mx / 127.0f : 1.0f;
        memcpy(row, &s, 4);
        for (int64_t d = 0; d < D; d++) {
            float f = rintf(x[d] / s);
            f = f < -127.0f ? -127.0f : (f > 127.0f ? 127.0f : f);
            row[4 + d] = (uint8_t)(int8_t)f;
        }
    }
}

int ek_q8_rows_dequant(const void *packed, int64_t rows, int64_t D, const int64_t *indices, int64_t n, float *out) {
    if (D < 1) return -1;
    for (int64_t i = 0; i < n; i++)
        if (indices[i] < 0 || indices[i] >= rows) return -1;
    const size_t rb = q8_row_bytes(D);
    for (int64_t i = 0; i < n; i++) {
        const uint8_t *row = (const uint8_t *)packed + (size_t)indices[i] * rb;
        float s;
        memcpy(&s, row, 4);
        const int8_t *q = (const int8_t *)(row + 4);
        float *o = out + i * D;
        for (int64_t d = 0; d < D; d++) o[d] = (float)q[d] * s;
    }
    return 0;
}

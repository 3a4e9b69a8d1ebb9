/*
 * qgemm.c — int8 GEMM (u8 activations × s8 weights → int32 → u8 / f32): quantized dispatch table,
 * weight packing, run-time activation packing, blocking, threading, the scalar reference kernel
 * and epilogue (the specification every ISA must match bit for bit), quantization helpers.
 *
 * Two orientations share one micro-kernel contract (qinternal.h):
 *   ek_qgemm_packed_a (conv, NCHW): weights are the 4-row "broadcast" panels (packed once), the
 *     u8 im2col matrix is interleaved at run time into 16-column "vector" panels [g][16][4].
 *   ek_qgemm_packed_b (Gemm): weights are the 16-column vector panels (packed once), the u8
 *     activation rows are interleaved at run time into 4-row broadcast panels [g][4][4].
 * Run-time packing goes into the calling thread's arena (ek__thread_scratch, shared with sgemm),
 * so steady-state calls do not allocate. K is not blocked: a micro-tile accumulates over all of K
 * in registers (exact int32), then the epilogue requantizes the tile row by row.
 */
#include "qinternal.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <emmintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

/* ---- dispatch ------------------------------------------------------------------------------------ */

static const ek__qimpl g_q_scalar = {
    "scalar", EK_ISA_SCALAR, 4, 16, 0, ek__qkernel_scalar, ek__qepi_scalar,
    4, ek__q4kernel_scalar, 32, ek__spkernel_scalar, ek__quant_scalar, NULL, NULL,
};
#if defined(__x86_64__)
static const ek__qimpl g_q_avx2 = {
    "avx2-pmaddwd", EK_ISA_AVX2, 4, 16, 0, ek__qkernel_avx2, ek__qepi_avx2,
    4, ek__q4kernel_avx2, 32, ek__spkernel_avx2, ek__quant_avx2, NULL, ek__qkernel_epi_avx2,
};
static const ek__qimpl g_q_avx512_novnni = {
    "avx512-pmaddwd", EK_ISA_AVX512, 4, 16, 0, ek__qkernel_avx2, ek__qepi_avx512,
    8, ek__q4kernel_avx512, 64, ek__spkernel_avx512, ek__quant_avx512, NULL, ek__qkernel_epi_avx2,
};
static const ek__qimpl g_q_avx512_vnni = {
    "avx512-vnni", EK_ISA_AVX512, 12, 32, 0, ek__qkernel_avx512vnni, ek__qepi_avx512,
    8, ek__q4kernel_avx512, 64, ek__spkernel_avx512, ek__quant_avx512, ek__qdw3_row_vnni,
    ek__qkernel_epi_avx512vnni,
};
#endif
#if defined(__aarch64__)
static const ek__qimpl g_q_neon = {
    "neon-smull", EK_ISA_NEON, 4, 16, 1, ek__qkernel_neon, ek__qepi_neon,
    4, ek__q4kernel_neon, 32, ek__spkernel_neon, ek__quant_neon, NULL, NULL,
};
static const ek__qimpl g_q_neon_dot = {
    "neon-sdot", EK_ISA_NEON, 4, 16, 1, ek__qkernel_neon_dot, ek__qepi_neon,
    4, ek__q4kernel_neon, 32, ek__spkernel_neon, ek__quant_neon, ek__qdw3_row_neon_dot, NULL,
};
#endif

static pthread_once_t g_qonce = PTHREAD_ONCE_INIT;
static int g_cpu_dot;
static int g_dot_enabled; /* __atomic */

static void qdetect(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (ek_detected_isa() == EK_ISA_AVX512 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) g_cpu_dot = (c >> 11) & 1;
#elif defined(__aarch64__) && defined(__linux__)
    g_cpu_dot = ek_detected_isa() == EK_ISA_NEON && (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
    __atomic_store_n(&g_dot_enabled, g_cpu_dot, __ATOMIC_RELEASE);
}

int ek_q_cpu_has_dot(void) {
    pthread_once(&g_qonce, qdetect);
    return g_cpu_dot;
}

int ek_q_set_dot(int enable) {
    pthread_once(&g_qonce, qdetect);
    return __atomic_exchange_n(&g_dot_enabled, enable && g_cpu_dot, __ATOMIC_ACQ_REL);
}

const ek__qimpl *ek__qimpl_active(void) {
    pthread_once(&g_qonce, qdetect);
    const int dot = __atomic_load_n(&g_dot_enabled, __ATOMIC_ACQUIRE);
    switch (ek_active_isa()) {
#if defined(__x86_64__)
    case EK_ISA_AVX2: return &g_q_avx2;
    case EK_ISA_AVX512: return dot ? &g_q_avx512_vnni : &g_q_avx512_novnni;
#endif
#if defined(__aarch64__)
    case EK_ISA_NEON: return dot ? &g_q_neon_dot : &g_q_neon;
#endif
    default: return &g_q_scalar;
    }
}

const char *ek_q_kernel_name(void) { return ek__qimpl_active()->name; }

/* ---- scalar reference: micro-kernel and epilogue (the spec) -------------------------------------- */

void ek__qkernel_scalar(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                        int32_t *acc, int m, int n, int bcast_signed) {
    for (int i = 0; i < m; i++) {
        const uint8_t *b = bc + (i / 4) * bc_ps + (i % 4) * 4;
        for (int j = 0; j < n; j++) {
            const uint8_t *v = vec + (j / 16) * vec_ps + (j % 16) * 4;
            int32_t s = 0;
            for (int64_t g = 0; g < kg; g++) {
                for (int kk = 0; kk < 4; kk++) {
                    const int32_t x = bcast_signed ? (int32_t)(int8_t)b[g * 16 + kk] : (int32_t)b[g * 16 + kk];
                    const int32_t y = bcast_signed ? (int32_t)v[g * 64 + kk] : (int32_t)(int8_t)v[g * 64 + kk];
                    s += x * y;
                }
            }
            acc[i * EK__QACC_LD + j] = s;
        }
    }
}

void ek__qepi_scalar(const int32_t *acc, int64_t n, const ek__qepi *e, void *out) {
    for (int64_t j = 0; j < n; j++) {
        const int64_t c = e->per_col ? j : 0;
        int32_t v = ek__q_wrap_add(acc[j], -ek__q_wrap_mul(e->zeff, e->wsum[c]));
        if (e->bias_i) v = ek__q_wrap_add(v, e->bias_i[c]);
        const float m = e->mult[c] * e->scale;
        if (e->out_f32) {
            float y = e->bias_f ? fmaf((float)v, m, e->bias_f[c]) : (float)v * m;
            if (e->clamp_f32) {
                y = y > e->lo ? y : e->lo;
                y = y < e->hi ? y : e->hi;
            }
            ((float *)out)[j] = y;
        } else {
            float f = (float)v * m;
            f = f > e->lo ? f : e->lo;
            f = f < e->hi ? f : e->hi;
            ((uint8_t *)out)[j] = (uint8_t)((int32_t)lrintf(f) + e->zo);
        }
    }
}

void ek__qepi_set_f32_act(ek__qepi *e, ek_activation act) {
    e->clamp_f32 = 0;
    e->lo = -INFINITY;
    e->hi = INFINITY;
    if (act.kind == EK_ACT_RELU) {
        e->clamp_f32 = 1;
        e->lo = 0.0f;
    } else if (act.kind == EK_ACT_CLIP) {
        e->clamp_f32 = 1;
        e->lo = act.alpha;
        e->hi = act.beta;
    }
}

int ek__q_act_post(ek_activation act) {
    return act.kind != EK_ACT_NONE && act.kind != EK_ACT_RELU && act.kind != EK_ACT_CLIP;
}

/* ---- quantization helpers -------------------------------------------------------------------------- */

void ek__quant_scalar(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp) {
    const float lo = (float)(0 - zp), hi = (float)(255 - zp);
    for (size_t i = 0; i < n; i++) {
        float f = x[i] * inv_scale;
        f = f > lo ? f : lo;   /* NaN → lo */
        f = f < hi ? f : hi;
        q[i] = (uint8_t)((int32_t)lrintf(f) + zp);
    }
}

void ek_q_choose_params_u8(float mn, float mx, float *scale, int32_t *zero_point) {
    if (!(mn < 0.0f)) mn = 0.0f;
    if (!(mx > 0.0f)) mx = 0.0f;
    float s = (mx - mn) / 255.0f;
    if (!(s > 0.0f) || !isfinite(s)) s = 1.0f;
    float z = rintf(-mn / s);
    if (z < 0.0f) z = 0.0f;
    if (z > 255.0f) z = 255.0f;
    *scale = s;
    *zero_point = (int32_t)z;
}

void ek_quantize_u8(const float *x, uint8_t *q, size_t n, float scale, int32_t zero_point) {
    ek__qimpl_active()->quant(x, q, n, 1.0f / scale, zero_point);
}

void ek_quantize_u8_dynamic(const float *x, int64_t rows, int64_t cols, int64_t ld, uint8_t *q, int64_t ldq,
                            float *scale, int32_t *zero_point) {
    float mn = 0.0f, mx = 0.0f;
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * ld;
        float a = mn, b = mx;
        for (int64_t c = 0; c < cols; c++) {
            a = xr[c] < a ? xr[c] : a;
            b = xr[c] > b ? xr[c] : b;
        }
        mn = a;
        mx = b;
    }
    ek_q_choose_params_u8(mn, mx, scale, zero_point);
    const ek__qimpl *qi = ek__qimpl_active();
    const float inv = 1.0f / *scale;
    if (ld == cols && ldq == cols) qi->quant(x, q, (size_t)(rows * cols), inv, *zero_point);
    else
        for (int64_t r = 0; r < rows; r++) qi->quant(x + r * ld, q + r * ldq, (size_t)cols, inv, *zero_point);
}

void ek_quantize_s8_per_row(const float *w, int64_t rows, int64_t cols, int64_t ld, int8_t *q, float *scales) {
    for (int64_t r = 0; r < rows; r++) {
        const float *wr = w + r * ld;
        float mx = 0.0f;
        for (int64_t c = 0; c < cols; c++) mx = fabsf(wr[c]) > mx ? fabsf(wr[c]) : mx;
        const float s = mx > 0.0f ? mx / 127.0f : 1.0f;
        scales[r] = s;
        for (int64_t c = 0; c < cols; c++) {
            float f = rintf(wr[c] / s);
            f = f < -127.0f ? -127.0f : (f > 127.0f ? 127.0f : f);
            q[r * cols + c] = (int8_t)f;
        }
    }
}

static int32_t clamp_u8i(float f) {
    if (!(f > 0.0f)) return 0;
    if (f > 255.0f) return 255;
    return (int32_t)f;
}

int ek_q_act_bounds(ek_activation act, float so, int32_t zo, int32_t *qmin, int32_t *qmax) {
    *qmin = 0;
    *qmax = 255;
    switch (act.kind) {
    case EK_ACT_NONE: return 0;
    case EK_ACT_RELU: *qmin = zo < 0 ? 0 : (zo > 255 ? 255 : zo); return 0;
    case EK_ACT_CLIP:
        *qmin = clamp_u8i(rintf(act.alpha / so) + (float)zo);
        *qmax = clamp_u8i(rintf(act.beta / so) + (float)zo);
        if (*qmax < *qmin) *qmax = *qmin;
        return 0;
    default: return -1;
    }
}

/* ---- weight packing ----------------------------------------------------------------------------------- */

static int64_t rup(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

static size_t wsum_bytes(int64_t ch) { return (size_t)rup(ch, 16) * 4; }

size_t ek_qgemm_packed_a_size(int64_t M, int64_t K) {
    if (M < 1) M = 1;
    if (K < 1) K = 1;
    return EK__QHDR + wsum_bytes(M) + (size_t)rup(M, 4) * (size_t)rup(K, 4);
}

size_t ek_qgemm_packed_b_size(int64_t K, int64_t N) {
    if (N < 1) N = 1;
    if (K < 1) K = 1;
    return EK__QHDR + wsum_bytes(N) + (size_t)rup(N, 16) * (size_t)rup(K, 4);
}

static void set_hdr(void *packed, uint32_t kind, int64_t d0, int64_t d1, int64_t d2) {
    memset(packed, 0, EK__QHDR);
    ek__qhdr h = {EK__QMAGIC, kind, d0, d1, d2};
    memcpy(packed, &h, sizeof h);
}

static int check_hdr(const void *packed, uint32_t kind, int64_t d0, int64_t d1, int64_t d2) {
    ek__qhdr h;
    memcpy(&h, packed, sizeof h);
    return h.magic == EK__QMAGIC && h.kind == kind && h.d0 == d0 && h.d1 == d1 && h.d2 == d2;
}

void ek_qgemm_pack_a(int trans_a, int64_t M, int64_t K, const int8_t *A, int64_t lda, void *packed) {
    memset(packed, 0, ek_qgemm_packed_a_size(M, K));
    set_hdr(packed, EK__QKIND_A, M, K, 0);
    if (M < 1 || K < 1) return;
    int32_t *wsum = (int32_t *)((uint8_t *)packed + EK__QHDR);
    uint8_t *p = (uint8_t *)packed + EK__QHDR + wsum_bytes(M);
    const int64_t Kp = rup(K, 4);
    for (int64_t i = 0; i < M; i++) {
        int32_t s = 0;
        uint8_t *d = p + (i / 4) * Kp * 4 + (i % 4) * 4;
        for (int64_t k = 0; k < K; k++) {
            const int8_t w = trans_a ? A[k * lda + i] : A[i * lda + k];
            s += w;
            d[(k / 4) * 16 + k % 4] = (uint8_t)w;
        }
        wsum[i] = s;
    }
}

void ek_qgemm_pack_b(int trans_b, int64_t K, int64_t N, const int8_t *B, int64_t ldb, void *packed) {
    memset(packed, 0, ek_qgemm_packed_b_size(K, N));
    set_hdr(packed, EK__QKIND_B, K, N, 0);
    if (N < 1 || K < 1) return;
    int32_t *wsum = (int32_t *)((uint8_t *)packed + EK__QHDR);
    uint8_t *p = (uint8_t *)packed + EK__QHDR + wsum_bytes(N);
    const int64_t Kp = rup(K, 4);
    for (int64_t j = 0; j < N; j++) {
        int32_t s = 0;
        uint8_t *d = p + (j / 16) * Kp * 16 + (j % 16) * 4;
        for (int64_t k = 0; k < K; k++) {
            const int8_t w = trans_b ? B[j * ldb + k] : B[k * ldb + j];
            s += w;
            d[(k / 4) * 64 + k % 4] = (uint8_t)w;
        }
        wsum[j] = s;
    }
}

/* ---- run-time activation packing ---------------------------------------------------------------------- */

/* Columns [c0, c0+nc) of u8 B[K, ·] into 16-column vector panels (panel stride Kp*16), x = xor mask. */
static void pack_vec_u8(const uint8_t *B, int64_t ldb, int64_t K, int64_t c0, int64_t nc, uint8_t *dst, uint8_t x) {
    const int64_t Kp = rup(K, 4), kfull = K / 4;
    for (int64_t q = 0; q * 16 < nc; q++) {
        uint8_t *d = dst + q * Kp * 16;
        const int64_t cq = c0 + q * 16;
        const int cols = (int)(nc - q * 16 < 16 ? nc - q * 16 : 16);
        int64_t g = 0;
        if (cols == 16) {
            for (; g < kfull; g++, d += 64) {
                const uint8_t *r0 = B + (4 * g) * ldb + cq;
#if defined(__x86_64__)
                const __m128i xm = _mm_set1_epi8((char)x);
                const __m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)r0), xm);
                const __m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r0 + ldb)), xm);
                const __m128i c = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r0 + 2 * ldb)), xm);
                const __m128i e = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(r0 + 3 * ldb)), xm);
                const __m128i ab0 = _mm_unpacklo_epi8(a, b), ab1 = _mm_unpackhi_epi8(a, b);
                const __m128i ce0 = _mm_unpacklo_epi8(c, e), ce1 = _mm_unpackhi_epi8(c, e);
                _mm_storeu_si128((__m128i *)d, _mm_unpacklo_epi16(ab0, ce0));
                _mm_storeu_si128((__m128i *)(d + 16), _mm_unpackhi_epi16(ab0, ce0));
                _mm_storeu_si128((__m128i *)(d + 32), _mm_unpacklo_epi16(ab1, ce1));
                _mm_storeu_si128((__m128i *)(d + 48), _mm_unpackhi_epi16(ab1, ce1));
#elif defined(__aarch64__)
                const uint8x16_t xm = vdupq_n_u8(x);
                uint8x16x4_t t;
                t.val[0] = veorq_u8(vld1q_u8(r0), xm);
                t.val[1] = veorq_u8(vld1q_u8(r0 + ldb), xm);
                t.val[2] = veorq_u8(vld1q_u8(r0 + 2 * ldb), xm);
                t.val[3] = veorq_u8(vld1q_u8(r0 + 3 * ldb), xm);
                vst4q_u8(d, t);
#else
                for (int j = 0; j < 16; j++)
                    for (int kk = 0; kk < 4; kk++) d[j * 4 + kk] = B[(4 * g + kk) * ldb + cq + j] ^ x;
#endif
            }
        }
        for (; g * 4 < K; g++, d += 64) {
            for (int j = 0; j < 16; j++)
                for (int kk = 0; kk < 4; kk++) {
                    const int64_t k = 4 * g + kk;
                    d[j * 4 + kk] = (j < cols && k < K) ? (uint8_t)(B[k * ldb + cq + j] ^ x) : 0;
                }
        }
    }
}

/* Rows [r0, r0+nr) of u8 A[·, K] into 4-row broadcast panels (panel stride Kp*4). */
static void pack_bc_u8(const uint8_t *A, int64_t lda, int64_t K, int64_t r0, int64_t nr, uint8_t *dst, uint8_t x) {
    const int64_t Kp = rup(K, 4), kfull = K / 4;
    for (int64_t p = 0; p * 4 < nr; p++) {
        uint8_t *d = dst + p * Kp * 4;
        const int rows = (int)(nr - p * 4 < 4 ? nr - p * 4 : 4);
        for (int r = 0; r < 4; r++) {
            uint8_t *dr = d + r * 4;
            if (r >= rows) {
                for (int64_t g = 0; g < Kp / 4; g++) memset(dr + g * 16, 0, 4);
                continue;
            }
            const uint8_t *s = A + (r0 + p * 4 + r) * lda;
            int64_t g = 0;
            for (; g < kfull; g++) {
                uint32_t w;
                memcpy(&w, s + 4 * g, 4);
                w ^= 0x01010101u * x;
                memcpy(dr + g * 16, &w, 4);
            }
            if (g * 4 < K) {
                for (int kk = 0; kk < 4; kk++) dr[g * 16 + kk] = 4 * g + kk < K ? (uint8_t)(s[4 * g + kk] ^ x) : 0;
            }
        }
    }
}

/* ---- driver --------------------------------------------------------------------------------------------- */

typedef struct {
    const ek__qimpl *qi;
    const ek__isa_impl *fi;
    int conv;                  /* 1: packed_a orientation, 0: packed_b */
    int64_t M, N, K, Kp;
    const uint8_t *wpanels;    /* packed weight panels */
    const int32_t *wsum;
    const uint8_t *X;          /* run-time u8 operand: B[K, N] (conv) or A[M, K] (gemm) */
    int64_t ldx;
    uint8_t *C;                /* u8 or float, as bytes */
    int64_t ldc;
    int out_f32;
    const ek_qoutput *q;
    ek__qepi ep;               /* template: pointers at channel 0 */
    int post_act;
    int split_n;
    int64_t unit;
} qgemm_args;

/* Fused kernel + epilogue on one tile (rows row0.., columns col0..). */
static void tile_fused(const qgemm_args *a, int64_t kg, const uint8_t *bc, const uint8_t *vec, int64_t row0,
                       int64_t col0, int m, int n, int bs) {
    ek__qepi e = a->ep;
    const int64_t ch = a->conv ? row0 : col0;
    e.wsum += ch;
    e.mult += ch;
    if (e.bias_i) e.bias_i += ch;
    if (e.bias_f) e.bias_f += ch;
    const size_t esz = a->out_f32 ? 4 : 1;
    uint8_t *out = a->C + (row0 * a->ldc + col0) * esz;
    a->qi->kernel_epi(kg, bc, a->Kp * 4, vec, a->Kp * 16, m, n, bs, &e, out, a->ldc);
    if (a->post_act)
        for (int i = 0; i < m; i++) a->fi->act((float *)out + i * a->ldc, (float *)out + i * a->ldc, (size_t)n, a->q->act);
}

static void store_rows(const qgemm_args *a, const int32_t *acc, int64_t row0, int64_t col0, int m, int n) {
    const size_t esz = a->out_f32 ? 4 : 1;
    for (int i = 0; i < m; i++) {
        ek__qepi e = a->ep;
        const int64_t ch = a->conv ? row0 + i : col0;
        e.wsum += ch;
        e.mult += ch;
        if (e.bias_i) e.bias_i += ch;
        if (e.bias_f) e.bias_f += ch;
        uint8_t *out = a->C + ((row0 + i) * a->ldc + col0) * esz;
        a->qi->epi(acc + i * EK__QACC_LD, n, &e, out);
        if (a->post_act) a->fi->act((float *)out, (float *)out, (size_t)n, a->q->act);
    }
}

/* Slow path when the thread arena is unavailable: scalar, straight from the packed weights. */
static void qgemm_naive(const qgemm_args *a, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    int32_t acc[EK__QACC_LD];
    for (int64_t i = m0; i < m1; i++) {
        for (int64_t j = n0; j < n1; j++) {
            int32_t s = 0;
            for (int64_t k = 0; k < a->K; k++) {
                int32_t w, x;
                if (a->conv) {
                    w = (int8_t)a->wpanels[(i / 4) * a->Kp * 4 + (k / 4) * 16 + (i % 4) * 4 + k % 4];
                    x = a->X[k * a->ldx + j];
                } else {
                    w = (int8_t)a->wpanels[(j / 16) * a->Kp * 16 + (k / 4) * 64 + (j % 16) * 4 + k % 4];
                    x = a->X[i * a->ldx + k];
                }
                s += w * x;
            }
            /* the NEON epilogue expects activations packed as a ^ 0x80: undo with +128·wsum */
            if (a->qi->xor80) s = ek__q_wrap_add(s, -ek__q_wrap_mul(128, a->wsum[a->conv ? i : j]));
            acc[0] = s;
            store_rows(a, acc, i, j, 1, 1);
        }
    }
}

static void qblock(const qgemm_args *a, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
    if (m0 >= m1 || n0 >= n1) return;
    size_t bytes = 0;
    uint8_t *scr = (uint8_t *)ek__thread_scratch_bytes(&bytes);
    const int64_t Kp = a->Kp, kg = Kp / 4;
    if (!scr || bytes < (size_t)(Kp * 32)) {
        qgemm_naive(a, m0, m1, n0, n1);
        return;
    }
    const ek__qimpl *qi = a->qi;
    const int MR = qi->mr, NR = qi->nr;
    const uint8_t x = qi->xor80 ? 0x80 : 0;
    int32_t acc[EK__QMR_MAX * EK__QACC_LD] __attribute__((aligned(64)));
    if (a->conv) {
        int64_t NB = (256 * 1024 / Kp) / 16 * 16; /* keep the packed column block near L2 size */
        if (NB < 32) NB = 32;
        if (NB > (int64_t)(bytes / (size_t)Kp) / 16 * 16) NB = (int64_t)(bytes / (size_t)Kp) / 16 * 16;
        for (int64_t nb0 = n0; nb0 < n1; nb0 += NB) {
            const int64_t nb = n1 - nb0 < NB ? n1 - nb0 : NB;
            pack_vec_u8(a->X, a->ldx, a->K, nb0, nb, scr, x);
            for (int64_t mt = m0; mt < m1; mt += MR) {
                const int m = (int)(m1 - mt < MR ? m1 - mt : MR);
                const uint8_t *bc = a->wpanels + (mt / 4) * Kp * 4;
                for (int64_t jt = 0; jt < nb; jt += NR) {
                    const int n = (int)(nb - jt < NR ? nb - jt : NR);
                    if (qi->kernel_epi) {
                        tile_fused(a, kg, bc, scr + (jt / 16) * Kp * 16, mt, nb0 + jt, m, n, 1);
                        continue;
                    }
                    qi->kernel(kg, bc, Kp * 4, scr + (jt / 16) * Kp * 16, Kp * 16, acc, m, n, 1);
                    store_rows(a, acc, mt, nb0 + jt, m, n);
                }
            }
        }
    } else {
        int64_t MB = (int64_t)(bytes / (size_t)(Kp * 4)) * 4;
        if (MB > 96) MB = 96;
        for (int64_t mb0 = m0; mb0 < m1; mb0 += MB) {
            const int64_t mb = m1 - mb0 < MB ? m1 - mb0 : MB;
            pack_bc_u8(a->X, a->ldx, a->K, mb0, mb, scr, x);
            for (int64_t jt = n0; jt < n1; jt += NR) {
                const int n = (int)(n1 - jt < NR ? n1 - jt : NR);
                const uint8_t *vec = a->wpanels + (jt / 16) * Kp * 16;
                for (int64_t it = 0; it < mb; it += MR) {
                    const int m = (int)(mb - it < MR ? mb - it : MR);
                    if (qi->kernel_epi) {
                        tile_fused(a, kg, scr + (it / 4) * Kp * 4, vec, mb0 + it, jt, m, n, 0);
                        continue;
                    }
                    qi->kernel(kg, scr + (it / 4) * Kp * 4, Kp * 4, vec, Kp * 16, acc, m, n, 0);
                    store_rows(a, acc, mb0 + it, jt, m, n);
                }
            }
        }
    }
}

static void qtask(void *ctx, int64_t begin, int64_t end) {
    const qgemm_args *a = (const qgemm_args *)ctx;
    if (a->split_n) {
        const int64_t n0 = begin * a->unit, n1 = end * a->unit < a->N ? end * a->unit : a->N;
        qblock(a, 0, a->M, n0, n1);
    } else {
        const int64_t m0 = begin * a->unit, m1 = end * a->unit < a->M ? end * a->unit : a->M;
        qblock(a, m0, m1, 0, a->N);
    }
}

static int qgemm_run(qgemm_args *a, const void *packed, const ek_qoutput *q, ek_pool *pool) {
    if (!q || !q->multiplier || a->K > EK_QGEMM_MAX_K || a->M < 0 || a->N < 0 || a->K < 0) return -1;
    if (q->a_zero_point < 0 || q->a_zero_point > 255) return -1;
    if (!a->out_f32 && (q->qmin < 0 || q->qmax > 255 || q->qmin > q->qmax || q->out_zero_point < 0 ||
                        q->out_zero_point > 255))
        return -1;
    if (a->conv ? !check_hdr(packed, EK__QKIND_A, a->M, a->K, 0) : !check_hdr(packed, EK__QKIND_B, a->K, a->N, 0))
        return -1;
    if (a->M == 0 || a->N == 0) return 0;
    const int64_t ch = a->conv ? a->M : a->N;
    a->qi = ek__qimpl_active();
    a->fi = ek__impl();
    a->Kp = rup(a->K > 0 ? a->K : 1, 4);
    a->wsum = (const int32_t *)((const uint8_t *)packed + EK__QHDR);
    a->wpanels = (const uint8_t *)packed + EK__QHDR + wsum_bytes(ch);
    a->q = q;
    ek__qepi *e = &a->ep;
    memset(e, 0, sizeof *e);
    e->per_col = !a->conv;
    e->out_f32 = a->out_f32;
    e->zeff = q->a_zero_point - (a->qi->xor80 ? 128 : 0);
    e->zo = q->out_zero_point;
    e->scale = q->scale;
    e->wsum = a->wsum;
    e->mult = q->multiplier;
    e->bias_i = q->bias_i32;
    e->bias_f = a->out_f32 ? q->bias_f32 : NULL;
    if (a->out_f32) {
        ek__qepi_set_f32_act(e, q->act);
        a->post_act = ek__q_act_post(q->act);
    } else {
        e->lo = (float)(q->qmin - q->out_zero_point);
        e->hi = (float)(q->qmax - q->out_zero_point);
        a->post_act = 0;
    }
    int threads = ek_pool_threads(pool);
    if (ek__in_pool_worker()) threads = 1;
    const double ops = 2.0 * (double)a->M * (double)a->N * (double)(a->K + 1);
    if (ops < 2.0e5) threads = 1;
    if (threads <= 1) {
        qblock(a, 0, a->M, 0, a->N);
        return 0;
    }
    const int64_t unit_n = 32, unit_m = 12;
    const int64_t units_n = (a->N + unit_n - 1) / unit_n, units_m = (a->M + unit_m - 1) / unit_m;
    if (units_n >= 2 * threads || units_n >= units_m) {
        a->split_n = 1;
        a->unit = unit_n;
        ek_pool_parallel_for(pool, units_n, qtask, a);
    } else {
        a->split_n = 0;
        a->unit = unit_m;
        ek_pool_parallel_for(pool, units_m, qtask, a);
    }
    return 0;
}

int ek_qgemm_packed_a(int64_t M, int64_t N, int64_t K, const void *packed_a, const uint8_t *B, int64_t ldb,
                      void *C, int64_t ldc, int out_type, const ek_qoutput *q, ek_pool *pool) {
    qgemm_args a;
    memset(&a, 0, sizeof a);
    a.conv = 1;
    a.M = M; a.N = N; a.K = K;
    a.X = B; a.ldx = ldb;
    a.C = (uint8_t *)C; a.ldc = ldc;
    a.out_f32 = out_type == EK_QOUT_F32;
    return qgemm_run(&a, packed_a, q, pool);
}

int ek_qgemm_packed_b(int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda, const void *packed_b,
                      void *C, int64_t ldc, int out_type, const ek_qoutput *q, ek_pool *pool) {
    qgemm_args a;
    memset(&a, 0, sizeof a);
    a.conv = 0;
    a.M = M; a.N = N; a.K = K;
    a.X = A; a.ldx = lda;
    a.C = (uint8_t *)C; a.ldc = ldc;
    a.out_f32 = out_type == EK_QOUT_F32;
    return qgemm_run(&a, packed_b, q, pool);
}

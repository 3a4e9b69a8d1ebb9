/*
 * qgemm_avx512.c — AVX-512 pieces of the int8 GEMM: the VNNI micro-kernel (vpdpbusd, up to 12 rows ×
 * 32 columns = 24 zmm accumulators; per k-group of 4: 2 vector loads + 12 dword broadcasts), the
 * requantizing epilogue (16 lanes, masked tails) and u8 quantization. Integer results and the
 * epilogue's float steps are the same operations as the scalar spec (qgemm.c), so bit-exact.
 */
#if defined(__x86_64__)
#include "qinternal.h"

#include <immintrin.h>
#include <string.h>

#define T EK__TARGET_VNNI

static inline int32_t ld32(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The k loop shared by both kernels: c[row][half] accumulates MP 4-row panels × NP 16-column
 * halves with vpdpbusd (u8 operand first). Force-inlined with constant MP/NP, so c stays in registers. */
EK__INLINE T void vnni_accumulate(const int MP, const int NP, const int bs, int64_t kg, const uint8_t *bc,
                                  int64_t bc_ps, const uint8_t *vec, int64_t vec_ps, __m512i c[12][2]) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) c[i][0] = c[i][1] = _mm512_setzero_si512();
    const uint8_t *v1p = vec + vec_ps;
    for (int64_t g = 0; g < kg; g++) {
        const __m512i v0 = _mm512_loadu_si512((const void *)(vec + g * 64));
        const __m512i v1 = NP == 2 ? _mm512_loadu_si512((const void *)(v1p + g * 64)) : v0;
#pragma GCC unroll 3
        for (int p = 0; p < MP; p++) {
            const uint8_t *bp = bc + p * bc_ps + g * 16;
#pragma GCC unroll 4
            for (int r = 0; r < 4; r++) {
                const __m512i b = _mm512_set1_epi32(ld32(bp + 4 * r));
                if (bs) {
                    c[p * 4 + r][0] = _mm512_dpbusd_epi32(c[p * 4 + r][0], v0, b);
                    if (NP == 2) c[p * 4 + r][1] = _mm512_dpbusd_epi32(c[p * 4 + r][1], v1, b);
                } else {
                    c[p * 4 + r][0] = _mm512_dpbusd_epi32(c[p * 4 + r][0], b, v0);
                    if (NP == 2) c[p * 4 + r][1] = _mm512_dpbusd_epi32(c[p * 4 + r][1], b, v1);
                }
            }
        }
    }
}

EK__INLINE T void vnni_tpl(const int MP, const int NP, const int bs, int64_t kg, const uint8_t *bc, int64_t bc_ps,
                           const uint8_t *vec, int64_t vec_ps, int32_t *acc) {
    __m512i c[12][2];
    vnni_accumulate(MP, NP, bs, kg, bc, bc_ps, vec, vec_ps, c);
#pragma GCC unroll 12
    for (int i = 0; i < 4 * MP; i++) {
        _mm512_storeu_si512((void *)(acc + i * EK__QACC_LD), c[i][0]);
        if (NP == 2) _mm512_storeu_si512((void *)(acc + i * EK__QACC_LD + 16), c[i][1]);
    }
}

/* Same k loop, then the requantizing epilogue straight from the accumulator registers (no int32
 * tile round trip): v = acc + (bias - zeff·wsum) per channel, then the spec's float steps. */
EK__INLINE T void vnni_epi_tpl(const int MP, const int NP, const int bs, int64_t kg, const uint8_t *bc, int64_t bc_ps,
                               const uint8_t *vec, int64_t vec_ps, int m, int n, const ek__qepi *e, void *out,
                               int64_t ldo) {
    __m512i c[12][2];
    vnni_accumulate(MP, NP, bs, kg, bc, bc_ps, vec, vec_ps, c);
    const int n0 = n < 16 ? n : 16, n1 = n - 16;
    const __mmask16 k0 = (__mmask16)((1u << n0) - 1), k1 = n1 > 0 ? (__mmask16)((1u << n1) - 1) : 0;
    const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi), sc = _mm512_set1_ps(e->scale);
    const __m512i zo = _mm512_set1_epi32(e->zo), zeff = _mm512_set1_epi32(e->zeff);
    __m512i cc0 = _mm512_setzero_si512(), cc1 = cc0;
    __m512 mc0 = _mm512_setzero_ps(), mc1 = mc0, bc0 = mc0, bc1 = mc0;
    if (e->per_col) {
        cc0 = _mm512_sub_epi32(e->bias_i ? _mm512_maskz_loadu_epi32(k0, e->bias_i) : _mm512_setzero_si512(),
                               _mm512_mullo_epi32(zeff, _mm512_maskz_loadu_epi32(k0, e->wsum)));
        mc0 = _mm512_mul_ps(_mm512_maskz_loadu_ps(k0, e->mult), sc);
        if (e->bias_f) bc0 = _mm512_maskz_loadu_ps(k0, e->bias_f);
        if (NP == 2) {
            cc1 = _mm512_sub_epi32(e->bias_i ? _mm512_maskz_loadu_epi32(k1, e->bias_i + 16) : _mm512_setzero_si512(),
                                   _mm512_mullo_epi32(zeff, _mm512_maskz_loadu_epi32(k1, e->wsum + 16)));
            mc1 = _mm512_mul_ps(_mm512_maskz_loadu_ps(k1, e->mult + 16), sc);
            if (e->bias_f) bc1 = _mm512_maskz_loadu_ps(k1, e->bias_f + 16);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < 4 * MP; i++) {
        if (i < m) {
            __m512i c0 = cc0, c1 = cc1;
            __m512 m0 = mc0, m1 = mc1, b0 = bc0, b1 = bc1;
            if (!e->per_col) {
                const int32_t corr = ek__q_wrap_add(e->bias_i ? e->bias_i[i] : 0, -ek__q_wrap_mul(e->zeff, e->wsum[i]));
                c0 = c1 = _mm512_set1_epi32(corr);
                m0 = m1 = _mm512_mul_ps(_mm512_set1_ps(e->mult[i]), sc);
                if (e->bias_f) b0 = b1 = _mm512_set1_ps(e->bias_f[i]);
            }
            const __m512 f0 = _mm512_cvtepi32_ps(_mm512_add_epi32(c[i][0], c0));
            const __m512 f1 = _mm512_cvtepi32_ps(_mm512_add_epi32(c[i][1], c1));
            if (e->out_f32) {
                float *o = (float *)out + i * ldo;
                __m512 y0 = e->bias_f ? _mm512_fmadd_ps(f0, m0, b0) : _mm512_mul_ps(f0, m0);
                __m512 y1 = e->bias_f ? _mm512_fmadd_ps(f1, m1, b1) : _mm512_mul_ps(f1, m1);
                if (e->clamp_f32) {
                    y0 = _mm512_min_ps(_mm512_max_ps(y0, lo), hi);
                    y1 = _mm512_min_ps(_mm512_max_ps(y1, lo), hi);
                }
                _mm512_mask_storeu_ps(o, k0, y0);
                if (NP == 2) _mm512_mask_storeu_ps(o + 16, k1, y1);
            } else {
                uint8_t *o = (uint8_t *)out + i * ldo;
                const __m512 y0 = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(f0, m0), lo), hi);
                _mm512_mask_cvtepi32_storeu_epi8(o, k0, _mm512_add_epi32(_mm512_cvtps_epi32(y0), zo));
                if (NP == 2) {
                    const __m512 y1 = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(f1, m1), lo), hi);
                    _mm512_mask_cvtepi32_storeu_epi8(o + 16, k1, _mm512_add_epi32(_mm512_cvtps_epi32(y1), zo));
                }
            }
        }
    }
}

#define VNNI_CASE(MP, NP)                                                              \
    do {                                                                               \
        if (bs) vnni_tpl(MP, NP, 1, kg, bc, bc_ps, vec, vec_ps, acc);                  \
        else vnni_tpl(MP, NP, 0, kg, bc, bc_ps, vec, vec_ps, acc);                     \
    } while (0)

T void ek__qkernel_avx512vnni(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                              int32_t *acc, int m, int n, int bs) {
    const int mp = (m + 3) / 4;
    if (n > 16) {
        if (mp == 3) VNNI_CASE(3, 2);
        else if (mp == 2) VNNI_CASE(2, 2);
        else VNNI_CASE(1, 2);
    } else {
        if (mp == 3) VNNI_CASE(3, 1);
        else if (mp == 2) VNNI_CASE(2, 1);
        else VNNI_CASE(1, 1);
    }
}

#define VNNI_EPI_CASE(MP, NP)                                                                  \
    do {                                                                                       \
        if (bs) vnni_epi_tpl(MP, NP, 1, kg, bc, bc_ps, vec, vec_ps, m, n, e, out, ldo);        \
        else vnni_epi_tpl(MP, NP, 0, kg, bc, bc_ps, vec, vec_ps, m, n, e, out, ldo);           \
    } while (0)

T void ek__qkernel_epi_avx512vnni(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                                  int m, int n, int bs, const ek__qepi *e, void *out, int64_t ldo) {
    const int mp = (m + 3) / 4;
    if (n > 16) {
        if (mp == 3) VNNI_EPI_CASE(3, 2);
        else if (mp == 2) VNNI_EPI_CASE(2, 2);
        else VNNI_EPI_CASE(1, 2);
    } else {
        if (mp == 3) VNNI_EPI_CASE(3, 1);
        else if (mp == 2) VNNI_EPI_CASE(2, 1);
        else VNNI_EPI_CASE(1, 1);
    }
}

T void ek__qepi_avx512(const int32_t *acc, int64_t n, const ek__qepi *e, void *out) {
    const __m512i zeff = _mm512_set1_epi32(e->zeff), zo = _mm512_set1_epi32(e->zo);
    const __m512 lo = _mm512_set1_ps(e->lo), hi = _mm512_set1_ps(e->hi), sc = _mm512_set1_ps(e->scale);
    __m512i ws = _mm512_set1_epi32(e->wsum[0]);
    __m512i bi = _mm512_set1_epi32(e->bias_i ? e->bias_i[0] : 0);
    __m512 m = _mm512_mul_ps(_mm512_set1_ps(e->mult[0]), sc);
    __m512 bf = _mm512_set1_ps(e->bias_f ? e->bias_f[0] : 0.0f);
    for (int64_t j = 0; j < n; j += 16) {
        const __mmask16 k = n - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - j)) - 1);
        if (e->per_col) {
            ws = _mm512_maskz_loadu_epi32(k, e->wsum + j);
            m = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, e->mult + j), sc);
            if (e->bias_i) bi = _mm512_maskz_loadu_epi32(k, e->bias_i + j);
            if (e->bias_f) bf = _mm512_maskz_loadu_ps(k, e->bias_f + j);
        }
        __m512i v = _mm512_sub_epi32(_mm512_maskz_loadu_epi32(k, acc + j), _mm512_mullo_epi32(zeff, ws));
        v = _mm512_add_epi32(v, bi);
        const __m512 f = _mm512_cvtepi32_ps(v);
        if (e->out_f32) {
            __m512 y = e->bias_f ? _mm512_fmadd_ps(f, m, bf) : _mm512_mul_ps(f, m);
            if (e->clamp_f32) y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
            _mm512_mask_storeu_ps((float *)out + j, k, y);
        } else {
            const __m512 y = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(f, m), lo), hi);
            const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(y), zo);
            _mm512_mask_cvtepi32_storeu_epi8((uint8_t *)out + j, k, q);
        }
    }
}

T void ek__quant_avx512(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp) {
    const __m512 inv = _mm512_set1_ps(inv_scale), lo = _mm512_set1_ps((float)(0 - zp)),
                 hi = _mm512_set1_ps((float)(255 - zp));
    const __m512i z = _mm512_set1_epi32(zp);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        /* max(f, lo) returns lo for NaN, like the scalar spec */
        const __m512 f = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), inv), lo), hi);
        _mm512_mask_cvtepi32_storeu_epi8(q + i, k, _mm512_add_epi32(_mm512_cvtps_epi32(f), z));
    }
}

/*
 * int8 depthwise 3×3 interior row (VNNI): acc[o - L] = Σ_valid rows Σ_j (x[o·s + j - PL] - za)·w[i][j]
 * for output columns o in [L, H) where all three taps are inside the row. For 16 outputs the
 * 4-byte windows x[o·s .. o·s+3] are built with one vpermd + one vpshufb from a single load, and
 * one vpdpbusd per input row multiplies them with the row's weights (w0, w1, w2, 0); the zero
 * point enters as the constant -za·Σw over the valid rows. rows[i] == NULL: row i is padding.
 */
T void ek__qdw3_row_vnni(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L, int64_t H,
                         int64_t PL, int32_t *acc) {
    int32_t wsum = 0;
    __m512i wv[3];
    for (int i = 0; i < 3; i++) {
        const uint32_t wd = (uint32_t)(uint8_t)w9[3 * i] | (uint32_t)(uint8_t)w9[3 * i + 1] << 8 |
                            (uint32_t)(uint8_t)w9[3 * i + 2] << 16;
        wv[i] = _mm512_set1_epi32((int32_t)wd);
        if (rows[i]) wsum += w9[3 * i] + w9[3 * i + 1] + w9[3 * i + 2];
    }
    const __m512i base = _mm512_set1_epi32(-za * wsum);
    const __m512i idx1 = _mm512_setr_epi32(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6);
    const __m512i idx2 = _mm512_setr_epi32(0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9);
    const __m512i sh1 = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6));
    const __m512i sh2 = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9));
    for (int64_t o = L; o < H; o += 16) {
        const int64_t n = H - o < 16 ? H - o : 16;
        const __mmask16 ko = n == 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
        __m512i a = base;
        for (int i = 0; i < 3; i++) {
            if (!rows[i]) continue;
            const uint8_t *p = rows[i] + o * stride - PL;
            __m512i win;
            if (stride == 1) {
                const __mmask32 kb = (__mmask32)((1ull << (n + 2)) - 1); /* bytes o .. o+n+1 */
                win = _mm512_castsi256_si512(_mm256_maskz_loadu_epi8(kb, p));
                win = _mm512_shuffle_epi8(_mm512_permutexvar_epi32(idx1, win), sh1);
            } else {
                const __mmask64 kb = (__mmask64)((1ull << (2 * n + 1)) - 1); /* bytes 2o .. 2o+2n */
                win = _mm512_maskz_loadu_epi8(kb, p);
                win = _mm512_shuffle_epi8(_mm512_permutexvar_epi32(idx2, win), sh2);
            }
            a = _mm512_dpbusd_epi32(a, win, wv[i]);
        }
        _mm512_mask_storeu_epi32(acc + (o - L), ko, a);
    }
}
#endif

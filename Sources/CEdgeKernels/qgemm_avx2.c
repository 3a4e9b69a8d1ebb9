/*
 * qgemm_avx2.c — AVX2 (no VNNI) pieces of the int8 GEMM: micro-kernel 4 rows × 16 columns that widens
 * both operands to int16 and uses vpmaddwd (exact: |u8·s8| <= 32640, pair sums fit int32). NOT
 * vpmaddubsw, whose saturating int16 pair sums (255·127·2 > 32767) would break exactness. Also the
 * 8-lane requantizing epilogue and u8 quantization. Also used by AVX-512 CPUs without VNNI.
 *
 * Per k-group of 4: the broadcast panel's 16 bytes (4 rows × 4 k) are widened once to int16 and
 * each row's 4 values are replicated with vpermq; the vector panel's 4 columns × 4 k per 16 bytes
 * are widened with vpmovzx/sx. vpmaddwd gives [c0k01 c0k23 c1k01 c1k23 | c2.. c3..]; the two
 * partial sums per column are folded at the end with vphaddd + vpermq.
 */
#if defined(__x86_64__)
#include "qinternal.h"

#include <immintrin.h>

#define T EK__TARGET_AVX2

EK__INLINE T __m256i widen(const int sgn, const uint8_t *p) {
    const __m128i x = _mm_loadu_si128((const __m128i *)p);
    return sgn ? _mm256_cvtepi8_epi16(x) : _mm256_cvtepu8_epi16(x);
}

/* One 4-row × 8-column block: row[i] holds the int32 sums of row i, columns 8h .. 8h+7.
 * Shared by the plain kernel (stores the sums) and the fused-epilogue kernel (requantizes them). */
EK__INLINE T void avx2_block(const int bs, int64_t kg, const uint8_t *bc, const uint8_t *vp, __m256i row[4]) {
    __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00,
            c31 = c00;
    for (int64_t g = 0; g < kg; g++) {
        const __m256i bw = widen(bs, bc + g * 16);
        const __m256i v0 = widen(!bs, vp + g * 64), v1 = widen(!bs, vp + g * 64 + 16);
        __m256i b = _mm256_permute4x64_epi64(bw, 0x00);
        c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(v0, b));
        c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(v1, b));
        b = _mm256_permute4x64_epi64(bw, 0x55);
        c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(v0, b));
        c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(v1, b));
        b = _mm256_permute4x64_epi64(bw, 0xAA);
        c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(v0, b));
        c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(v1, b));
        b = _mm256_permute4x64_epi64(bw, 0xFF);
        c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(v0, b));
        c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(v1, b));
    }
    row[0] = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c00, c01), 0xD8);
    row[1] = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c10, c11), 0xD8);
    row[2] = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c20, c21), 0xD8);
    row[3] = _mm256_permute4x64_epi64(_mm256_hadd_epi32(c30, c31), 0xD8);
}

EK__INLINE T void avx2_tpl(const int bs, int64_t kg, const uint8_t *bc, const uint8_t *vec, int32_t *acc, int n) {
    for (int h = 0; h * 8 < n; h++) {
        __m256i row[4];
        avx2_block(bs, kg, bc, vec + h * 32, row);
        int32_t *o = acc + h * 8;
        for (int i = 0; i < 4; i++) _mm256_storeu_si256((__m256i *)(o + i * EK__QACC_LD), row[i]);
    }
}

T void ek__qkernel_avx2(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                        int32_t *acc, int m, int n, int bs) {
    (void)bc_ps; (void)vec_ps; (void)m; /* one 4-row panel, one 16-column panel */
    if (bs) avx2_tpl(1, kg, bc, vec, acc, n);
    else avx2_tpl(0, kg, bc, vec, acc, n);
}

/* Requantizing epilogue of 8 accumulators (row i, columns j0 .. j0+nn-1 of the tile) from a register;
 * same operations as the scalar spec. Channel arrays are read with masks past nn (no over-read). */
EK__INLINE T void epi8(__m256i acc, int i, int j0, int nn, const ek__qepi *e, void *out, int64_t ldo) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mk = _mm256_cmpgt_epi32(_mm256_set1_epi32(nn), lanes);
    __m256i corr;
    __m256 m, bf = _mm256_setzero_ps();
    const __m256 sc = _mm256_set1_ps(e->scale);
    if (e->per_col) {
        const __m256i ws = _mm256_maskload_epi32(e->wsum + j0, mk);
        const __m256i bi = e->bias_i ? _mm256_maskload_epi32(e->bias_i + j0, mk) : _mm256_setzero_si256();
        corr = _mm256_sub_epi32(bi, _mm256_mullo_epi32(_mm256_set1_epi32(e->zeff), ws));
        m = _mm256_mul_ps(_mm256_maskload_ps(e->mult + j0, mk), sc);
        if (e->bias_f) bf = _mm256_maskload_ps(e->bias_f + j0, mk);
    } else {
        corr = _mm256_set1_epi32(ek__q_wrap_add(e->bias_i ? e->bias_i[i] : 0, -ek__q_wrap_mul(e->zeff, e->wsum[i])));
        m = _mm256_mul_ps(_mm256_set1_ps(e->mult[i]), sc);
        if (e->bias_f) bf = _mm256_set1_ps(e->bias_f[i]);
    }
    const __m256 f = _mm256_cvtepi32_ps(_mm256_add_epi32(acc, corr));
    const __m256 lo = _mm256_set1_ps(e->lo), hi = _mm256_set1_ps(e->hi);
    if (e->out_f32) {
        float *o = (float *)out + i * ldo + j0;
        __m256 y = e->bias_f ? _mm256_fmadd_ps(f, m, bf) : _mm256_mul_ps(f, m);
        if (e->clamp_f32) y = _mm256_min_ps(_mm256_max_ps(y, lo), hi);
        if (nn == 8) _mm256_storeu_ps(o, y);
        else _mm256_maskstore_ps(o, mk, y);
    } else {
        uint8_t *o = (uint8_t *)out + i * ldo + j0;
        const __m256 y = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(f, m), lo), hi);
        const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(y), _mm256_set1_epi32(e->zo));
        const __m128i q16 = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        const __m128i q8 = _mm_packus_epi16(q16, q16);
        if (nn == 8) {
            _mm_storel_epi64((__m128i *)o, q8);
        } else {
            uint8_t t[16];
            _mm_storeu_si128((__m128i *)t, q8);
            for (int j = 0; j < nn; j++) o[j] = t[j];
        }
    }
}

/* Kernel with the epilogue fused (per 8-column half, straight from the folded accumulators). */
EK__INLINE T void avx2_epi_tpl(const int bs, int64_t kg, const uint8_t *bc, const uint8_t *vec, int m, int n,
                               const ek__qepi *e, void *out, int64_t ldo) {
    for (int h = 0; h * 8 < n; h++) {
        __m256i row[4];
        avx2_block(bs, kg, bc, vec + h * 32, row);
        const int nn = n - 8 * h < 8 ? n - 8 * h : 8;
        for (int i = 0; i < m && i < 4; i++) epi8(row[i], i, 8 * h, nn, e, out, ldo);
    }
}

T void ek__qkernel_epi_avx2(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps, int m,
                            int n, int bs, const ek__qepi *e, void *out, int64_t ldo) {
    (void)bc_ps; (void)vec_ps;
    if (bs) avx2_epi_tpl(1, kg, bc, vec, m, n, e, out, ldo);
    else avx2_epi_tpl(0, kg, bc, vec, m, n, e, out, ldo);
}

T void ek__qepi_avx2(const int32_t *acc, int64_t n, const ek__qepi *e, void *out) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int64_t j = 0; j < n; j += 8) {
        const int nn = n - j < 8 ? (int)(n - j) : 8;
        const __m256i a = nn == 8 ? _mm256_loadu_si256((const __m256i *)(acc + j))
                                  : _mm256_maskload_epi32(acc + j, _mm256_cmpgt_epi32(_mm256_set1_epi32(nn), lanes));
        epi8(a, 0, (int)j, nn, e, out, 0);
    }
}

T void ek__quant_avx2(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp) {
    const __m256 inv = _mm256_set1_ps(inv_scale), lo = _mm256_set1_ps((float)(0 - zp)),
                 hi = _mm256_set1_ps((float)(255 - zp));
    const __m256i z = _mm256_set1_epi32(zp);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 f = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), inv), lo), hi);
        const __m256i v = _mm256_add_epi32(_mm256_cvtps_epi32(f), z);
        const __m128i v16 = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        _mm_storel_epi64((__m128i *)(q + i), _mm_packus_epi16(v16, v16));
    }
    if (i < n) ek__quant_scalar(x + i, q + i, n - i, inv_scale, zp);
}
#endif

/*
 * qelementwise.c — element-wise 8-bit kernels of the quantized graph ops (edge_qkernels.h):
 * ONNX QuantizeLinear with the spec's division, DequantizeLinear, and the 256-entry byte lookup (QLookup).
 *
 * Both are bit-exact across ISAs: the quantizer performs the same IEEE operations in every lane
 * (division, clamp, round-half-even, + zero point, clamp) as the scalar reference; the lookup is
 * a pure byte permutation. Dispatch follows ek_active_isa(); the lookup uses AVX-512 VBMI
 * (vpermi2b over two 128-byte halves) when the CPU has it, else AVX2 vpshufb over 16 segments.
 */
#include "qinternal.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define EK__TARGET_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi")))
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

/* |x / scale| is clamped to 2^22 first: the rounding below is exact there and any value that large
 * saturates anyway (|zero| <= 255). */
#define EK__QL_LIMIT 4194304.0f

/* ---- QuantizeLinear --------------------------------------------------------------------------- */

/* The specification (EdgeRuntime's QuantizeLinear, QMul and DynamicQuantizeLinear run on this kernel). */
static void ql_scalar(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo, float hi) {
    const float magic = 12582912.0f; /* 1.5 · 2^23: adding and subtracting it rounds half-even */
    for (size_t i = 0; i < n; i++) {
        float q = x[i] / scale;
        q = q > -EK__QL_LIMIT ? (q < EK__QL_LIMIT ? q : EK__QL_LIMIT) : -EK__QL_LIMIT; /* NaN → -limit */
        float v = ((q + magic) - magic) + zero;
        v = v > lo ? (v < hi ? v : hi) : lo;
        y[i] = (uint8_t)(int32_t)v; /* low byte: two's complement for int8 */
    }
}

#if defined(__x86_64__)
EK__TARGET_AVX512 static void ql_avx512(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo,
                                        float hi) {
    const __m512 s = _mm512_set1_ps(scale), z = _mm512_set1_ps(zero), l = _mm512_set1_ps(lo),
                 h = _mm512_set1_ps(hi), lim = _mm512_set1_ps(EK__QL_LIMIT), nlim = _mm512_set1_ps(-EK__QL_LIMIT);
    for (size_t i = 0; i < n; i += 16) {
        const __mmask16 k = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 q = _mm512_div_ps(_mm512_maskz_loadu_ps(k, x + i), s);
        q = _mm512_min_ps(_mm512_max_ps(q, nlim), lim); /* vmaxps returns the second operand for NaN */
        q = _mm512_add_ps(_mm512_roundscale_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
        q = _mm512_min_ps(_mm512_max_ps(q, l), h);
        _mm512_mask_cvtepi32_storeu_epi8(y + i, k, _mm512_cvtps_epi32(q));
    }
}

EK__TARGET_AVX2 static inline __m256i ql8_avx2(const float *x, __m256 s, __m256 z, __m256 l, __m256 h) {
    const __m256 lim = _mm256_set1_ps(EK__QL_LIMIT), nlim = _mm256_set1_ps(-EK__QL_LIMIT);
    __m256 q = _mm256_div_ps(_mm256_loadu_ps(x), s);
    q = _mm256_min_ps(_mm256_max_ps(q, nlim), lim); /* vmaxps returns the second operand for NaN */
    q = _mm256_add_ps(_mm256_round_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
    return _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(q, l), h));
}

EK__TARGET_AVX2 static void ql_avx2(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo, float hi) {
    const __m256 s = _mm256_set1_ps(scale), z = _mm256_set1_ps(zero), l = _mm256_set1_ps(lo), h = _mm256_set1_ps(hi);
    const __m256i low = _mm256_set1_epi16(0xFF), order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        /* int32 values in [-128, 255] → int16 (exact) → low bytes, then undo the lane interleave */
        const __m256i p01 = _mm256_and_si256(_mm256_packs_epi32(ql8_avx2(x + i, s, z, l, h), ql8_avx2(x + i + 8, s, z, l, h)), low);
        const __m256i p23 =
            _mm256_and_si256(_mm256_packs_epi32(ql8_avx2(x + i + 16, s, z, l, h), ql8_avx2(x + i + 24, s, z, l, h)), low);
        _mm256_storeu_si256((__m256i *)(y + i), _mm256_permutevar8x32_epi32(_mm256_packus_epi16(p01, p23), order));
    }
    ql_scalar(x + i, y + i, n - i, scale, zero, lo, hi);
}
#endif

#if defined(__aarch64__)
static void ql_neon(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo, float hi) {
    const float32x4_t s = vdupq_n_f32(scale), z = vdupq_n_f32(zero), l = vdupq_n_f32(lo), h = vdupq_n_f32(hi);
    const float32x4_t lim = vdupq_n_f32(EK__QL_LIMIT), nlim = vdupq_n_f32(-EK__QL_LIMIT);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        int16x4_t half[2];
        for (int j = 0; j < 2; j++) {
            float32x4_t q = vdivq_f32(vld1q_f32(x + i + 4 * j), s);
            q = vbslq_f32(vcgtq_f32(q, nlim), q, nlim); /* NaN compares false → -limit, as the spec */
            q = vaddq_f32(vrndnq_f32(vminq_f32(q, lim)), z);
            half[j] = vmovn_s32(vcvtq_s32_f32(vminq_f32(vmaxq_f32(q, l), h)));
        }
        vst1_u8(y + i, vreinterpret_u8_s8(vmovn_s16(vcombine_s16(half[0], half[1]))));
    }
    ql_scalar(x + i, y + i, n - i, scale, zero, lo, hi);
}
#endif

void ek_quantize_linear(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo, float hi) {
    switch (ek_active_isa()) {
#if defined(__x86_64__)
    case EK_ISA_AVX512: ql_avx512(x, y, n, scale, zero, lo, hi); return;
    case EK_ISA_AVX2: ql_avx2(x, y, n, scale, zero, lo, hi); return;
#endif
#if defined(__aarch64__)
    case EK_ISA_NEON: ql_neon(x, y, n, scale, zero, lo, hi); return;
#endif
    default: ql_scalar(x, y, n, scale, zero, lo, hi);
    }
}

/* ---- 256-entry byte lookup -------------------------------------------------------------------- */

static void lut_scalar(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table) {
    for (size_t i = 0; i < n; i++) y[i] = table[x[i]];
}

#if defined(__x86_64__)
static int lut_cpu_vbmi(void) {
    static int cached = -1; /* benign race: every thread computes the same value */
    if (cached < 0) {
        unsigned a, b, c, d;
        cached = __get_cpuid_count(7, 0, &a, &b, &c, &d) ? (int)((c >> 1) & 1) : 0;
    }
    return cached;
}

EK__TARGET_VBMI static void lut_vbmi(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table) {
    const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64),
                  t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 k = n - i >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n - i)) - 1);
        const __m512i v = _mm512_maskz_loadu_epi8(k, x + i);
        /* bits 0-6 index one 128-byte half, bit 7 picks the half */
        const __m512i lo = _mm512_permutex2var_epi8(t0, v, t1), hi = _mm512_permutex2var_epi8(t2, v, t3);
        _mm512_mask_storeu_epi8(y + i, k, _mm512_mask_blend_epi8(_mm512_movepi8_mask(v), lo, hi));
    }
}

EK__TARGET_AVX2 static void lut_avx2(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table) {
    __m256i seg[16];
    for (int k = 0; k < 16; k++) seg[k] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + 16 * k)));
    const __m256i step = _mm256_set1_epi8(16), bias = _mm256_set1_epi8(0x70);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i t = _mm256_loadu_si256((const __m256i *)(x + i)), r = _mm256_setzero_si256();
        for (int k = 0; k < 16; k++) {
            /* t = x - 16k: lanes of segment k have t < 16, so t +sat 0x70 < 0x80 (vpshufb reads the
             * low nibble); every other lane gets bit 7 set and vpshufb writes 0 there */
            r = _mm256_or_si256(r, _mm256_shuffle_epi8(seg[k], _mm256_adds_epu8(t, bias)));
            t = _mm256_sub_epi8(t, step);
        }
        _mm256_storeu_si256((__m256i *)(y + i), r);
    }
    lut_scalar(x + i, y + i, n - i, table);
}
#endif

#if defined(__aarch64__)
static void lut_neon(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table) {
    const uint8x16x4_t t0 = vld1q_u8_x4(table), t1 = vld1q_u8_x4(table + 64), t2 = vld1q_u8_x4(table + 128),
                       t3 = vld1q_u8_x4(table + 192);
    const uint8x16_t q = vdupq_n_u8(64);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint8x16_t v = vld1q_u8(x + i);
        uint8x16_t r = vqtbl4q_u8(t0, v); /* indices >= 64 give 0 / keep r (tbx) */
        v = vsubq_u8(v, q);
        r = vqtbx4q_u8(r, t1, v);
        v = vsubq_u8(v, q);
        r = vqtbx4q_u8(r, t2, v);
        v = vsubq_u8(v, q);
        r = vqtbx4q_u8(r, t3, v);
        vst1q_u8(y + i, r);
    }
    lut_scalar(x + i, y + i, n - i, table);
}
#endif

void ek_lookup_u8(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table) {
    switch (ek_active_isa()) {
#if defined(__x86_64__)
    case EK_ISA_AVX512:
        if (lut_cpu_vbmi()) {
            lut_vbmi(x, y, n, table);
            return;
        }
        lut_avx2(x, y, n, table);
        return;
    case EK_ISA_AVX2: lut_avx2(x, y, n, table); return;
#endif
#if defined(__aarch64__)
    case EK_ISA_NEON: lut_neon(x, y, n, table); return;
#endif
    default: lut_scalar(x, y, n, table);
    }
}

/* ---- DequantizeLinear --------------------------------------------------------------------------- */
/* y = (float)(x - zero) · scale: an exact int → float conversion and one multiplication, so the
 * compiler-vectorized bodies below (one per target) equal the scalar one bit for bit. */

#define EK__DQ_BODY                                                                                                 \
    if (is_signed)                                                                                                  \
        for (size_t i = 0; i < n; i++) y[i] = (float)((int32_t)(int8_t)x[i] - zero) * scale;                      \
    else                                                                                                            \
        for (size_t i = 0; i < n; i++) y[i] = (float)((int32_t)x[i] - zero) * scale;

static void dq_base(const uint8_t *x, float *y, size_t n, float scale, int32_t zero, int is_signed) { EK__DQ_BODY }
#if defined(__x86_64__)
EK__TARGET_AVX2 static void dq_avx2(const uint8_t *x, float *y, size_t n, float scale, int32_t zero, int is_signed) {
    EK__DQ_BODY
}
EK__TARGET_AVX512 static void dq_avx512(const uint8_t *x, float *y, size_t n, float scale, int32_t zero, int is_signed) {
    EK__DQ_BODY
}
#endif

void ek_dequantize_linear(const uint8_t *x, float *y, size_t n, float scale, int32_t zero, int is_signed) {
    switch (ek_active_isa()) {
#if defined(__x86_64__)
    case EK_ISA_AVX512: dq_avx512(x, y, n, scale, zero, is_signed); return;
    case EK_ISA_AVX2: dq_avx2(x, y, n, scale, zero, is_signed); return;
#endif
    default: dq_base(x, y, n, scale, zero, is_signed); /* NEON: the aarch64 baseline vectorizes it */
    }
}

/*
 * qdw_vnni.c — int8 depthwise convolution of one channel plane on AVX-512 VNNI + VBMI, for the
 * kernels the 3×3 row kernel does not take (5×5 stride 1/2 of MobileNetV3-style networks, …).
 *
 * Like qdw_flat.h, a strip of output rows reads polyphase copies of its input rows (SH × SW phase
 * planes, RR rows × SPW columns each), here kept as raw u8 with padding = za, so with the flat
 * index t = r·SPW + c, tap (i, j) of output t is byte t + shift(i, j) of phase plane
 * (i mod SH, j mod SW). The taps of one kernel row that share a phase are consecutive bytes of
 * that plane: four of them form one u8 quad per output, built for 16 outputs by one vpermb
 * (lane l takes bytes l + 4q … l + 4q + 3 of a single 64-byte load) and multiplied with the four
 * s8 weights by one vpdpbusd. A 5×5 stride-1 kernel is 10 vpdpbusd per 16 outputs instead of 25
 * int16 multiply-adds. The zero point enters as the constant −za·Σw (padding holds za, so every
 * tap reads a real or a za byte). Junk columns c ≥ OW are never stored; integer sums are exact,
 * so the result equals the scalar reference bit for bit.
 */
#include "qinternal.h"

#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define QDV_BUF 16384 /* u8 phase-plane bytes per strip */
#define QDV_SLACK 128 /* bytes after the planes read by the last 4 × 16-output step (never used) */
#define QDV_ACC 4096  /* int32 accumulators per strip */
#define QDV_MAXK 16   /* kernel rows / columns */
#define QDV_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi,avx2,fma")))

/* Output rows per strip, or 0 when the geometry does not fit. */
static int64_t qdv_rows(const ek_conv2d_geometry *g) {
    const int64_t SH = g->stride_h, SW = g->stride_w;
    const int64_t spw = ((g->out_w - 1) * SW + g->kernel_w + SW - 1) / SW, extra = (g->kernel_h - 1) / SH;
    int64_t rows = QDV_BUF / (SH * SW * spw) - extra;
    if (rows > QDV_ACC / spw - 1) rows = QDV_ACC / spw - 1; /* room for the last 16-wide store */
    if (rows > g->out_h) rows = g->out_h;
    return rows > 0 ? rows : 0;
}

int ek__qdw_vnni_fits(const ek_conv2d_geometry *g) {
    static int vbmi = -1; /* benign race: every thread computes the same value */
    if (vbmi < 0) {
        unsigned a, b, c, d;
        vbmi = __get_cpuid_count(7, 0, &a, &b, &c, &d) ? (int)((c >> 1) & 1) : 0;
    }
    return vbmi && g->dilation_h == 1 && g->dilation_w == 1 && g->stride_h >= 1 && g->stride_h <= 4 &&
           g->stride_w >= 1 && g->stride_w <= 4 && g->kernel_h >= 1 && g->kernel_h <= QDV_MAXK && g->kernel_w >= 1 &&
           g->kernel_w <= QDV_MAXK && qdv_rows(g) > 0;
}

/* Mask of the lanes k < 64 with lo <= k < hi. */
QDV_TARGET static inline __mmask64 qdv_lanes(int64_t lo, int64_t hi) {
    lo = lo < 0 ? 0 : lo;
    hi = hi > 64 ? 64 : hi;
    if (hi <= lo) return 0;
    const __mmask64 upto = hi == 64 ? ~(__mmask64)0 : (((__mmask64)1 << hi) - 1);
    return upto & ~(((__mmask64)1 << lo) - 1);
}

/* Copies the input rows of one strip into its phase planes (u8, padding = za): 64 plane bytes per
 * step from masked loads that fill the lanes outside the image with za (stride 2: 128 source bytes,
 * even lanes picked by vpermt2b). */
QDV_TARGET static void qdv_fill(const uint8_t *in, uint8_t za, const ek_conv2d_geometry *g, int64_t oh0, int64_t RR,
                                int64_t spw, uint8_t *buf) {
    const int64_t SH = g->stride_h, SW = g->stride_w, IH = g->in_h, IW = g->in_w;
    const __m512i zv = _mm512_set1_epi8((char)za);
    uint8_t even[64];
    for (int k = 0; k < 64; k++) even[k] = (uint8_t)(2 * k);
    const __m512i pick = _mm512_loadu_si512(even);
    for (int64_t ph = 0; ph < SH; ph++)
        for (int64_t pw = 0; pw < SW; pw++) {
            uint8_t *pl = buf + (ph * SW + pw) * RR * spw;
            const int64_t off = pw - g->pad_left; /* column c reads x[c·SW + off] */
            for (int64_t r = 0; r < RR; r++) {
                uint8_t *d = pl + r * spw;
                const int64_t ih = (oh0 + r) * SH + ph - g->pad_top;
                const uint8_t *x = in + ih * IW; /* only dereferenced for rows inside the image */
                for (int64_t c = 0; c < spw; c += 64) {
                    const __mmask64 store = qdv_lanes(0, spw - c);
                    __m512i v = zv;
                    if (ih >= 0 && ih < IH) {
                        const int64_t s = c * SW + off; /* first source column of this step */
                        if (SW == 1) {
                            v = _mm512_mask_loadu_epi8(zv, qdv_lanes(-s, IW - s), x + s);
                        } else if (SW == 2) {
                            const __m512i a = _mm512_mask_loadu_epi8(zv, qdv_lanes(-s, IW - s), x + s);
                            const __m512i b = _mm512_mask_loadu_epi8(zv, qdv_lanes(-s - 64, IW - s - 64), x + s + 64);
                            v = _mm512_permutex2var_epi8(a, pick, b);
                        } else {
                            uint8_t tmp[64];
                            for (int64_t k = 0; k < 64; k++) {
                                const int64_t iw = s + k * SW;
                                tmp[k] = iw >= 0 && iw < IW ? x[iw] : za;
                            }
                            v = _mm512_loadu_si512(tmp);
                        }
                    }
                    _mm512_mask_storeu_epi8(d + c, store, v);
                }
            }
        }
}

/* acc[t] for t < len (rounded up to 64): four 16-output vectors at a time, so four independent
 * vpdpbusd chains hide its latency; nq is a literal at the hot call sites (unrolled q loop). */
QDV_TARGET __attribute__((always_inline)) static inline void qdv_sums(const uint8_t *buf, const int64_t *shift,
                                                                       int64_t np, int64_t nq, const int32_t *wq,
                                                                       const __m512i *idx, __m512i base, int64_t len,
                                                                       int32_t *acc) {
    for (int64_t t0 = 0; t0 < len; t0 += 64) {
        __m512i a0 = base, a1 = base, a2 = base, a3 = base;
        for (int64_t p = 0; p < np; p++) {
            const uint8_t *src = buf + shift[p] + t0;
            const __m512i v0 = _mm512_loadu_si512(src), v1 = _mm512_loadu_si512(src + 16),
                          v2 = _mm512_loadu_si512(src + 32), v3 = _mm512_loadu_si512(src + 48);
            for (int64_t q = 0; q < nq; q++) {
                const __m512i w = _mm512_set1_epi32(wq[p * nq + q]);
                a0 = _mm512_dpbusd_epi32(a0, _mm512_permutexvar_epi8(idx[q], v0), w);
                a1 = _mm512_dpbusd_epi32(a1, _mm512_permutexvar_epi8(idx[q], v1), w);
                a2 = _mm512_dpbusd_epi32(a2, _mm512_permutexvar_epi8(idx[q], v2), w);
                a3 = _mm512_dpbusd_epi32(a3, _mm512_permutexvar_epi8(idx[q], v3), w);
            }
        }
        _mm512_storeu_si512(acc + t0, a0);
        _mm512_storeu_si512(acc + t0 + 16, a1);
        _mm512_storeu_si512(acc + t0 + 32, a2);
        _mm512_storeu_si512(acc + t0 + 48, a3);
    }
}

QDV_TARGET void ek__qdw_plane_vnni(
    const uint8_t *in, const int8_t *w, int32_t za, const ek_conv2d_geometry *g, const ek__qepi *e, ek__qepi_fn epi,
    uint8_t *out, size_t esz, ek__qdw3_row_fn row3) {
    (void)row3;
    const int64_t KH = g->kernel_h, KW = g->kernel_w, SH = g->stride_h, SW = g->stride_w;
    const int64_t OH = g->out_h, OW = g->out_w;
    const int64_t spw = ((OW - 1) * SW + KW + SW - 1) / SW, strip = qdv_rows(g), RR = strip + (KH - 1) / SH;
    const int64_t nq = ((KW + SW - 1) / SW + 3) / 4; /* quads per (kernel row, phase) */
    uint8_t buf[QDV_BUF + QDV_SLACK];
    int32_t acc[QDV_ACC + 64];
    memset(buf + QDV_BUF, 0, QDV_SLACK);
    /* weights: quad q of (row i, phase pw) holds taps j = pw + SW·(4q + k), k < 4 (0 past the row) */
    int32_t wq[QDV_MAXK * 4 * 4];
    int64_t shift[QDV_MAXK * 4];
    int32_t wsum = 0;
    for (int64_t i = 0; i < KH; i++)
        for (int64_t pw = 0; pw < SW; pw++) {
            shift[i * SW + pw] = ((i % SH * SW + pw) * RR + i / SH) * spw;
            for (int64_t q = 0; q < nq; q++) {
                uint32_t word = 0;
                for (int64_t k = 0; k < 4; k++) {
                    const int64_t j = pw + SW * (4 * q + k);
                    if (j < KW) word |= (uint32_t)(uint8_t)w[i * KW + j] << (8 * k);
                }
                wq[(i * SW + pw) * nq + q] = (int32_t)word;
            }
        }
    for (int64_t t = 0; t < KH * KW; t++) wsum += w[t];
    /* quad q of lane l = bytes l + 4q … l + 4q + 3 of the 64-byte load: idx[q] = idx[0] + 4q */
    static const uint8_t quad0[64] = {0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 4, 5, 6, 7, 5, 6,
                                      7, 8, 6, 7, 8, 9, 7, 8, 9, 10, 8, 9, 10, 11, 9, 10, 11, 12, 10, 11, 12, 13,
                                      11, 12, 13, 14, 12, 13, 14, 15, 13, 14, 15, 16, 14, 15, 16, 17, 15, 16, 17, 18};
    __m512i idx[4];
    for (int64_t q = 0; q < nq; q++) idx[q] = _mm512_add_epi8(_mm512_loadu_si512(quad0), _mm512_set1_epi8((char)(4 * q)));
    const __m512i base = _mm512_set1_epi32(-za * wsum);
    for (int64_t oh0 = 0; oh0 < OH; oh0 += strip) {
        const int64_t nr = OH - oh0 < strip ? OH - oh0 : strip, len = (nr - 1) * spw + OW;
        qdv_fill(in, (uint8_t)za, g, oh0, RR, spw, buf);
        if (nq == 1) qdv_sums(buf, shift, KH * SW, 1, wq, idx, base, len, acc);
        else if (nq == 2) qdv_sums(buf, shift, KH * SW, 2, wq, idx, base, len, acc);
        else qdv_sums(buf, shift, KH * SW, nq, wq, idx, base, len, acc);
        if (esz == 1) { /* one epilogue call over the strip, then the rows without their junk columns */
            uint8_t rowsbuf[QDV_ACC];
            epi(acc, len, e, rowsbuf);
            for (int64_t r = 0; r < nr; r++) {
                uint8_t *o = out + (oh0 + r) * OW;
                for (int64_t c = 0; c < OW; c += 64) {
                    const __mmask64 m = qdv_lanes(0, OW - c);
                    _mm512_mask_storeu_epi8(o + c, m, _mm512_maskz_loadu_epi8(m, rowsbuf + r * spw + c));
                }
            }
        } else {
            for (int64_t r = 0; r < nr; r++) epi(acc + r * spw, OW, e, out + (size_t)((oh0 + r) * OW) * esz);
        }
    }
}
#endif

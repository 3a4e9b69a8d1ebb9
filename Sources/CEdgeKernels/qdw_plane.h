/*
 * qdw_plane.h — body of the int8 depthwise-conv plane function, instantiated once per ISA by qconv.c
 * (#define QDW_NAME / QDW_ROW3 / QDW_FLAT / QDW_ATTR, then #include); other kernels than 3×3 s1/s2
 * go to the padded-plane path of qdw_flat.h when it fits. Pure integer C written so the compiler vectorizes
 * the column loops for the target of each instantiation (SSE2 baseline / AVX2 / AVX-512BW / NEON);
 * the int32 row accumulators then go through the ISA's requantizing epilogue. Not a public header.
 *
 * acc[ow] = Σ_taps (x - za)·w over the taps that fall inside the image (padding = za contributes 0).
 * |x - za| <= 255 and |w| <= 128, so each product fits int16 (<= 32640); sums are int32.
 */
#include "qdw_flat.h"

/* Portable interior row (same contract as ek__qdw3_row_vnni): one vectorizable pass per input row. */
QDW_ATTR static void QDW_ROW3(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L,
                              int64_t H, int64_t PL, int32_t *acc) {
    int32_t *a = acc - L;
    for (int64_t o = L; o < H; o++) a[o] = 0;
    for (int i = 0; i < 3; i++) {
        if (!rows[i]) continue;
        const int32_t w0 = w9[3 * i], w1 = w9[3 * i + 1], w2 = w9[3 * i + 2];
        const uint8_t *x = rows[i] - PL;
        if (stride == 1) {
            for (int64_t o = L; o < H; o++) {
                const int16_t p0 = (int16_t)(((int32_t)x[o] - za) * w0);
                const int16_t p1 = (int16_t)(((int32_t)x[o + 1] - za) * w1);
                const int16_t p2 = (int16_t)(((int32_t)x[o + 2] - za) * w2);
                a[o] += (int32_t)p0 + (int32_t)p1 + (int32_t)p2;
            }
        } else {
            for (int64_t o = L; o < H; o++) {
                const int16_t p0 = (int16_t)(((int32_t)x[2 * o] - za) * w0);
                const int16_t p1 = (int16_t)(((int32_t)x[2 * o + 1] - za) * w1);
                const int16_t p2 = (int16_t)(((int32_t)x[2 * o + 2] - za) * w2);
                a[o] += (int32_t)p0 + (int32_t)p1 + (int32_t)p2;
            }
        }
    }
}

QDW_ATTR static void QDW_NAME(const uint8_t *in, const int8_t *w, int32_t za, const ek_conv2d_geometry *g,
                              const ek__qepi *e, ek__qepi_fn epi, uint8_t *out, size_t esz, ek__qdw3_row_fn row3) {
    const int64_t IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DWl = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    const int fast = KW == 3 && DWl == 1 && (SW == 1 || SW == 2);
    /* ISA row kernel: whole 3×3 interior of an output row in one call (all three input rows) */
    const int use_row = fast && KH == 3 && DH == 1;
    if (!row3) row3 = QDW_ROW3;
    if (!use_row) { /* everything but 3×3 s1/s2: padded phase planes when the row fits */
        const int64_t strip = qdw_flat_rows(g);
        if (strip > 0) {
            QDW_FLAT(in, w, za, g, e, epi, out, esz, strip);
            return;
        }
    }
    int32_t acc[QDW_CHUNK];
    if (use_row) {
        /* interior columns [L, H) (all three taps inside) by the ISA row kernel, the few border
         * columns directly with bounds checks */
        int64_t L = 0, H = OW;
        for (int64_t j = 0; j < 3; j++) {
            int64_t lo, hi;
            qdw_valid_cols(j - PL, SW, IW, OW, &lo, &hi);
            L = lo > L ? lo : L;
            H = hi < H ? hi : H;
        }
        if (H < L) H = L;
        for (int64_t oh = 0; oh < OH; oh++) {
            const uint8_t *rows[3];
            for (int64_t i = 0; i < 3; i++) {
                const int64_t ih = oh * SH - PT + i;
                rows[i] = (ih < 0 || ih >= IH) ? NULL : in + ih * IW;
            }
            for (int64_t c0 = 0; c0 < OW; c0 += QDW_CHUNK) {
                const int64_t n = OW - c0 < QDW_CHUNK ? OW - c0 : QDW_CHUNK, c1 = c0 + n;
                const int64_t l = L > c0 ? L : c0, h = H < c1 ? H : c1;
                if (l < h) row3(rows, w, za, (int)SW, l, h, PL, acc + (l - c0));
                for (int64_t ow = c0; ow < c1; ow++) {
                    if (ow == l && l < h) ow = h;
                    if (ow >= c1) break;
                    int32_t s = 0;
                    for (int64_t i = 0; i < 3; i++) {
                        if (!rows[i]) continue;
                        for (int64_t j = 0; j < 3; j++) {
                            const int64_t iw = ow * SW - PL + j;
                            if (iw >= 0 && iw < IW) s += ((int32_t)rows[i][iw] - za) * w[i * 3 + j];
                        }
                    }
                    acc[ow - c0] = s;
                }
                epi(acc, n, e, out + (size_t)(oh * OW + c0) * esz);
            }
        }
        return;
    }
    for (int64_t oh = 0; oh < OH; oh++) {
        for (int64_t c0 = 0; c0 < OW; c0 += QDW_CHUNK) {
            const int64_t n = OW - c0 < QDW_CHUNK ? OW - c0 : QDW_CHUNK, c1 = c0 + n;
            for (int64_t t = 0; t < n; t++) acc[t] = 0;
            for (int64_t i = 0; i < KH; i++) {
                const int64_t ih = oh * SH - PT + i * DH;
                if (ih < 0 || ih >= IH) continue;
                const uint8_t *irow = in + ih * IW;
                const int8_t *wr = w + i * KW;
                int64_t L = c0, H = c1; /* fast path: columns where all three taps are inside */
                if (fast) {
                    for (int64_t j = 0; j < 3; j++) {
                        int64_t lo, hi;
                        qdw_valid_cols(j - PL, SW, IW, OW, &lo, &hi);
                        L = lo > L ? lo : L;
                        H = hi < H ? hi : H;
                    }
                    if (H < L) H = L;
                }
                for (int64_t j = 0; j < KW; j++) {
                    const int64_t off = j * DWl - PL;
                    int64_t lo, hi;
                    qdw_valid_cols(off, SW, IW, OW, &lo, &hi);
                    lo = lo > c0 ? lo : c0;
                    hi = hi < c1 ? hi : c1;
                    const int32_t wv = wr[j];
                    int32_t *a = acc - c0;
                    if (fast) { /* only the border columns outside [L, H) */
                        const int64_t e1 = hi < L ? hi : L;
                        for (int64_t ow = lo; ow < e1; ow++) a[ow] += ((int32_t)irow[ow * SW + off] - za) * wv;
                        const int64_t s2 = lo > H ? lo : H;
                        for (int64_t ow = s2; ow < hi; ow++) a[ow] += ((int32_t)irow[ow * SW + off] - za) * wv;
                    } else if (SW == 1) {
                        const uint8_t *x = irow + off;
                        for (int64_t ow = lo; ow < hi; ow++) a[ow] += (int32_t)(int16_t)(((int32_t)x[ow] - za) * wv);
                    } else {
                        for (int64_t ow = lo; ow < hi; ow++) a[ow] += ((int32_t)irow[ow * SW + off] - za) * wv;
                    }
                }
                if (fast && L < H) {
                    const int32_t w0 = wr[0], w1 = wr[1], w2 = wr[2];
                    int32_t *a = acc - c0;
                    if (SW == 1) {
                        const uint8_t *x = irow - PL;
                        for (int64_t ow = L; ow < H; ow++) {
                            const int16_t p0 = (int16_t)(((int32_t)x[ow] - za) * w0);
                            const int16_t p1 = (int16_t)(((int32_t)x[ow + 1] - za) * w1);
                            const int16_t p2 = (int16_t)(((int32_t)x[ow + 2] - za) * w2);
                            a[ow] += (int32_t)p0 + (int32_t)p1 + (int32_t)p2;
                        }
                    } else {
                        const uint8_t *x = irow - PL;
                        for (int64_t ow = L; ow < H; ow++) {
                            const int16_t p0 = (int16_t)(((int32_t)x[2 * ow] - za) * w0);
                            const int16_t p1 = (int16_t)(((int32_t)x[2 * ow + 1] - za) * w1);
                            const int16_t p2 = (int16_t)(((int32_t)x[2 * ow + 2] - za) * w2);
                            a[ow] += (int32_t)p0 + (int32_t)p1 + (int32_t)p2;
                        }
                    }
                }
            }
            epi(acc, n, e, out + (size_t)(oh * OW + c0) * esz);
        }
    }
}

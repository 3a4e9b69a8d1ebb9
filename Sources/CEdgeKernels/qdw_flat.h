/*
 * qdw_flat.h — padded-plane ("flat") int8 depthwise conv of one channel, instantiated once per ISA by
 * qconv.c through qdw_plane.h (#define QDW_FLAT / QDW_ATTR). Not a public header.
 *
 * Any kernel size, stride and dilation (the 3×3 stride 1/2 case keeps its ISA row kernel). A strip of
 * output rows is computed from a polyphase padded copy of its input rows: int16 (x - za), padding 0,
 * split into SH × SW phase planes (plane (ph, pw) holds padded rows ≡ ph mod SH, columns ≡ pw mod SW),
 * each RR rows × SPW columns. Output (r, c) of the strip then reads, for tap (i, j), phase plane
 * ((i·DH) mod SH, (j·DW) mod SW) at row r + i·DH / SH, column c + j·DW / SW, so with the flat index
 * t = r·SPW + c every tap is one contiguous multiply-add over the whole strip:
 *     acc[t] += (int16)(plane[t + shift] · w)        (|x - za| <= 255, |w| <= 128: product fits int16)
 * Columns c in [OW, SPW) of each row are junk (they read the next row) and are never stored.
 * Integer sums are exact, so the result equals the direct reference bit for bit on every ISA.
 */
#ifndef QDW_FLAT_BUF
#define QDW_FLAT_BUF 8192 /* int16 phase-plane elements per strip (16 KiB of stack) */
#define QDW_FLAT_ACC 4096 /* int32 accumulators per strip */

/* Rows per strip for this geometry, or 0 if the flat path does not apply (too wide). */
static inline int64_t qdw_flat_rows(const ek_conv2d_geometry *g) {
    const int64_t SH = g->stride_h, SW = g->stride_w;
    const int64_t pwt = (g->out_w - 1) * SW + (g->kernel_w - 1) * g->dilation_w + 1;
    const int64_t spw = (pwt + SW - 1) / SW, extra = (g->kernel_h - 1) * g->dilation_h / SH;
    if (SH > 4 || SW > 4) return 0;
    int64_t rows = QDW_FLAT_BUF / (SH * SW * spw) - extra;
    if (rows > QDW_FLAT_ACC / spw) rows = QDW_FLAT_ACC / spw;
    if (rows > g->out_h) rows = g->out_h;
    return rows > 0 ? rows : 0;
}
#endif

QDW_ATTR static void QDW_FLAT(const uint8_t *in, const int8_t *w, int32_t za, const ek_conv2d_geometry *g,
                              const ek__qepi *e, ek__qepi_fn epi, uint8_t *out, size_t esz, int64_t strip) {
    const int64_t IH = g->in_h, IW = g->in_w, KH = g->kernel_h, KW = g->kernel_w;
    const int64_t SH = g->stride_h, SW = g->stride_w, DH = g->dilation_h, DWl = g->dilation_w;
    const int64_t OH = g->out_h, OW = g->out_w, PT = g->pad_top, PL = g->pad_left;
    const int64_t pwt = (OW - 1) * SW + (KW - 1) * DWl + 1, spw = (pwt + SW - 1) / SW;
    const int64_t RR = strip + (KH - 1) * DH / SH;
    int16_t buf[QDW_FLAT_BUF];
    int32_t acc[QDW_FLAT_ACC];
    for (int64_t oh0 = 0; oh0 < OH; oh0 += strip) {
        const int64_t nr = OH - oh0 < strip ? OH - oh0 : strip, len = (nr - 1) * spw + OW;
        /* fill the phase planes of this strip */
        for (int64_t ph = 0; ph < SH; ph++)
            for (int64_t pw = 0; pw < SW; pw++) {
                int16_t *pl = buf + (ph * SW + pw) * RR * spw;
                for (int64_t r = 0; r < RR; r++) {
                    int16_t *d = pl + r * spw;
                    const int64_t ih = oh0 * SH + r * SH + ph - PT;
                    if (ih < 0 || ih >= IH) {
                        for (int64_t c = 0; c < spw; c++) d[c] = 0;
                        continue;
                    }
                    const uint8_t *x = in + ih * IW;
                    const int64_t off = pw - PL; /* column c reads x[c·SW + off] */
                    int64_t lo, hi;
                    qdw_valid_cols(off, SW, IW, spw, &lo, &hi);
                    for (int64_t c = 0; c < lo; c++) d[c] = 0;
                    if (SW == 1)
                        for (int64_t c = lo; c < hi; c++) d[c] = (int16_t)((int32_t)x[c + off] - za);
                    else
                        for (int64_t c = lo; c < hi; c++) d[c] = (int16_t)((int32_t)x[c * SW + off] - za);
                    for (int64_t c = hi; c < spw; c++) d[c] = 0;
                }
            }
        for (int64_t t = 0; t < len; t++) acc[t] = 0;
        for (int64_t i = 0; i < KH; i++) {
            const int64_t oi = i * DH, ph = oi % SH, di = oi / SH;
            for (int64_t j = 0; j < KW; j++) {
                const int64_t oj = j * DWl, pw = oj % SW, dj = oj / SW;
                const int16_t *x = buf + ((ph * SW + pw) * RR + di) * spw + dj;
                const int16_t wv = w[i * KW + j];
                for (int64_t t = 0; t < len; t++) acc[t] += (int32_t)(int16_t)(x[t] * wv);
            }
        }
        for (int64_t r = 0; r < nr; r++) epi(acc + r * spw, OW, e, out + (size_t)((oh0 + r) * OW) * esz);
    }
}

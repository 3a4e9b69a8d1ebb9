/*
 * conv_dw_same_avx512.c — whole-plane depthwise convolution for stride 1 with output width == input width
 * ("same" padding along W; any kernel up to 7×7, any dilation, any top/bottom padding), AVX-512F.
 *
 * Why: on small planes (DS-CNN 25×20, MobileNet 20×20 / 7×7) the padded-plane path spends more time
 * copying the plane in and the result out than in its FMAs, and per-row vectors waste most lanes
 * (20 columns = 16 + 4). Here the output plane is walked as ONE flat sequence p = oh·W + ow, 16
 * outputs per zmm regardless of row boundaries, reading the input in place: because OW == W, tap
 * (i, j) of output p is input element p + (i·DH − PT)·W + (j·DW − PL) of the same flat plane. Only
 * padding needs care and it becomes load masks:
 *   - column mask per tap column j: lanes whose column ow + j·DW − PL falls inside [0, W) (the lane's
 *     column index is carried in an int32 vector, advanced by 16 mod W per step);
 *   - row mask per tap row i (only in the first/last vectors of the plane): lanes whose input row is
 *     inside the plane, i.e. whose flat input index is in [0, H·W) — masked lanes are never read
 *     (AVX-512 masked loads suppress faults), so nothing outside the channel's plane is touched.
 * Bias and piecewise-linear activations are fused into the store; the output is written once.
 */
#if defined(__x86_64__)
#include "internal.h"

#include <immintrin.h>
#include <math.h>

#define T EK__TARGET_AVX512
#include "act_pl_avx512.h"

/* Mask of lanes whose flat input index base + lane lies inside the plane (edge rows only). */
EK__INLINE T __mmask16 plane_mask(int64_t base, int64_t plane) {
    const __m512i q = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                       _mm512_set1_epi32((int32_t)base));
    return _mm512_cmpge_epi32_mask(q, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(q, _mm512_set1_epi32((int32_t)plane));
}

/* With DIRECT set, even tap rows read each tap with its own masked unaligned load and only odd rows go through the
 * sliding window: loads (split cache lines, about one zmm every two cycles here) and permutes (vector pipes shared
 * with the FMAs) then cost about the same. Measured on 3×3: 1.13× faster on 40² and 80² planes, 0.85× on 10² and
 * 7² (more edge steps) and on 5×5 (so only the large-plane 3×3 instance uses it). */
#define EK__DWSAME_DIRECT_ROW(i) (DIRECT && ((i) & 1) == 0)

/* The window row shifted by c (|c| <= 16) columns, lanes outside the row zeroed by m: v[0..2] = the vectors before,
 * at and after the output vector. Constant ±1 / ±2 shifts (the 3×3 / 5×5 instances) use valignd with an immediate,
 * other shifts a two-source permute by idx. */
/* maskz valignd by an immediate (elements), as inline asm: clang rewrites the intrinsic into a two-source permute
 * with an index register (vpermt2ps), which is what this avoids. _mm512_maskz_alignr_epi32(m, hi, lo, N). */
#define EK__VALIGND_Z(N, m, hi, lo)                                                                      \
    ({                                                                                                   \
        __m512 r_;                                                                                       \
        __asm__("valignd $" #N ", %2, %1, %0%{%3%}%{z%}" : "=v"(r_) : "v"(hi), "v"(lo), "Yk"(m));        \
        r_;                                                                                              \
    })

EK__INLINE T __m512 shifted(const int c, __mmask16 m, const __m512 *v, __m512i idx) {
    switch (c) {
    case 0: return v[1]; /* offset 0: always inside the row */
    case -1: return EK__VALIGND_Z(15, m, v[1], v[0]);
    case -2: return EK__VALIGND_Z(14, m, v[1], v[0]);
    case 1: return EK__VALIGND_Z(1, m, v[2], v[1]);
    case 2: return EK__VALIGND_Z(2, m, v[2], v[1]);
    default:
        return c < 0 ? _mm512_maskz_permutex2var_ps(m, v[0], idx, v[1]) : _mm512_maskz_permutex2var_ps(m, v[1], idx, v[2]);
    }
}

/* NV output vectors at flat position p. win[i·4 + k] holds tap row i's input vectors at flat offsets 16·(k − 1)
 * from p (+ the row offset): k = 0, 1 are carried over from the previous step, k = 2 … NV + 1 are loaded here
 * (masked to the plane on edge steps). Every tap column is a zero-masking two-source permute of neighbouring
 * window vectors (column padding = the mask, cm[k·KW + j] for output vector k). Unaligned zmm loads split cache
 * lines and are this core's bottleneck (about one every two cycles), so each input vector is loaded once per tap
 * row instead of once per tap; the window then slides by NV. */
EK__INLINE T void window_step(const int KH, const int KW, const int PL_, const int NV, const int DIRECT, const int edge, const float *in, int64_t p,
                              int64_t plane, const int64_t *roff, const int32_t *coff, const __m512i *idx,
                              const uint16_t *cm, __m512 *win, const __m512 *wv, const float *w, __m512 vb, __m512 *res) {
    __m512 acc[2][2];
#pragma GCC unroll 2
    for (int k = 0; k < NV; k++) {
        acc[k][0] = vb;
        acc[k][1] = _mm512_setzero_ps();
    }
#pragma GCC unroll 7
    for (int i = 0; i < KH; i++) {
        if (EK__DWSAME_DIRECT_ROW(i)) {
#pragma GCC unroll 7
            for (int j = 0; j < KW; j++) {
                const __m512 wt = wv ? wv[i * KW + j] : _mm512_set1_ps(w[i * KW + j]);
#pragma GCC unroll 2
                for (int k = 0; k < NV; k++) {
                    const int64_t base = p + 16 * k + roff[i];
                    const __mmask16 m = edge ? (__mmask16)(cm[k * KW + j] & plane_mask(base, plane)) : cm[k * KW + j];
                    acc[k][i & 1] = _mm512_fmadd_ps(wt, _mm512_maskz_loadu_ps(m, in + base + coff[j]), acc[k][i & 1]);
                }
            }
            continue;
        }
        __m512 *v = win + i * 4;
#pragma GCC unroll 2
        for (int k = 2; k < NV + 2; k++) {
            const int64_t base = p + 16 * (k - 1) + roff[i];
            v[k] = edge ? _mm512_maskz_loadu_ps(plane_mask(base, plane), in + base) : _mm512_loadu_ps(in + base);
        }
#pragma GCC unroll 7
        for (int j = 0; j < KW; j++) {
            const __m512 wt = wv ? wv[i * KW + j] : _mm512_set1_ps(w[i * KW + j]);
#pragma GCC unroll 2
            for (int k = 0; k < NV; k++) {
                const __m512 x = shifted(PL_ >= 0 ? j - PL_ : coff[j], cm[k * KW + j], v + k, idx[j]);

                acc[k][i & 1] = _mm512_fmadd_ps(wt, x, acc[k][i & 1]);
            }
        }
        v[0] = v[NV];
        v[1] = v[NV + 1];
    }
#pragma GCC unroll 2
    for (int k = 0; k < NV; k++) res[k] = _mm512_add_ps(acc[k][0], acc[k][1]);
}

/* Column masks of every step: the lanes' columns repeat every `period` = W / gcd(W, 16) vectors, so
 * cm[s·KW + j] (lanes of step s mod period whose column + coff[j] lies in [0, W)) is tabulated once per call
 * instead of being compared per vector — on this core's double-pumped 512-bit pipes every vector op counts. */
static int64_t col_mask_table(int64_t W, int KW, const int32_t *coff, uint16_t *cm) {
    int64_t period = W;
    for (int64_t d = 16; d > 1; d /= 2)
        if (W % d == 0) { period = W / d; break; }
    for (int64_t s = 0; s < period; s++)
        for (int j = 0; j < KW; j++) {
            uint16_t m = 0;
            for (int l = 0; l < 16; l++) {
                const int64_t c = (s * 16 + l) % W + coff[j];
                if (c >= 0 && c < W) m |= (uint16_t)(1u << l);
            }
            cm[s * KW + j] = m;
        }
    return period;
}

/* Channels [oc0, oc1). KH/KW/PL_ are compile-time constants in the specialised instances (3×3 pad 1, 5×5 pad 2,
 * dilation 1: offsets and weights in registers) and 0/0/−1 in the generic one (read from g at run time). KIND_ is
 * EK_ACT_CLIP for the clamp instance (none / relu / clip as min(max(x, lo), hi)) or −1 (kind read at run time). */
EK__INLINE T void dwsame_tpl(const int KH_, const int KW_, const int PL_, const int KIND_, const int DIRECT,
                             const float *input,
                             const float *weights, const float *bias, float *output, const ek_conv2d_geometry *g,
                             int64_t mult, int64_t oc0, int64_t oc1, int kind_rt, float alpha, float beta) {
    const int KH = KH_ ? KH_ : (int)g->kernel_h, KW = KW_ ? KW_ : (int)g->kernel_w;
    const int kind = KIND_ >= 0 ? KIND_ : kind_rt;
    const int64_t H = g->in_h, W = g->in_w, plane = H * W, n = g->out_h * W;
    int64_t roff[7];
    int32_t coff[7];
    __m512i idx[7];
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (int i = 0; i < KH; i++) roff[i] = (i * g->dilation_h - g->pad_top) * W;
    for (int j = 0; j < KW; j++) {
        /* |coff| <= 16: see dwsame_applies */
        coff[j] = PL_ >= 0 ? j - PL_ : (int32_t)(j * g->dilation_w - g->pad_left);
        idx[j] = _mm512_add_epi32(lane, _mm512_set1_epi32(coff[j] < 0 ? 16 + coff[j] : coff[j]));
    }
    /* mask table over two periods so that step s and s + 1 (s < period) are both in it */
    uint16_t cm_tab[2 * EK__DWSAME_MAX_PERIOD * 7];
    const int64_t period = col_mask_table(W, KW, coff, cm_tab);
    for (int64_t t = 0; t < period * KW; t++) cm_tab[period * KW + t] = cm_tab[t];
    /* step loads at [p + 16 + roff, p + 16·(NV + 1) + roff) must lie inside the plane to go unmasked */
    int64_t minr = roff[0], maxr = roff[0];
    for (int i = 1; i < KH; i++) {
        if (roff[i] < minr) minr = roff[i];
        if (roff[i] > maxr) maxr = roff[i];
    }
    const int64_t lo = DIRECT ? -minr : -16 - minr; /* direct rows read from p + roff on, windows from p + roff − 16 */
    const __m512 al = _mm512_set1_ps(alpha), be = _mm512_set1_ps(beta);
    /* clamp instance: bounds from the run-time kind (none / relu / clip) */
    const __m512 clo = _mm512_set1_ps(kind_rt == EK_ACT_CLIP ? alpha : kind_rt == EK_ACT_RELU ? 0.0f : -INFINITY);
    const __m512 chi = _mm512_set1_ps(kind_rt == EK_ACT_CLIP ? beta : INFINITY);
    for (int64_t oc = oc0; oc < oc1; oc++) {
        const float *in = input + (oc / mult) * plane, *w = weights + oc * KH * KW;
        float *out = output + oc * n;
        __m512 wreg[KH_ && KH_ * KW_ <= 25 ? KH_ * KW_ : 1];
        const __m512 *wv = NULL;
        if (KH_ && KH_ * KW_ <= 25) {
            for (int t = 0; t < KH_ * KW_; t++) wreg[t] = _mm512_set1_ps(w[t]);
            wv = wreg;
        }
        __m512 win[7 * 4];
        for (int i = 0; i < KH; i++) {
            if (EK__DWSAME_DIRECT_ROW(i)) continue;
            win[i * 4] = _mm512_maskz_loadu_ps(plane_mask(roff[i] - 16, plane), in + roff[i] - 16);
            win[i * 4 + 1] = _mm512_maskz_loadu_ps(plane_mask(roff[i], plane), in + roff[i]);
        }
        const __m512 vb = _mm512_set1_ps(bias ? bias[oc] : 0.0f);
        int64_t p = 0, s = 0;
        __m512 r[2];
#define EK_DWSAME_OUT(K)                                                                                         \
        {                                                                                                        \
            const int64_t q = p + 16 * (K);                                                                      \
            const __m512 y = KIND_ == EK_ACT_CLIP ? _mm512_min_ps(_mm512_max_ps(r[K], clo), chi)                 \
                                                  : act_pl_avx512(r[K], kind, al, be, al, be);                   \
            if (n - q >= 16) _mm512_storeu_ps(out + q, y);                                                       \
            else _mm512_mask_storeu_ps(out + q, (__mmask16)((1u << (n - q)) - 1), y);                             \
        }
#define EK_DWSAME_STEP(NV, EDGE)                                                                                 \
        {                                                                                                        \
            window_step(KH, KW, PL_, NV, DIRECT, EDGE, in, p, plane, roff, coff, idx, cm_tab + s * KW, win, wv, w, vb, r);    \
            EK_DWSAME_OUT(0)                                                                                     \
            if (NV == 2) EK_DWSAME_OUT(1)                                                                        \
            s += NV;                                                                                             \
            while (s >= period) s -= period;                                                                     \
        }
        for (; p < n && p < lo; p += 16) EK_DWSAME_STEP(1, 1)
        if (KW_ && KW_ <= 3)
            for (; p + 32 <= n && p + 48 + maxr <= plane; p += 32) EK_DWSAME_STEP(2, 0)
        for (; p + 16 <= n && p + 32 + maxr <= plane; p += 16) EK_DWSAME_STEP(1, 0)
        for (; p < n; p += 16) EK_DWSAME_STEP(1, 1)
#undef EK_DWSAME_STEP
#undef EK_DWSAME_OUT
    }
}

T int ek__dwsame_avx512(const float *in, const float *w, const float *bias, float *out, const ek_conv2d_geometry *g,
                        int64_t mult, int64_t oc0, int64_t oc1, ek_activation act) {
    const int kind = act.kind;
    if (kind == EK_ACT_SIGMOID || kind == EK_ACT_TANH || kind < 0 || kind > EK_ACT_HARD_SWISH) return 0;
    const int d1 = g->dilation_w == 1, clamp = kind == EK_ACT_NONE || kind == EK_ACT_RELU || kind == EK_ACT_CLIP;
    const int big = g->out_h * g->out_w >= 1024;
    const float a = act.alpha, b = act.beta;
    if (g->kernel_h == 3 && g->kernel_w == 3 && d1 && g->pad_left == 1) {
        if (clamp && big) dwsame_tpl(3, 3, 1, EK_ACT_CLIP, 1, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
        else if (clamp) dwsame_tpl(3, 3, 1, EK_ACT_CLIP, 0, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
        else if (big) dwsame_tpl(3, 3, 1, -1, 1, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
        else dwsame_tpl(3, 3, 1, -1, 0, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
    } else if (g->kernel_h == 5 && g->kernel_w == 5 && d1 && g->pad_left == 2) {
        if (clamp) dwsame_tpl(5, 5, 2, EK_ACT_CLIP, 0, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
        else dwsame_tpl(5, 5, 2, -1, 0, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
    } else {
        dwsame_tpl(0, 0, -1, -1, 0, in, w, bias, out, g, mult, oc0, oc1, kind, a, b);
    }
    return 1;
}
#endif

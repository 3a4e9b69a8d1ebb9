/*
 * edge_qkernels.h — EdgeAssistant quantized and sparse micro-kernels (compression toolkit).
 *
 * Companion of edge_kernels.h (same conventions: run-time ISA dispatch through ek_set_isa, `pool`
 * may be NULL, no allocation in run paths, packed buffers sized by *_size calls, 64-byte aligned).
 * An engine prepares once (packs weights, precomputes per-channel constants) and then runs many
 * times. Packed buffers are ISA-independent (packed under one ISA, usable under any other).
 *
 *   int8 GEMM     u8 activations (per-tensor scale sa, zero point za) × s8 weights (symmetric,
 *                 per-output-channel scale sw[c]) → int32 → requantized u8 or float32.
 *   int8 conv     im2col (u8, padding = za) + GEMM; depthwise conv (NCHW) with the same scheme.
 *   int4 GEMM     weight-only: s4 weights in groups of G along K, float32 activations/outputs.
 *   embeddings    dequantize rows of an int4 / int8 table (Gather on a quantized table).
 *   sparse GEMM   fp32 Y = W·X with W unstructured-sparse (CSR built at pack time).
 *
 * Scratch: the int8 GEMM interleaves the run-time u8 operand into the calling thread's sgemm
 * packing arena (see ek_thread_scratch_reserve; pool workers reserve theirs at creation), so
 * steady-state calls do not allocate. Depthwise, int4, embedding and sparse kernels use no scratch.
 * Dispatch: ek_set_isa selects the ISA; ek_q_set_dot toggles the dot-product kernels (AVX-512 VNNI,
 * ARMv8.2 ASIMDDP). The VEX AVX-VNNI of client CPUs is not used (AVX2 vpmaddwd path there).
 *
 * ---- Why u8 activations × s8 weights -------------------------------------------------------
 * VNNI `vpdpbusd` multiplies u8 × s8 natively; ONNX QLinearConv / QDQ activations are u8 with a
 * zero point, weights s8 symmetric. Weights are symmetric (no weight zero point), so the zero
 * point correction is one precomputed int32 per channel: Σ_k (a - za)·w = acc - za·wsum[c].
 * NEON has no u8×s8 dot (before i8mm), so the NEON path feeds a ^ 0x80 = a - 128 (as s8) to
 * sdot / smull and corrects with (za - 128)·wsum[c]: same integer, bit-exact.
 *
 * ---- Exactness and the K limit ---------------------------------------------------------------
 * Every int8 result (int32 accumulators, requantized u8, float32 outputs with kind NONE/RELU/CLIP)
 * is bit-exact across scalar, AVX2, AVX-512 (VNNI), NEON (sdot or smull/sadalp). The scalar
 * reference is the specification. |(a - za)·w| <= 255·128 = 32640, so Σ over K <= 65536 terms is
 * < 2^31: K is limited to EK_QGEMM_MAX_K (enforced: larger K → the call returns -1 and writes
 * nothing). Intermediate int32 arithmetic wraps (two's complement), so only the final value
 * v = Σ(a - za)·w + bias_i32[c] must fit in int32 (the caller's bias must leave that room).
 *
 * ---- Requantization (the spec; identical operations in every ISA) ----------------------------
 *   v   = Σ_k (a[k] - za)·w[k] + (bias_i32 ? bias_i32[c] : 0)                  (int32)
 *   m   = multiplier[c] * scale                                                (float32, RNE)
 *   u8 output:  f = (float)v * m;  f = min(max(f, qmin - zo), qmax - zo);
 *               y = round_half_even(f) + zo                                    (uint8)
 *   f32 output: y = bias_f32 ? fmaf((float)v, m, bias_f32[c]) : (float)v * m;  y = act(y)
 * For u8 output with static quantization pass multiplier[c] = sa·sw[c]/so, scale = 1.
 * For float output pass multiplier[c] = sw[c], scale = sa (e.g. from ek_quantize_u8_dynamic).
 * Fused ReLU / Clip on u8 output are the clamp [qmin, qmax] (ek_q_act_bounds); act must then be
 * NONE. Float output: RELU / CLIP exact; sigmoid/tanh/... use the ISA's ek activation (same
 * tolerance as ek_sgemm's epilogue).
 *
 * ---- Packed int8 weight layouts (bytes) -------------------------------------------------------
 * Every packed buffer starts with a 64-byte header, then int32 wsum[round_up(C, 16)] (Σ_k w[c][k]
 * per output channel c), then panels. K is padded to Kp = round_up(K, 4) with zero weights.
 *
 *  ek_qgemm_pack_a  (conv: out[M=Cout, N=HW] = W[M, K] · col[K, N]) — 4-row panels:
 *    panel p (rows 4p..4p+3), Kp·4 bytes:
 *      +------------------+------------------+-----
 *      | g=0: r0 k0..k3   | r1 k0..k3 | r2 | r3 |  g=1: r0 k4..k7 ...     16 bytes per k-group
 *      +------------------+------------------+-----
 *    rows past M are zero.
 *  ek_qgemm_pack_b  (Gemm/MatMul: Y[M, N] = X[M, K] · W[K, N]) — 16-column panels:
 *    panel q (columns 16q..16q+15), Kp·16 bytes:
 *      +---------------+---------------+-----+----------------+-----
 *      | g=0: n0 k0..3 | n1 k0..3      | ... | n15 k0..3      | g=1 ...     64 bytes per k-group
 *      +---------------+---------------+-----+----------------+-----
 *    columns past N are zero. (One 64-byte group = one zmm operand of vpdpbusd.)
 *  Conv weights must use pack_a and Gemm weights pack_b: the output channel must be the row of
 *  the output for pack_a (NCHW) and the column for pack_b (row-major [M, N]).
 *
 * ---- Packed int4 GEMM layout (ek_q4gemm_pack) ---------------------------------------------------
 *  64-byte header, then panels of 16 output columns; panel q holds ng = ceil(K/G) groups:
 *      +--------------------------+------------------------------------------------+
 *      | scales: 16 × float (64 B) | G rows × 8 B: byte j of row k = col 2j (low     |
 *      |                          | nibble) | col 2j+1 (high nibble), s4 two's compl. |
 *      +--------------------------+------------------------------------------------+
 *  = 64 + 8·G bytes per group; rows past K and columns past N are zero.
 *
 * ---- Packed int4 / int8 embedding rows (ek_q4_rows_pack / ek_q8_rows_pack) ---------------------
 *  int4: row r at r·row_bytes, row_bytes = 4·ceil(D/G) + round_up(ceil(D/2), 4):
 *        [float scale per group of G elements][nibbles: element 2j low, 2j+1 high]
 *  int8: row r at r·(4 + round_up(D, 4)): [float scale][D × s8]
 *
 * ---- Sparse (CSR) layout (ek_spgemm_pack) -------------------------------------------------------
 *  64-byte header, int32 row_ptr[M + 1], int32 k[nnz], float w[nnz] (each array 64-byte aligned).
 */
#ifndef EDGE_QKERNELS_H
#define EDGE_QKERNELS_H

#include "edge_kernels.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { EK_QGEMM_MAX_K = 65536 };

typedef enum {
    EK_QOUT_U8 = 0,   /* requantized uint8 */
    EK_QOUT_F32 = 1,  /* dequantized float32 */
} ek_qout_type;

/** Output stage of the int8 kernels (see "Requantization" above). Arrays are per output channel. */
typedef struct {
    const float *multiplier;   /* [channels] required */
    const int32_t *bias_i32;   /* [channels] or NULL: added to the int32 accumulator */
    const float *bias_f32;     /* [channels] or NULL: float output only */
    float scale;               /* m = multiplier[c] * scale */
    int32_t a_zero_point;      /* za, 0..255 */
    int32_t out_zero_point;    /* zo, 0..255 (u8 output) */
    int32_t qmin, qmax;        /* u8 output clamp, 0 <= qmin <= qmax <= 255 */
    ek_activation act;         /* float output only */
} ek_qoutput;

/* ---- dot-product extension control (tests / benchmarks) --------------------------------- */

/** 1 if the CPU has the int8 dot-product extension used by the active ISA (AVX-512 VNNI / ASIMDDP). */
int ek_q_cpu_has_dot(void);
/** Enables (1) or disables (0) the dot-product kernels (clamped to CPU support); returns the previous setting.
 *  Disabled: AVX-512 uses the AVX2 vpmaddwd kernel, NEON uses smull/sadalp. */
int ek_q_set_dot(int enable);
/** Name of the int8 GEMM kernel that ek_qgemm_* would use now ("avx512-vnni", "avx2-pmaddwd", "neon-sdot",
 *  "neon-smull", "scalar"). */
const char *ek_q_kernel_name(void);

/* ---- quantization helpers ------------------------------------------------------------------- */

/** Per-tensor u8 parameters for data in [min, max] (range widened to contain 0):
 *  scale = (max - min) / 255 (1 if 0), zp = clamp(round_half_even(-min / scale), 0, 255). */
void ek_q_choose_params_u8(float min, float max, float *scale, int32_t *zero_point);
/** q[i] = clamp(round_half_even(x[i] * (1 / scale)) + zp, 0, 255), 1/scale computed in float32.
 *  Bit-exact across ISAs. */
void ek_quantize_u8(const float *x, uint8_t *q, size_t n, float scale, int32_t zero_point);
/** Dynamic quantization of a float32 row-major [rows, cols] matrix (row stride ld) to u8 [rows, cols]
 *  (row stride ldq) with per-tensor min/max parameters; returns them in *scale / *zero_point. */
void ek_quantize_u8_dynamic(const float *x, int64_t rows, int64_t cols, int64_t ld, uint8_t *q, int64_t ldq,
                            float *scale, int32_t *zero_point);
/** Symmetric per-row (per-output-channel) s8 quantization of float weights [rows, cols]:
 *  scale[r] = max|w| / 127 (1 if 0), q = clamp(round_half_even(w / scale[r]), -127, 127). */
void ek_quantize_s8_per_row(const float *w, int64_t rows, int64_t cols, int64_t ld, int8_t *q, float *scales);
/** Clamp range of a fused activation on u8 output with scale so and zero point zo: NONE → [0, 255],
 *  RELU → [zo, 255], CLIP(a, b) → [clamp(rint(a/so) + zo), clamp(rint(b/so) + zo)].
 *  Returns 0, or -1 if the activation is not a clamp (use EK_QOUT_F32 then). */
int ek_q_act_bounds(ek_activation act, float out_scale, int32_t out_zero_point, int32_t *qmin, int32_t *qmax);

/* ---- element-wise 8-bit kernels (qelementwise.c; bit-exact across ISAs) ------------------------ */

/** ONNX QuantizeLinear of one run sharing scale and zero point, with the spec's division:
 *  q = clamp(x[i] / scale, ±2^22) (NaN → -2^22), y[i] = low byte of clamp(round_half_even(q) + zero, lo, hi).
 *  lo, hi = 0, 255 for uint8 output or -128, 127 for int8 (two's complement bytes); zero is the
 *  zero point as a float (an integer in [lo, hi]). */
void ek_quantize_linear(const float *x, uint8_t *y, size_t n, float scale, float zero, float lo, float hi);
/** ONNX DequantizeLinear of one run: y[i] = (float)(x[i] - zero) · scale, x uint8 (is_signed 0) or int8 (1). */
void ek_dequantize_linear(const uint8_t *x, float *y, size_t n, float scale, int32_t zero, int is_signed);
/** y[i] = table[x[i]] (256-entry byte table; AVX-512 VBMI vpermi2b, AVX2 vpshufb, NEON tbl). y may equal x. */
void ek_lookup_u8(const uint8_t *x, uint8_t *y, size_t n, const uint8_t *table);

/* ---- int8 GEMM ---------------------------------------------------------------------------------- */

/** Bytes of a packed weight buffer (header + wsum + panels). */
size_t ek_qgemm_packed_a_size(int64_t M, int64_t K);
size_t ek_qgemm_packed_b_size(int64_t K, int64_t N);
/** Conv weights: A[M, K] (trans_a = 0, row stride lda) or Aᵀ stored [K, M] (trans_a = 1). */
void ek_qgemm_pack_a(int trans_a, int64_t M, int64_t K, const int8_t *A, int64_t lda, void *packed);
/** Gemm weights: B[K, N] (trans_b = 0, row stride ldb) or Bᵀ stored [N, K] (trans_b = 1, ONNX transB). */
void ek_qgemm_pack_b(int trans_b, int64_t K, int64_t N, const int8_t *B, int64_t ldb, void *packed);

/**
 * Conv-as-GEMM: C[M, N] = requant(W · B), W packed by ek_qgemm_pack_a, B u8 [K, N] (row stride ldb),
 * channel c = row. C is uint8 (out_type EK_QOUT_U8) or float (EK_QOUT_F32), row stride ldc elements.
 * Returns 0, or -1 on invalid arguments (K > EK_QGEMM_MAX_K, packed buffer of other dimensions).
 */
int ek_qgemm_packed_a(int64_t M, int64_t N, int64_t K, const void *packed_a, const uint8_t *B, int64_t ldb,
                      void *C, int64_t ldc, int out_type, const ek_qoutput *q, ek_pool *pool);
/** Gemm/MatMul: C[M, N] = requant(A · W), A u8 [M, K] (row stride lda), W packed by ek_qgemm_pack_b,
 *  channel c = column. Otherwise as ek_qgemm_packed_a. */
int ek_qgemm_packed_b(int64_t M, int64_t N, int64_t K, const uint8_t *A, int64_t lda, const void *packed_b,
                      void *C, int64_t ldc, int out_type, const ek_qoutput *q, ek_pool *pool);

/* ---- int8 convolution helpers (NCHW, one image) ---------------------------------------------- */

/** im2col of a u8 image: col[(c·kh + i)·kw + j][oh·out_w + ow], `pad_value` (= za) in the padding. */
void ek_im2col_u8(const uint8_t *input, uint8_t *col, const ek_conv2d_geometry *g, uint8_t pad_value);

/**
 * int8 depthwise conv: input u8 [channels, in_h, in_w] (zero point q->a_zero_point; padding counts as
 * za, i.e. contributes 0), weights s8 [channels·multiplier, kh, kw], output channel oc reads input
 * channel oc / multiplier; output u8 or float [channels·multiplier, out_h, out_w] via `q` (channel = oc).
 * 3×3 stride 1/2 dilation 1 takes an ISA row kernel, other shapes a padded-plane path (exact integer
 * sums either way, so bit-exact across ISAs). Returns 0, or -1 on invalid arguments.
 */
int ek_qconv2d_depthwise(const uint8_t *input, const int8_t *weights, void *output, int out_type,
                         const ek_conv2d_geometry *g, int64_t multiplier, const ek_qoutput *q, ek_pool *pool);

/* ---- int4 weight-only GEMM ------------------------------------------------------------------------ */

/** Symmetric int4 quantization in groups of `group` along K of float weights W[K, N] (trans = 0) or
 *  [N, K] (trans = 1): per (column n, group g) scale = max|w| / 7 (1 if 0), q = clamp(rint(w / s), -8, 7).
 *  Writes q as int8 values in [-8, 7] with the same layout as W (ldq) and scales[n · ceil(K/G) + g]. */
void ek_q4_quantize(int trans, int64_t K, int64_t N, int64_t group, const float *W, int64_t ldw, int8_t *q,
                    int64_t ldq, float *scales);
size_t ek_q4gemm_packed_size(int64_t K, int64_t N, int64_t group);
/** Packs int4 values (int8 in [-8, 7], layout [K, N] or [N, K] per trans) + scales[n · ceil(K/G) + g]. */
void ek_q4gemm_pack(int trans, int64_t K, int64_t N, int64_t group, const int8_t *q, int64_t ldq,
                    const float *scales, void *packed);
/**
 * C[M, N] = act(A[M, K] · dequant(W) + bias[n]) with A, C float32 (lda, ldc), bias nullable (per column).
 * Tolerance vs the scalar path: the float accumulation order inside a group is the same, but vector
 * paths use FMA: |Δ| <= 2e-7·(K + 8)·Σ|a·w| (+ the activation's own tolerance). Returns 0 or -1.
 */
int ek_q4gemm(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const void *packed, float *C,
              int64_t ldc, const float *bias, ek_activation act, ek_pool *pool);

/* ---- quantized embedding tables (Gather) ------------------------------------------------------- */
/* Portable C (a Gather is memory-bound: one row of D values per index); values are exactly q·scale. */

size_t ek_q4_rows_size(int64_t rows, int64_t dim, int64_t group);
/** Quantizes a float table [rows, dim] to int4 rows (symmetric, groups of `group` along dim). */
void ek_q4_rows_pack(int64_t rows, int64_t dim, int64_t group, const float *table, void *packed);
/** out[i, :] = dequant(row indices[i]) for i < n; returns 0, or -1 if an index is outside [0, rows). */
int ek_q4_rows_dequant(const void *packed, int64_t rows, int64_t dim, int64_t group, const int64_t *indices,
                       int64_t n, float *out);
size_t ek_q8_rows_size(int64_t rows, int64_t dim);
/** Symmetric per-row int8 (scale = max|x| / 127). */
void ek_q8_rows_pack(int64_t rows, int64_t dim, const float *table, void *packed);
int ek_q8_rows_dequant(const void *packed, int64_t rows, int64_t dim, const int64_t *indices, int64_t n,
                       float *out);

/* ---- sparse fp32 GEMM ------------------------------------------------------------------------------ */

/** Number of entries of W[M, K] (row stride ldw) with |w| > threshold (0: exact zeros are dropped). */
int64_t ek_spgemm_count(int64_t M, int64_t K, const float *W, int64_t ldw, float threshold);
size_t ek_spgemm_packed_size(int64_t M, int64_t nnz);
/** Builds the CSR form of W (entries with |w| > threshold); `nnz` from ek_spgemm_count. Returns 0 or -1. */
int ek_spgemm_pack(int64_t M, int64_t K, const float *W, int64_t ldw, float threshold, int64_t nnz, void *packed);
/**
 * Y[M, N] = act(W · X + bias[m]) with X float [K, N] (row stride ldx), Y [M, N] (ldy), bias nullable
 * (per row: conv output channel). Tolerance vs dense: float reassociation only (same k order per
 * element; vector paths use FMA). Returns 0 or -1 (packed buffer of other dimensions).
 */
int ek_spgemm(int64_t M, int64_t N, int64_t K, const void *packed, const float *X, int64_t ldx, float *Y,
              int64_t ldy, const float *bias, ek_activation act, ek_pool *pool);

/* ---- layout checks (Swift imports ek_qoutput) ---- */
#if !defined(__cplusplus)
_Static_assert(sizeof(ek_qoutput) == 56, "ek_qoutput: 3 pointers, float, 4 int32, ek_activation");
_Static_assert(offsetof(ek_qoutput, scale) == 24 && offsetof(ek_qoutput, a_zero_point) == 28,
               "ek_qoutput layout");
_Static_assert(offsetof(ek_qoutput, qmax) == 40 && offsetof(ek_qoutput, act) == 44, "ek_qoutput layout");
#endif

#ifdef __cplusplus
}
#endif

#endif /* EDGE_QKERNELS_H */

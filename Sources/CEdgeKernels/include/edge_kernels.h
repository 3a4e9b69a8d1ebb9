/*
 * edge_kernels.h — EdgeAssistant C micro-kernels.
 *
 * Every public entry point dispatches at run time to the best implementation for the CPU
 * (AVX-512F, AVX2+FMA, NEON, or the scalar reference). Each optimized path is checked
 * against the scalar reference by Tests/CEdgeKernelTests.
 *
 * Conventions:
 *   - all tensors are dense row-major float32 unless stated; NCHW for images;
 *   - no function allocates memory except ek_pool_create and functions whose name ends
 *     in _create; scratch memory is passed in by the caller, sized by a *_scratch_size call;
 *   - `pool` may be NULL (run on the calling thread).
 */
#ifndef EDGE_KERNELS_H
#define EDGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CPU dispatch ------------------------------------------------------------------ */

typedef enum {
    EK_ISA_SCALAR = 0,
    EK_ISA_AVX2 = 1,     /* AVX2 + FMA */
    EK_ISA_AVX512 = 2,   /* AVX-512F (+BW/VL/DQ where used) */
    EK_ISA_NEON = 3,
} ek_isa;

/** The best ISA this CPU supports (detected once). */
int ek_detected_isa(void);
/** The ISA kernels currently dispatch to. */
int ek_active_isa(void);
/** Forces dispatch to `isa` (clamped to what the CPU supports); returns the previous one. For tests. */
int ek_set_isa(int isa);
/** Human-readable name of an ISA ("avx512", "avx2", "neon", "scalar"). */
const char *ek_isa_name(int isa);

/* ---- fused activations ------------------------------------------------------------- */

typedef enum {
    EK_ACT_NONE = 0,
    EK_ACT_RELU = 1,
    EK_ACT_CLIP = 2,         /* min(max(x, alpha), beta)  (Relu6: alpha 0, beta 6) */
    EK_ACT_LEAKY_RELU = 3,   /* x < 0 ? alpha * x : x */
    EK_ACT_SIGMOID = 4,
    EK_ACT_TANH = 5,
    EK_ACT_HARD_SIGMOID = 6, /* max(0, min(1, alpha * x + beta)) */
    EK_ACT_HARD_SWISH = 7,   /* x * max(0, min(1, x / 6 + 0.5)) */
} ek_activation_kind;

typedef struct {
    int32_t kind;
    float alpha;
    float beta;
} ek_activation;

/** y[i] = act(x[i]); x == y allowed. */
void ek_activation_apply(const float *x, float *y, size_t n, ek_activation act);

/* ---- thread pool (workers block on a condition variable; they never spin) ------------ */

typedef struct ek_pool ek_pool;
/** A pool that runs work on the caller plus `threads - 1` workers. threads <= 1 → no workers. */
ek_pool *ek_pool_create(int threads);
void ek_pool_destroy(ek_pool *pool);
int ek_pool_threads(const ek_pool *pool);
/** Calls fn(ctx, begin, end) over [0, n) split into contiguous chunks, one per thread; returns when all are done. */
void ek_pool_parallel_for(ek_pool *pool, int64_t n, void (*fn)(void *ctx, int64_t begin, int64_t end), void *ctx);

/* ---- SGEMM -------------------------------------------------------------------------- */

typedef enum {
    EK_BIAS_NONE = 0,
    EK_BIAS_PER_ROW = 1,  /* bias[m] added to row m (conv: one per output channel) */
    EK_BIAS_PER_COL = 2,  /* bias[n] added to column n (Gemm/Linear) */
} ek_bias_mode;

/**
 * C[M,N] = act(op(A)[M,K] · op(B)[K,N] + beta·C + bias)
 * op(X) = X or Xᵀ (trans_a / trans_b); lda/ldb/ldc are row strides in elements.
 * beta is 0 or 1 (0: C is not read, may hold garbage/NaN).
 */
void ek_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K,
              const float *A, int64_t lda, const float *B, int64_t ldb,
              float beta, float *C, int64_t ldc,
              const float *bias, int bias_mode, ek_activation act, ek_pool *pool);

/**
 * Pre-packed constant B (weights of Gemm/MatMul): pack once at prepare time, then multiply
 * many times. The packed buffer must be `ek_sgemm_packed_b_size(K, N)` bytes, 64-byte aligned.
 */
size_t ek_sgemm_packed_b_size(int64_t K, int64_t N);
void ek_sgemm_pack_b(int trans_b, int64_t K, int64_t N, const float *B, int64_t ldb, void *packed);
void ek_sgemm_packed_b(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const void *packed_b,
                       float beta, float *C, int64_t ldc,
                       const float *bias, int bias_mode, ek_activation act, ek_pool *pool);

/**
 * Pre-packed constant A (weights of a convolution as [Cout, Cin·kh·kw]).
 * The packed buffer must be `ek_sgemm_packed_a_size(M, K)` bytes, 64-byte aligned.
 */
size_t ek_sgemm_packed_a_size(int64_t M, int64_t K);
void ek_sgemm_pack_a(int trans_a, int64_t M, int64_t K, const float *A, int64_t lda, void *packed);
void ek_sgemm_packed_a(int64_t M, int64_t N, int64_t K, const void *packed_a, const float *B, int64_t ldb,
                       float beta, float *C, int64_t ldc,
                       const float *bias, int bias_mode, ek_activation act, ek_pool *pool);

/**
 * Added: allocates the calling thread's SGEMM packing arena now (fixed size, ~2.2 MB, freed at
 * thread exit) so that no later ek_sgemm* call on this thread allocates. Otherwise the first
 * ek_sgemm* call on each thread allocates it. Pool workers reserve theirs inside ek_pool_create.
 * Returns 0 on success, -1 if the allocation failed (ek_sgemm* then fall back to a slow path).
 */
int ek_thread_scratch_reserve(void);

/* ---- convolution helpers (NCHW, one image) ------------------------------------------ */

typedef struct {
    int64_t channels, in_h, in_w;        /* input channels of this group, input size */
    int64_t kernel_h, kernel_w;
    int64_t stride_h, stride_w;
    int64_t pad_top, pad_left;           /* bottom/right padding is implied by out_h/out_w */
    int64_t dilation_h, dilation_w;
    int64_t out_h, out_w;
} ek_conv2d_geometry;

/** im2col: col[(c·kh + i)·kw + j][oh·out_w + ow]; zero where the tap falls in padding. */
void ek_im2col(const float *input, float *col, const ek_conv2d_geometry *g);

/**
 * Depthwise conv: output channel oc reads input channel oc / multiplier.
 * input [channels, in_h, in_w], weights [channels·multiplier, kh, kw], bias nullable,
 * output [channels·multiplier, out_h, out_w]; act fused.
 */
void ek_conv2d_depthwise(const float *input, const float *weights, const float *bias, float *output,
                         const ek_conv2d_geometry *g, int64_t multiplier, ek_activation act, ek_pool *pool);

/**
 * Direct convolution for few input channels — the stem conv of image models (e.g. 3→16, 3×3, stride 2) —
 * without im2col/GEMM and with fused bias + activation. group == 1 only:
 *   input [g->channels, in_h, in_w], weights [out_channels, g->channels, kernel_h, kernel_w] (ONNX layout),
 *   bias [out_channels] or NULL, output [out_channels, out_h, out_w].
 * Supported (ek_conv2d_small_cin_supported != 0): 1 <= channels <= 4, kernel up to 7×7, stride_h == stride_w
 * in {1, 2}, any dilation, pads >= 0. Returns 0, or -1 (nothing written) if unsupported.
 * When to use: a Conv with group == 1 and Cin <= 4 for which ek_conv2d_small_cin_supported(g) is true —
 * call it instead of ek_im2col + ek_sgemm_packed_a (no col buffer needed; weights are used unpacked).
 * Measured (1 thread, AVX-512) 3→16 3×3 s2 at 320²: ~3× faster than im2col + packed SGEMM.
 * No allocation (uses the calling thread's / pool workers' scratch arena); output row strips are split
 * across the pool.
 */
int ek_conv2d_small_cin_supported(const ek_conv2d_geometry *g);
int ek_conv2d_small_cin(const float *input, const float *weights, const float *bias, float *output,
                        const ek_conv2d_geometry *g, int64_t out_channels, ek_activation act, ek_pool *pool);

/* ---- pooling (NCHW planes, one call per range of planes) ------------------------------ */

typedef struct {
    int64_t in_h, in_w, out_h, out_w;
    int64_t kernel_h, kernel_w, stride_h, stride_w;
    int64_t pad_top, pad_left, pad_bottom, pad_right;  /* end pads count only for count_include_pad */
} ek_pool2d_geometry;

/**
 * 2-D MaxPool (is_max) / AveragePool, dilation 1: `planes` planes [in_h, in_w] → [out_h, out_w].
 * Window (oh, ow) covers rows oh·stride_h − pad_top + [0, kernel_h) and likewise for columns.
 * Average divides by the taps inside the input, or with count_include_pad by the taps inside
 * the padded input (ONNX). A window with no tap in the input yields -FLT_MAX (max) or 0 (average).
 * Vectorised across output columns (fast for kernel width 1–3, stride 1–2).
 */
void ek_pool2d(const float *in, float *out, int64_t planes, const ek_pool2d_geometry *g, int is_max,
               int count_include_pad);

/** y[p] = mean (or max, is_max) of the `plane` contiguous values of plane p, for p < planes. */
void ek_global_pool(const float *x, float *y, int64_t planes, int64_t plane, int is_max);

/* ---- row-wise reductions ---------------------------------------------------------- */

/** Softmax (log_softmax != 0: log-softmax) over each of `rows` contiguous rows of `cols`. */
void ek_softmax_rows(const float *x, float *y, int64_t rows, int64_t cols, int log_softmax);

/* ---- checksums ---------------------------------------------------------------------- */

/** CRC-32C (Castagnoli) of `n` bytes, continuing from `crc` (start with 0). */
uint32_t ek_crc32c(uint32_t crc, const void *data, size_t n);

/* ---- layout checks (Swift imports these structs; keep them padding-free and stable) ---- */
#if !defined(__cplusplus)
_Static_assert(sizeof(ek_activation) == 12, "ek_activation: int32 kind + 2 floats");
_Static_assert(offsetof(ek_activation, alpha) == 4 && offsetof(ek_activation, beta) == 8, "ek_activation layout");
_Static_assert(sizeof(ek_conv2d_geometry) == 13 * sizeof(int64_t), "ek_conv2d_geometry: 13 int64 fields");
_Static_assert(offsetof(ek_conv2d_geometry, kernel_h) == 3 * sizeof(int64_t), "ek_conv2d_geometry layout");
_Static_assert(offsetof(ek_conv2d_geometry, out_w) == 12 * sizeof(int64_t), "ek_conv2d_geometry layout");
_Static_assert(sizeof(ek_pool2d_geometry) == 12 * sizeof(int64_t), "ek_pool2d_geometry: 12 int64 fields");
#endif

#ifdef __cplusplus
}
#endif

#endif /* EDGE_KERNELS_H */

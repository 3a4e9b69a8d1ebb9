/*
 * internal.h — private declarations shared by the CEdgeKernels implementation files.
 *
 * Every ISA (scalar, AVX2+FMA, AVX-512, NEON) provides one ek__isa_impl table; the public
 * entry points fetch the active table (ek__impl()) and call through it, which is what lets
 * ek_set_isa() switch every kernel at once so the tests can compare each path with scalar.
 *
 * Packed GEMM operands use ONE layout for all ISAs (so a buffer packed under one ISA can be
 * multiplied under another):
 *   A: panels of EK__MR_PACK (6) rows; panel p holds K×6 floats, element (i, k) at [k*6 + i];
 *      rows past M are zero.
 *   B: panels of EK__NR_PACK (16) columns; panel q holds K×16 floats, element (k, j) at
 *      [k*16 + j]; columns past N are zero.
 * Micro-kernels consume one or two adjacent panels of each (AVX-512: 12×32 tiles).
 */
#ifndef EK_INTERNAL_H
#define EK_INTERNAL_H

#include "edge_kernels.h"
#include "edge_train_kernels.h"

#include <stdint.h>
#include <stddef.h>

#define EK__MR_PACK 6
#define EK__NR_PACK 16

#if defined(__GNUC__) || defined(__clang__)
#define EK__LIKELY(x) __builtin_expect(!!(x), 1)
#define EK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define EK__INLINE static inline __attribute__((always_inline))
#else
#define EK__LIKELY(x) (x)
#define EK__UNLIKELY(x) (x)
#define EK__INLINE static inline
#endif

#if defined(__x86_64__)
#define EK__TARGET_AVX2 __attribute__((target("avx2,fma")))
#define EK__TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))
#endif

/* Store-time epilogue of one micro-tile. The driver fills it per K block:
 *   first K block: add_c = (beta != 0), bias pointers set;  later blocks: add_c = 1, no bias;
 *   last K block:  clamp / act set;                         earlier blocks: none. */
typedef struct {
    int add_c;              /* 1: C += acc, 0: C = acc (C not read) */
    int clamp;              /* 1: y = min(max(y, lo), hi) before storing (Relu / Clip) */
    float lo, hi;
    const float *bias_row;  /* bias of the tile's first row (one per row) or NULL */
    const float *bias_col;  /* bias of the tile's first column (one per column) or NULL */
    ek_activation act;      /* other activation, applied in place after storing; kind NONE if none */
} ek__epilogue;

/*
 * Micro-kernel: C[m×n] (+)= A-panels · B-panels over kc steps, then epilogue.
 *   a: first A panel (6 rows, 6 floats per k); second panel at a + a_ps.
 *   b: first B panel row 0; row k at b + k*b_rs (16 floats); second panel at b + b_ps.
 *   1 <= m <= impl->mr, 1 <= n <= impl->nr; panels beyond ceil(m/6), ceil(n/16) are not read.
 */
typedef void (*ek__ukernel_fn)(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs,
                               int64_t b_ps, float *c, int64_t ldc, int m, int n, const ek__epilogue *ep);
/*
 * Small-M kernel (1 <= m <= EK__SMALL_M rows; a GEMV when m = 1): C[m×n] (+)= A·B over kc steps,
 * then the epilogue — the register tile of the big micro-kernel would waste most of its rows.
 *   A element (i, k) at a[i*a_rs + k*a_ks] (plain, transposed and packed A all fit);
 *   B element (k, j) at b[(j/16)*b_ps + k*b_rs + j%16] (packed panels, or rows of B read in
 *   place with b_rs = ldb, b_ps = 16); only columns j < n of B are read (any n >= 1).
 *   ep->bias_row / bias_col point at row 0 / column 0 of this call.
 */
#define EK__SMALL_M 4
typedef void (*ek__smallm_fn)(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                              int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep);
typedef void (*ek__act_fn)(const float *x, float *y, size_t n, ek_activation act);
typedef void (*ek__softmax_row_fn)(const float *x, float *y, int64_t cols, int log_softmax);
/* One output plane of a 3×3 depthwise conv, stride 1 or 2, dilation 1 (no activation). */
typedef void (*ek__dw3x3_fn)(const float *in, const float *w9, float bias, float *out,
                             const ek_conv2d_geometry *g);
typedef uint32_t (*ek__crc_fn)(uint32_t crc, const void *data, size_t n);
/* Padded-plane ("flat") depthwise core, see conv.c:
 *   acc[p] = bias + Σ_{t<taps} w[t]·buf[p + off[t]]   for p in [0, n), n a multiple of 16;
 *   buf must be readable on [0, n + max(off)). */
typedef void (*ek__dwflat_fn)(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc,
                              int64_t n);
/* Multi-output flat core (small-Cin direct conv), exactly 8 outputs:
 *   acc[k·ldacc + p] = bias[k] + Σ_t w[k·ldw + t]·buf[p + off[t]]   for k < 8, p < n (multiple of 16). */
typedef void (*ek__convflat8_fn)(const float *buf, const int32_t *off, const float *w, int64_t ldw, int taps,
                                 const float *bias, float *acc, int64_t ldacc, int64_t n);
/* Whole-plane depthwise for stride 1 and out_w == in_w (conv_dw_same_avx512.c): output channels [oc0, oc1)
 * (input channel oc / mult) with bias (may be NULL) and activation fused; returns 0 (writing nothing) if it does
 * not implement act.kind. The lanes' column pattern must repeat within EK__DWSAME_MAX_PERIOD vectors. */
#define EK__DWSAME_MAX_PERIOD 64
typedef int (*ek__dwsame_fn)(const float *in, const float *w, const float *bias, float *out, const ek_conv2d_geometry *g,
                             int64_t mult, int64_t oc0, int64_t oc1, ek_activation act);
/* even[x] = src[2x] for x < (n+1)/2, odd[x] = src[2x+1] for x < n/2. */
typedef void (*ek__deint_fn)(const float *src, int64_t n, float *even, float *odd);
/* out[r·cols + x] = act(src[r·lds + x]) for r < rows, x < cols; returns 0 (and copies nothing) if it does not
 * implement act.kind (then the caller copies with kind NONE and applies impl->act). */
typedef int (*ek__rows_act_fn)(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act);

/* Contiguous-array primitives of the training kernels (edge_train_kernels.h): train.c drives them per
 * plane / row; train_scalar.c is the reference, train_simd.h the vector bodies. */
typedef struct {
    float (*sum)(const float *x, int64_t n);
    float (*sumsq_centered)(const float *x, int64_t n, float mu);               /* Σ (x − mu)² */
    float (*dot)(const float *a, const float *b, int64_t n);
    void (*axpy)(float a, const float *x, float *y, int64_t n);                 /* y += a·x */
    void (*affine)(const float *x, float *y, int64_t n, float s, float b, float lo, float hi); /* y = clamp(x·s + b) */
    void (*bn_sums)(const float *x, const float *dy, ek_gate gate, int64_t n, float mu, float *sum_dy, float *sum_dy_xc);
    void (*bn_dx)(const float *x, const float *dy, ek_gate gate, float *dx, int64_t n, float mu, float k, float cy, float cx);
    int (*act_backward)(const float *x, const float *y, const float *dy, float *dx, size_t n, ek_activation act);
    /* out[t] += Σ_{p<n} a[p]·b[p + off[t]] for t < taps (a read once per group of taps) */
    void (*taps_dot)(const float *a, const float *b, const int32_t *off, int taps, int64_t n, float *out);
    /* dst[p] += Σ_{t<taps} w[t]·src[p + off[t]] for p < n (one load/store of dst per vector) */
    void (*taps_gather)(const float *src, const int32_t *off, const float *w, int taps, float *dst, int64_t n);
} ek__train_ops;

typedef struct {
    int isa;
    int mr, nr;              /* micro-tile: mr multiple of 6, nr multiple of 16 */
    int mc, kc, nc;          /* cache blocking: mc multiple of mr, nc multiple of nr */
    ek__ukernel_fn ukernel;
    ek__smallm_fn smallm;
    ek__act_fn act;
    ek__softmax_row_fn softmax_row;
    ek__dw3x3_fn dw3x3;      /* NULL: generic path */
    ek__dwflat_fn dwflat;    /* NULL: no padded-plane depthwise path (scalar: generic is the reference) */
    ek__deint_fn deint;
    ek__rows_act_fn rows_act;
    ek__convflat8_fn convflat8;  /* NULL: ek_conv2d_small_cin calls dwflat per output channel */
    ek__dwsame_fn dwsame;        /* NULL: stride-1 same-width depthwise takes the padded-plane path */
    const ek__train_ops *train;  /* training primitives (never NULL) */
} ek__isa_impl;

extern const ek__train_ops ek__train_scalar;
/** 1 if ek_activation_backward implements act.kind. */
int ek__act_backward_supported(ek_activation act);
#if defined(__x86_64__)
extern const ek__train_ops ek__train_avx2;
extern const ek__train_ops ek__train_avx512;
#endif
#if defined(__aarch64__)
extern const ek__train_ops ek__train_neon;
#endif

/** Active implementation table (never NULL). */
const ek__isa_impl *ek__impl(void);

/* Scalar reference pieces (always compiled). */
extern const ek__isa_impl ek__impl_scalar;
void ek__ukernel_scalar(int64_t kc, const float *a, int64_t a_ps, const float *b, int64_t b_rs, int64_t b_ps,
                        float *c, int64_t ldc, int m, int n, const ek__epilogue *ep);
void ek__smallm_scalar(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs,
                       int64_t b_ps, float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep);
/* The scalar small-M kernel with a given activation routine (vector kernels use it for ragged edges). */
void ek__smallm_ref(int64_t kc, const float *a, int64_t a_rs, int64_t a_ks, const float *b, int64_t b_rs, int64_t b_ps,
                    float *c, int64_t ldc, int m, int64_t n, const ek__epilogue *ep, ek__act_fn act);
void ek__act_scalar(const float *x, float *y, size_t n, ek_activation act);
float ek__act1_scalar(float x, ek_activation act);
void ek__softmax_row_scalar(const float *x, float *y, int64_t cols, int log_softmax);
uint32_t ek__crc32c_scalar(uint32_t crc, const void *data, size_t n);
/* Scalar tile epilogue used by vector kernels for partial tiles: tile is m×n with row stride ldt. */
void ek__store_tile_scalar(const float *tile, int64_t ldt, float *c, int64_t ldc, int m, int n,
                           const ek__epilogue *ep, ek__act_fn act);

#if defined(__x86_64__)
extern const ek__isa_impl ek__impl_avx2;
extern const ek__isa_impl ek__impl_avx512;
void ek__ukernel_avx2(int64_t, const float *, int64_t, const float *, int64_t, int64_t, float *, int64_t, int, int,
                      const ek__epilogue *);
void ek__ukernel_avx512(int64_t, const float *, int64_t, const float *, int64_t, int64_t, float *, int64_t, int,
                        int, const ek__epilogue *);
void ek__smallm_avx2(int64_t, const float *, int64_t, int64_t, const float *, int64_t, int64_t, float *, int64_t, int,
                     int64_t, const ek__epilogue *);
void ek__smallm_avx512(int64_t, const float *, int64_t, int64_t, const float *, int64_t, int64_t, float *, int64_t,
                       int, int64_t, const ek__epilogue *);
void ek__act_avx2(const float *x, float *y, size_t n, ek_activation act);
void ek__act_avx512(const float *x, float *y, size_t n, ek_activation act);
void ek__softmax_row_avx2(const float *x, float *y, int64_t cols, int log_softmax);
void ek__softmax_row_avx512(const float *x, float *y, int64_t cols, int log_softmax);
void ek__dw3x3_avx2(const float *in, const float *w9, float bias, float *out, const ek_conv2d_geometry *g);
void ek__dwflat_avx2(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc, int64_t n);
void ek__deint_avx2(const float *src, int64_t n, float *even, float *odd);
int ek__rows_act_avx2(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act);
void ek__dw3x3_avx512(const float *in, const float *w9, float bias, float *out, const ek_conv2d_geometry *g);
void ek__dwflat_avx512(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc, int64_t n);
void ek__deint_avx512(const float *src, int64_t n, float *even, float *odd);
void ek__convflat8_avx512(const float *buf, const int32_t *off, const float *w, int64_t ldw, int taps, const float *bias,
                          float *acc, int64_t ldacc, int64_t n);
int ek__rows_act_avx512(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act);
int ek__dwsame_avx512(const float *in, const float *w, const float *bias, float *out, const ek_conv2d_geometry *g,
                      int64_t mult, int64_t oc0, int64_t oc1, ek_activation act);
uint32_t ek__crc32c_sse42(uint32_t crc, const void *data, size_t n);
int ek__cpu_has_sse42(void);
#endif

#if defined(__aarch64__)
extern const ek__isa_impl ek__impl_neon;
void ek__ukernel_neon(int64_t, const float *, int64_t, const float *, int64_t, int64_t, float *, int64_t, int, int,
                      const ek__epilogue *);
void ek__smallm_neon(int64_t, const float *, int64_t, int64_t, const float *, int64_t, int64_t, float *, int64_t, int,
                     int64_t, const ek__epilogue *);
void ek__act_neon(const float *x, float *y, size_t n, ek_activation act);
void ek__softmax_row_neon(const float *x, float *y, int64_t cols, int log_softmax);
void ek__dw3x3_neon(const float *in, const float *w9, float bias, float *out, const ek_conv2d_geometry *g);
void ek__dwflat_neon(const float *buf, const int32_t *off, const float *w, int taps, float bias, float *acc, int64_t n);
void ek__deint_neon(const float *src, int64_t n, float *even, float *odd);
int ek__rows_act_neon(const float *src, int64_t lds, float *out, int64_t rows, int64_t cols, ek_activation act);
uint32_t ek__crc32c_armv8(uint32_t crc, const void *data, size_t n);
int ek__cpu_has_arm_crc(void);
#endif

/** The calling thread's scratch arena (the SGEMM packing arena; allocated on first use, never freed before
 * thread exit) and its size in floats; NULL/0 if the allocation failed. Must not be used across an ek_sgemm* call. */
float *ek__thread_scratch(size_t *nfloats);

/** ek_crc32c dispatch (hardware CRC is chosen independently of the float ISA when available). */
ek__crc_fn ek__crc_for_isa(int isa);

/** The calling thread's packing arena (see sgemm.c; allocated on first use, never freed before thread exit)
 *  and its size in bytes; NULL if the allocation failed. Also used by the quantized kernels (qgemm.c). */
void *ek__thread_scratch_bytes(size_t *bytes);

/** 1 if the calling thread is a pool worker running a parallel_for chunk (nested calls run inline). */
int ek__in_pool_worker(void);

#endif /* EK_INTERNAL_H */

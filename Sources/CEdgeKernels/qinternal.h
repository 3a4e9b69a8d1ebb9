/*
 * qinternal.h — private declarations of the quantized / sparse kernels (edge_qkernels.h).
 *
 * The quantized kernels have their own small dispatch table (ek__qimpl), chosen from the active
 * float ISA (ek_active_isa, so ek_set_isa switches them too) plus the dot-product switch
 * (ek_q_set_dot): AVX-512 + VNNI → vpdpbusd kernel; AVX-512 without VNNI or AVX2 → vpmaddwd kernel;
 * NEON + ASIMDDP → sdot; NEON → smull/sadalp; otherwise scalar (the specification).
 *
 * int8 micro-kernel contract (all ISAs):
 *   acc[i*32 + j] = Σ_g Σ_kk bc(i, g, kk) · vec(j, g, kk)   for i < m, j < n (int32, exact)
 *   bc : "broadcast" operand, 4-row panels, panel p at bc + p*bc_ps, group g at +16g, row r at +4r;
 *   vec: "vector" operand, 16-column panels, panel q at vec + q*vec_ps, group g at +64g, col j at +4j.
 *   bcast_signed = 1: bc is s8 and vec u8 (conv: weights broadcast); 0: bc u8, vec s8 (Gemm).
 *   On NEON both operands are s8 (activations were packed as a ^ 0x80); bcast_signed is ignored.
 *   1 <= m <= mr, 1 <= n <= nr; only ceil(m/4) bc panels and ceil(n/16) vec panels are read.
 */
#ifndef EK_QINTERNAL_H
#define EK_QINTERNAL_H

#include "internal.h"
#include "edge_qkernels.h"

#include <string.h>

#define EK__QHDR 64          /* bytes of every packed-buffer header */
#define EK__QACC_LD 32       /* row stride (int32) of the micro-kernel accumulator tile */
#define EK__QMR_MAX 12

/* Header of every packed buffer (first bytes of the 64-byte header). */
typedef struct {
    uint32_t magic;
    uint32_t kind;
    int64_t d0, d1, d2;      /* dimensions as given to the pack call */
} ek__qhdr;

enum {
    EK__QMAGIC = 0x4B514B45u, /* "EKQK" */
    EK__QKIND_A = 1, EK__QKIND_B = 2, EK__QKIND_Q4 = 3, EK__QKIND_SP = 4,
};

typedef void (*ek__qkernel_fn)(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                               int32_t *acc, int m, int n, int bcast_signed);

/* Output stage of one row of n accumulators (see "Requantization" in edge_qkernels.h). */
typedef struct {
    int per_col;             /* 1: channel of element j is ch0 + j; 0: every element uses channel ch0 */
    int out_f32;
    int clamp_f32;           /* float output: clamp to [lo, hi] (RELU / CLIP) */
    int32_t zeff;            /* za (x86/scalar) or za - 128 (NEON, activations packed as a ^ 0x80) */
    int32_t zo;
    float lo, hi;            /* u8: qmin - zo, qmax - zo; f32: activation clamp */
    float scale;
    const int32_t *wsum;     /* all pointers already offset to channel ch0 */
    const float *mult;
    const int32_t *bias_i;
    const float *bias_f;
} ek__qepi;

typedef void (*ek__qepi_fn)(const int32_t *acc, int64_t n, const ek__qepi *e, void *out);
/* Micro-kernel with the epilogue fused (optional): e's pointers at the tile's first channel
 * (per_col: channel of column j = +j; else channel of row i = +i), out row stride ldo elements. */
typedef void (*ek__qkernel_epi_fn)(int64_t kg, const uint8_t *bc, int64_t bc_ps, const uint8_t *vec, int64_t vec_ps,
                                   int m, int n, int bcast_signed, const ek__qepi *e, void *out, int64_t ldo);

/* int4 GEMM tile: C[m × n] (n <= 16) = A[m × K] · panel (+ bias), clamp [lo, hi]. */
typedef void (*ek__q4kernel_fn)(int64_t K, int64_t G, const float *a, int64_t lda, const uint8_t *panel, float *c,
                                int64_t ldc, int m, int n, const float *bias, float lo, float hi);

/* Sparse rows [m0, m1) × columns [n0, n1): Y = W·X + bias, clamp [lo, hi]. */
typedef void (*ek__spkernel_fn)(const int32_t *rp, const int32_t *kk, const float *ww, int64_t m0, int64_t m1,
                                const float *X, int64_t ldx, int64_t n0, int64_t n1, float *Y, int64_t ldy,
                                const float *bias, float lo, float hi);

typedef void (*ek__qdw3_row_fn)(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L,
                                int64_t H, int64_t PL, int32_t *acc);

typedef void (*ek__quant_fn)(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp);

typedef struct {
    const char *name;
    int isa;
    int mr, nr;              /* int8 tile: mr multiple of 4 (<= 12), nr multiple of 16 (<= 32) */
    int xor80;               /* run-time packed activations are stored as a ^ 0x80 */
    ek__qkernel_fn kernel;
    ek__qepi_fn epi;
    int q4_mr;               /* int4 tile rows (<= 8) */
    ek__q4kernel_fn q4kernel;
    int64_t sp_nt;           /* sparse column tile */
    ek__spkernel_fn spkernel;
    ek__quant_fn quant;
    /* int8 depthwise 3×3 interior row (see qgemm_avx512.c); NULL: generic C path */
    void (*dw3_row)(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L, int64_t H,
                    int64_t PL, int32_t *acc);
    ek__qkernel_epi_fn kernel_epi; /* NULL: kernel + epi */
} ek__qimpl;

const ek__qimpl *ek__qimpl_active(void);

/* scalar reference pieces */
void ek__qkernel_scalar(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int32_t *, int, int, int);
void ek__qepi_scalar(const int32_t *acc, int64_t n, const ek__qepi *e, void *out);
void ek__q4kernel_scalar(int64_t, int64_t, const float *, int64_t, const uint8_t *, float *, int64_t, int, int,
                         const float *, float, float);
void ek__spkernel_scalar(const int32_t *, const int32_t *, const float *, int64_t, int64_t, const float *, int64_t,
                         int64_t, int64_t, float *, int64_t, const float *, float, float);
void ek__quant_scalar(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp);

#if defined(__x86_64__)
#define EK__TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma")))
void ek__qkernel_avx512vnni(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int32_t *, int, int, int);
void ek__qkernel_avx2(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int32_t *, int, int, int);
void ek__qepi_avx512(const int32_t *acc, int64_t n, const ek__qepi *e, void *out);
void ek__qepi_avx2(const int32_t *acc, int64_t n, const ek__qepi *e, void *out);
void ek__q4kernel_avx512(int64_t, int64_t, const float *, int64_t, const uint8_t *, float *, int64_t, int, int,
                         const float *, float, float);
void ek__q4kernel_avx2(int64_t, int64_t, const float *, int64_t, const uint8_t *, float *, int64_t, int, int,
                       const float *, float, float);
void ek__spkernel_avx512(const int32_t *, const int32_t *, const float *, int64_t, int64_t, const float *, int64_t,
                         int64_t, int64_t, float *, int64_t, const float *, float, float);
void ek__spkernel_avx2(const int32_t *, const int32_t *, const float *, int64_t, int64_t, const float *, int64_t,
                       int64_t, int64_t, float *, int64_t, const float *, float, float);
void ek__qkernel_epi_avx512vnni(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int, int, int,
                                 const ek__qepi *, void *, int64_t);
void ek__qkernel_epi_avx2(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int, int, int,
                           const ek__qepi *, void *, int64_t);
void ek__qdw3_row_vnni(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L, int64_t H,
                       int64_t PL, int32_t *acc);
/* int8 depthwise plane on VNNI + VBMI (qdw_vnni.c): kernels up to 16×16, stride <= 4, dilation 1;
 * ek__qdw_vnni_fits says whether this CPU and geometry can use it. Same contract as qdw_plane.h. */
int ek__qdw_vnni_fits(const ek_conv2d_geometry *g);
void ek__qdw_plane_vnni(const uint8_t *in, const int8_t *w, int32_t za, const ek_conv2d_geometry *g, const ek__qepi *e,
                        ek__qepi_fn epi, uint8_t *out, size_t esz, ek__qdw3_row_fn row3);
void ek__quant_avx2(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp);
void ek__quant_avx512(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp);
#endif

#if defined(__aarch64__)
void ek__qkernel_neon_dot(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int32_t *, int, int, int);
void ek__qkernel_neon(int64_t, const uint8_t *, int64_t, const uint8_t *, int64_t, int32_t *, int, int, int);
void ek__qepi_neon(const int32_t *acc, int64_t n, const ek__qepi *e, void *out);
void ek__q4kernel_neon(int64_t, int64_t, const float *, int64_t, const uint8_t *, float *, int64_t, int, int,
                       const float *, float, float);
void ek__spkernel_neon(const int32_t *, const int32_t *, const float *, int64_t, int64_t, const float *, int64_t,
                       int64_t, int64_t, float *, int64_t, const float *, float, float);
void ek__qdw3_row_neon_dot(const uint8_t *const rows[3], const int8_t *w9, int32_t za, int stride, int64_t L,
                           int64_t H, int64_t PL, int32_t *acc);
void ek__quant_neon(const float *x, uint8_t *q, size_t n, float inv_scale, int32_t zp);
#endif

/* Fills the epilogue clamp fields for float output from an activation (RELU / CLIP → clamp). */
void ek__qepi_set_f32_act(ek__qepi *e, ek_activation act);
/* 1 if act is applied after the epilogue by the ISA activation function (not a clamp). */
int ek__q_act_post(ek_activation act);

/* Output columns [*lo, *hi) for which iw = ow*stride + off lies inside [0, in_w). */
EK__INLINE void qdw_valid_cols(int64_t off, int64_t stride, int64_t in_w, int64_t out_w, int64_t *lo, int64_t *hi) {
    int64_t l = off >= 0 ? 0 : (-off + stride - 1) / stride;
    int64_t h = (in_w - 1 - off) >= 0 ? (in_w - 1 - off) / stride + 1 : 0;
    if (h > out_w) h = out_w;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* dst[k] = src[k·stride] for k < n. Stride 2 (strided convolutions) reads 16-bit words and keeps their
 * low byte, which compilers vectorize (the last element alone: its word would read past src). */
EK__INLINE void ek__copy_strided_u8(uint8_t *dst, const uint8_t *src, int64_t n, int64_t stride) {
    if (stride == 1) {
        memcpy(dst, src, (size_t)n);
    } else if (stride == 2 && n > 0) {
        for (int64_t k = 0; k + 1 < n; k++) {
            uint16_t v;
            memcpy(&v, src + 2 * k, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            dst[k] = (uint8_t)(v >> 8);
#else
            dst[k] = (uint8_t)(v & 0xFF); /* little-endian: the low byte is src[2k] */
#endif
        }
        dst[n - 1] = src[2 * (n - 1)];
    } else {
        for (int64_t k = 0; k < n; k++) dst[k] = src[k * stride];
    }
}

/* Scalar spec helpers shared by the vector tails. */
EK__INLINE int32_t ek__q_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
EK__INLINE int32_t ek__q_wrap_mul(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }

#endif /* EK_QINTERNAL_H */

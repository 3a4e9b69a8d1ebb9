/*
 * ek_tests.h — conformance checks of the CEdgeKernels optimized paths against scalar references.
 *
 * Every function runs its group for every ISA the CPU supports (via ek_set_isa), restores the
 * previously active ISA, and returns the number of failed checks (0 = pass). verbose != 0 prints
 * a line per failure (first few) and a summary per group to stdout.
 * Used by Tests/CEdgeKernelsTests (XCTest) and by the standalone runner (runner/runner.c).
 */
#ifndef EK_TESTS_H
#define EK_TESTS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

int ekt_dispatch(int verbose);
int ekt_pool(int verbose);
int ekt_sgemm(int verbose);          /* all trans/beta/bias/act combos, odd sizes, strides */
int ekt_sgemm_threads(int verbose);  /* pools of 1..4 threads */
int ekt_sgemm_packed(int verbose);   /* packed-A and packed-B variants (incl. cross-ISA packing) */
int ekt_sgemm_small_m(int verbose);  /* M <= 6: the small-M (GEMV) path, plain and packed operands */
int ekt_im2col(int verbose);
int ekt_depthwise(int verbose);
int ekt_conv_small_cin(int verbose); /* ek_conv2d_small_cin vs a double reference */
int ekt_activations(int verbose);
int ekt_softmax(int verbose);
int ekt_pool2d(int verbose);         /* max/avg 2-D pooling: fast kernel shapes, padding, ceil, include_pad */
int ekt_global_pool(int verbose);    /* global average/max over planes */
int ekt_crc32c(int verbose);
/* training kernels (edge_train_kernels.h) vs double references */
int ekt_train_batchnorm(int verbose); /* moments, affine, backward sums and dx */
int ekt_train_activation(int verbose); /* activation derivatives incl. gate boundaries, in place */
int ekt_train_depthwise(int verbose);  /* depthwise gradients: stride 1 padded planes and direct path */
int ekt_col2im(int verbose);           /* adjoint of im2col */
/* quantized / sparse kernels (edge_qkernels.h): int8 results bit-exact vs the scalar spec on every
 * ISA and dot-product variant; int4 and sparse within the stated float tolerance */
int ekt_qgemm(int verbose);          /* both orientations, odd sizes, zero points, u8 / f32 output */
int ekt_qgemm_threads(int verbose);  /* pools of 1..3 threads */
int ekt_qgemm_extreme(int verbose);  /* K = 65536 with -128 × 255, K limit enforced */
int ekt_quantize(int verbose);       /* quantization helpers, activation clamps */
int ekt_qelementwise(int verbose);   /* QuantizeLinear, DequantizeLinear, the 256-entry byte lookup */
int ekt_qconv(int verbose);          /* u8 im2col, int8 depthwise (3x3 s1/s2 fast path + generic) */
int ekt_q4gemm(int verbose);         /* int4 weight-only GEMM */
int ekt_qembed(int verbose);         /* int4 / int8 embedding rows */
int ekt_spgemm(int verbose);         /* sparse CSR GEMM */

/** Runs every group above; returns the total number of failures. */
int ekt_run_all(int verbose);
/** Number of individual comparisons performed since process start (for reporting). */
int64_t ekt_checks_run(void);

#ifdef __cplusplus
}
#endif

#endif /* EK_TESTS_H */

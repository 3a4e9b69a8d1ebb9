/* train_neon.c — the training primitives (train_simd.h) for AArch64 NEON (two q registers per vector). */
#if defined(__aarch64__)
#define EKT_VW 8
#define EKT_TARGET
#define EKT_OPS ek__train_neon
#include "train_simd.h"
#endif

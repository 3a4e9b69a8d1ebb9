/* train_avx2.c — the training primitives (train_simd.h) for AVX2 + FMA. */
#if defined(__x86_64__)
#define EKT_VW 8
#define EKT_TARGET __attribute__((target("avx2,fma")))
#define EKT_OPS ek__train_avx2
#include "train_simd.h"
#endif

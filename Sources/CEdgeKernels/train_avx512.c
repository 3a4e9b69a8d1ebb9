/* train_avx512.c — the training primitives (train_simd.h) for AVX-512F. */
#if defined(__x86_64__)
#define EKT_VW 16
#define EKT_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma")))
#define EKT_OPS ek__train_avx512
#include "train_simd.h"
#endif

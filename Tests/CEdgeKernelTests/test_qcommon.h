/*
 * test_qcommon.h — helpers shared by the quantized-kernel conformance checks (test_q*.c):
 * the list of int8 kernel variants to run (every ISA, with and without the dot-product extension),
 * and the requantization spec re-stated independently of the library (double/int64 reference).
 */
#ifndef TEST_QCOMMON_H
#define TEST_QCOMMON_H

#include "ekt_common.h"
#include "edge_qkernels.h"

#include <string.h>

typedef struct {
    int isa, dot;
} ekt_qvariant;

/* (isa, dot) pairs this CPU supports: dot = 1 only where the ISA has a dot-product kernel. */
static inline int ekt_qvariants(ekt_qvariant out[8]) {
    int isas[4];
    const int n = ekt_isas(isas);
    int k = 0;
    for (int i = 0; i < n; i++) {
        out[k++] = (ekt_qvariant){isas[i], 0};
        if ((isas[i] == EK_ISA_AVX512 || isas[i] == EK_ISA_NEON) && ek_q_cpu_has_dot()) out[k++] = (ekt_qvariant){isas[i], 1};
    }
    return k;
}

static inline void ekt_qselect(ekt_qvariant v) {
    ek_set_isa(v.isa);
    ek_q_set_dot(v.dot);
}

/* Spec output of one element from the exact integer v (see edge_qkernels.h). */
static inline uint8_t ekt_requant_u8(int64_t v, float mult, float scale, int32_t zo, int32_t qmin, int32_t qmax) {
    const float m = mult * scale;
    float f = (float)(int32_t)v * m;
    const float lo = (float)(qmin - zo), hi = (float)(qmax - zo);
    f = f > lo ? f : lo;
    f = f < hi ? f : hi;
    return (uint8_t)((int32_t)lrintf(f) + zo);
}

static inline float ekt_requant_f32(int64_t v, float mult, float scale, const float *bias_f, ek_activation act) {
    const float m = mult * scale;
    float y = bias_f ? fmaf((float)(int32_t)v, m, *bias_f) : (float)(int32_t)v * m;
    if (act.kind == EK_ACT_RELU) y = y > 0.0f ? y : 0.0f;
    if (act.kind == EK_ACT_CLIP) {
        y = y > act.alpha ? y : act.alpha;
        y = y < act.beta ? y : act.beta;
    }
    return y;
}

static inline void *ekt_aligned(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 64, n + 64)) abort();
    return p;
}

#endif

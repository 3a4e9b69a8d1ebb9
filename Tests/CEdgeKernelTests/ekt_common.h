/*
 * ekt_common.h — private helpers of the conformance tests: deterministic RNG, ISA iteration,
 * failure reporting, float comparison.
 */
#ifndef EKT_COMMON_H
#define EKT_COMMON_H

#include "edge_kernels.h"
#include "ek_tests.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    uint64_t s;
} ekt_rng;

static inline uint32_t ekt_next(ekt_rng *r) {
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return (uint32_t)(r->s >> 16);
}
/* uniform in [lo, hi) */
static inline float ekt_uniform(ekt_rng *r, float lo, float hi) {
    return lo + (hi - lo) * (float)(ekt_next(r) & 0xFFFFFF) / 16777216.0f;
}

/* ISAs the CPU supports, best last; returns count. */
int ekt_isas(int out[4]);

/* Failure accounting: ekt_fail prints when verbose and < 20 failures were printed in the group. */
typedef struct {
    const char *group;
    int verbose;
    int failures;
    int printed;
} ekt_ctx;

void ekt_count(int64_t n);
void ekt_fail(ekt_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ekt_done(ekt_ctx *c);

/* NaN-aware equality with tolerance: both NaN, both same inf, or |a-b| <= tol. */
static inline int ekt_close(double got, double want, double tol) {
    if (isnan(want)) return isnan(got);
    if (isinf(want)) return got == want;
    if (isnan(got) || isinf(got)) return 0;
    return fabs(got - want) <= tol;
}

/* double-precision reference activation */
double ekt_act_ref(double x, ek_activation act);

#endif

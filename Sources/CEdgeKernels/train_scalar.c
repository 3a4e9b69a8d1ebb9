/*
 * train_scalar.c — scalar reference primitives of the training kernels (edge_train_kernels.h).
 * Plain sequential loops: every vector path (train_simd.h) is tested against these.
 */
#include "internal.h"

static float sum_ref(const float *x, int64_t n) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; i++) s += x[i];
    return s;
}

static float sumsq_centered_ref(const float *x, int64_t n, float mu) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        const float d = x[i] - mu;
        s += d * d;
    }
    return s;
}

static float dot_ref(const float *a, const float *b, int64_t n) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static void axpy_ref(float a, const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] += a * x[i];
}

static void affine_ref(const float *x, float *y, int64_t n, float s, float b, float lo, float hi) {
    for (int64_t i = 0; i < n; i++) {
        float v = x[i] * s + b;
        v = v < lo ? lo : v;
        y[i] = v > hi ? hi : v;
    }
}

/* dy[i] through the gate (0 where the fused activation was flat). */
static inline float gated(const float *dy, ek_gate gate, int64_t i) {
    return !gate.y || (gate.y[i] > gate.lo && gate.y[i] < gate.hi) ? dy[i] : 0.0f;
}

static void bn_sums_ref(const float *x, const float *dy, ek_gate gate, int64_t n, float mu, float *sum_dy, float *sum_dy_xc) {
    float a = 0.0f, b = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        const float d = gated(dy, gate, i);
        a += d;
        b += d * (x[i] - mu);
    }
    *sum_dy = a;
    *sum_dy_xc = b;
}

static void bn_dx_ref(const float *x, const float *dy, ek_gate gate, float *dx, int64_t n, float mu, float k, float cy, float cx) {
    for (int64_t i = 0; i < n; i++) dx[i] = k * (gated(dy, gate, i) - cy - (x[i] - mu) * cx);
}

/* The derivative of one activation at input x / output y. */
static float dact_ref(float x, float y, ek_activation act) {
    switch (act.kind) {
    case EK_ACT_NONE: return 1.0f;
    case EK_ACT_RELU: return x > 0.0f ? 1.0f : 0.0f;
    case EK_ACT_CLIP: return x > act.alpha && x < act.beta ? 1.0f : 0.0f;
    case EK_ACT_LEAKY_RELU: return x < 0.0f ? act.alpha : 1.0f;
    case EK_ACT_SIGMOID: return y * (1.0f - y);
    case EK_ACT_TANH: return 1.0f - y * y;
    case EK_ACT_HARD_SWISH: return x <= -3.0f ? 0.0f : (x >= 3.0f ? 1.0f : x / 3.0f + 0.5f);
    default: return 0.0f;
    }
}

int ek__act_backward_supported(ek_activation act) {
    switch (act.kind) {
    case EK_ACT_NONE: case EK_ACT_RELU: case EK_ACT_CLIP: case EK_ACT_LEAKY_RELU:
    case EK_ACT_SIGMOID: case EK_ACT_TANH: case EK_ACT_HARD_SWISH: return 1;
    default: return 0;
    }
}

static int act_backward_ref(const float *x, const float *y, const float *dy, float *dx, size_t n, ek_activation act) {
    /* kind and pointers validated by ek_activation_backward */
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * dact_ref(x ? x[i] : 0.0f, y ? y[i] : 0.0f, act);
    return 0;
}

static void taps_dot_ref(const float *a, const float *b, const int32_t *off, int taps, int64_t n, float *out) {
    for (int t = 0; t < taps; t++) out[t] += dot_ref(a, b + off[t], n);
}

static void taps_gather_ref(const float *src, const int32_t *off, const float *w, int taps, float *dst, int64_t n) {
    for (int64_t p = 0; p < n; p++) {
        float s = dst[p];
        for (int t = 0; t < taps; t++) s += w[t] * src[p + off[t]];
        dst[p] = s;
    }
}

const ek__train_ops ek__train_scalar = {
    .sum = sum_ref, .sumsq_centered = sumsq_centered_ref, .dot = dot_ref, .axpy = axpy_ref, .affine = affine_ref,
    .bn_sums = bn_sums_ref, .bn_dx = bn_dx_ref, .act_backward = act_backward_ref,
    .taps_dot = taps_dot_ref, .taps_gather = taps_gather_ref,
};

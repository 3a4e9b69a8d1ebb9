/*
 * activation_scalar.c — ek_activation_apply entry point and the scalar (libm) reference
 * activations that every vector path is tested against.
 */
#include "internal.h"

#include <math.h>

float ek__act1_scalar(float x, ek_activation act) {
    switch (act.kind) {
    case EK_ACT_RELU: return x > 0.0f ? x : 0.0f;
    case EK_ACT_CLIP: return fminf(fmaxf(x, act.alpha), act.beta);
    case EK_ACT_LEAKY_RELU: return x < 0.0f ? act.alpha * x : x;
    case EK_ACT_SIGMOID: return 1.0f / (1.0f + expf(-x));
    case EK_ACT_TANH: return tanhf(x);
    case EK_ACT_HARD_SIGMOID: return fmaxf(0.0f, fminf(1.0f, act.alpha * x + act.beta));
    case EK_ACT_HARD_SWISH: return x * fmaxf(0.0f, fminf(1.0f, x / 6.0f + 0.5f));
    default: return x;
    }
}

void ek__act_scalar(const float *x, float *y, size_t n, ek_activation act) {
    switch (act.kind) {
    case EK_ACT_RELU:
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case EK_ACT_NONE:
        if (x != y)
            for (size_t i = 0; i < n; i++) y[i] = x[i];
        break;
    default:
        for (size_t i = 0; i < n; i++) y[i] = ek__act1_scalar(x[i], act);
        break;
    }
}

void ek_activation_apply(const float *x, float *y, size_t n, ek_activation act) {
    if (n == 0) return;
    ek__impl()->act(x, y, n, act);
}

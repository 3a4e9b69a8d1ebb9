/*
 * train_simd.h — vector bodies of the training primitives (ek__train_ops), written once with
 * GCC/Clang vector extensions and instantiated per ISA by the including file, which defines:
 *   EKT_VW      lanes per vector (AVX-512: 16, AVX2: 8, NEON: 8 = two q registers)
 *   EKT_TARGET  function attribute enabling the ISA (empty on AArch64, where NEON is baseline)
 *   EKT_OPS     name of the ek__train_ops table to define
 * Reductions keep two vector accumulators (FMA latency) and add lanes in a fixed order, so a
 * result depends only on the ISA. The scalar tail follows the reference formulas.
 */
#include "internal.h"

#include <string.h>

typedef float ekt_vf __attribute__((vector_size(EKT_VW * 4)));
typedef int32_t ekt_vi __attribute__((vector_size(EKT_VW * 4)));

#define EKT_FN static inline __attribute__((always_inline)) EKT_TARGET
#define EKT_API static EKT_TARGET

EKT_FN ekt_vf ekt_ld(const float *p) {
    ekt_vf v;
    memcpy(&v, p, sizeof v);
    return v;
}
EKT_FN void ekt_st(float *p, ekt_vf v) { memcpy(p, &v, sizeof v); }
EKT_FN ekt_vf ekt_set(float s) {
    ekt_vf v;
    for (int i = 0; i < EKT_VW; i++) v[i] = s;
    return v;
}
EKT_FN float ekt_hsum(ekt_vf v) {
    float s = 0.0f;
    for (int i = 0; i < EKT_VW; i++) s += v[i];
    return s;
}
/* m ? a : b lane-wise (m from a comparison: all ones or zero). */
EKT_FN ekt_vf ekt_blend(ekt_vi m, ekt_vf a, ekt_vf b) { return (ekt_vf)((m & (ekt_vi)a) | (~m & (ekt_vi)b)); }

EKT_API float vsum(const float *x, int64_t n) {
    ekt_vf a0 = ekt_set(0.0f), a1 = a0;
    int64_t i = 0;
    for (; i + 2 * EKT_VW <= n; i += 2 * EKT_VW) {
        a0 += ekt_ld(x + i);
        a1 += ekt_ld(x + i + EKT_VW);
    }
    for (; i + EKT_VW <= n; i += EKT_VW) a0 += ekt_ld(x + i);
    float s = ekt_hsum(a0 + a1);
    for (; i < n; i++) s += x[i];
    return s;
}

EKT_API float vsumsq_centered(const float *x, int64_t n, float mu) {
    const ekt_vf m = ekt_set(mu);
    ekt_vf a0 = ekt_set(0.0f), a1 = a0;
    int64_t i = 0;
    for (; i + 2 * EKT_VW <= n; i += 2 * EKT_VW) {
        const ekt_vf d0 = ekt_ld(x + i) - m, d1 = ekt_ld(x + i + EKT_VW) - m;
        a0 += d0 * d0;
        a1 += d1 * d1;
    }
    for (; i + EKT_VW <= n; i += EKT_VW) {
        const ekt_vf d = ekt_ld(x + i) - m;
        a0 += d * d;
    }
    float s = ekt_hsum(a0 + a1);
    for (; i < n; i++) s += (x[i] - mu) * (x[i] - mu);
    return s;
}

EKT_API float vdot(const float *a, const float *b, int64_t n) {
    ekt_vf a0 = ekt_set(0.0f), a1 = a0;
    int64_t i = 0;
    for (; i + 2 * EKT_VW <= n; i += 2 * EKT_VW) {
        a0 += ekt_ld(a + i) * ekt_ld(b + i);
        a1 += ekt_ld(a + i + EKT_VW) * ekt_ld(b + i + EKT_VW);
    }
    for (; i + EKT_VW <= n; i += EKT_VW) a0 += ekt_ld(a + i) * ekt_ld(b + i);
    float s = ekt_hsum(a0 + a1);
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

EKT_API void vaxpy(float a, const float *x, float *y, int64_t n) {
    const ekt_vf av = ekt_set(a);
    int64_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) ekt_st(y + i, ekt_ld(y + i) + av * ekt_ld(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

EKT_API void vaffine(const float *x, float *y, int64_t n, float s, float b, float lo, float hi) {
    const ekt_vf sv = ekt_set(s), bv = ekt_set(b), lov = ekt_set(lo), hiv = ekt_set(hi);
    int64_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) {
        ekt_vf v = ekt_ld(x + i) * sv + bv;
        v = ekt_blend(v < lov, lov, v);
        ekt_st(y + i, ekt_blend(v > hiv, hiv, v));
    }
    for (; i < n; i++) {
        float v = x[i] * s + b;
        v = v < lo ? lo : v;
        y[i] = v > hi ? hi : v;
    }
}

/* dy through the fused activation's gate, lane-wise and for one tail value. */
EKT_FN ekt_vf ekt_gated(const float *dy, ek_gate gate, int64_t i) {
    const ekt_vf d = ekt_ld(dy + i);
    if (!gate.y) return d;
    const ekt_vf y = ekt_ld(gate.y + i);
    return ekt_blend((y > ekt_set(gate.lo)) & (y < ekt_set(gate.hi)), d, ekt_set(0.0f));
}
EKT_FN float ekt_gated1(const float *dy, ek_gate gate, int64_t i) {
    return !gate.y || (gate.y[i] > gate.lo && gate.y[i] < gate.hi) ? dy[i] : 0.0f;
}

EKT_API void vbn_sums(const float *x, const float *dy, ek_gate gate, int64_t n, float mu, float *sum_dy, float *sum_dy_xc) {
    const ekt_vf m = ekt_set(mu);
    ekt_vf a = ekt_set(0.0f), b = a;
    int64_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) {
        const ekt_vf d = ekt_gated(dy, gate, i);
        a += d;
        b += d * (ekt_ld(x + i) - m);
    }
    float sa = ekt_hsum(a), sb = ekt_hsum(b);
    for (; i < n; i++) {
        const float d = ekt_gated1(dy, gate, i);
        sa += d;
        sb += d * (x[i] - mu);
    }
    *sum_dy = sa;
    *sum_dy_xc = sb;
}

EKT_API void vbn_dx(const float *x, const float *dy, ek_gate gate, float *dx, int64_t n, float mu, float k, float cy, float cx) {
    const ekt_vf m = ekt_set(mu), kv = ekt_set(k), cyv = ekt_set(cy), cxv = ekt_set(cx);
    int64_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) ekt_st(dx + i, kv * (ekt_gated(dy, gate, i) - cyv - (ekt_ld(x + i) - m) * cxv));
    for (; i < n; i++) dx[i] = k * (ekt_gated1(dy, gate, i) - cy - (x[i] - mu) * cx);
}

/* Lane-wise derivative for the kinds ek__act_backward_supported accepts. */
EKT_FN ekt_vf ekt_dact(ekt_vf x, ekt_vf y, ek_activation act) {
    const ekt_vf one = ekt_set(1.0f), zero = ekt_set(0.0f);
    switch (act.kind) {
    case EK_ACT_RELU: return ekt_blend(x > zero, one, zero);
    case EK_ACT_CLIP: return ekt_blend((x > ekt_set(act.alpha)) & (x < ekt_set(act.beta)), one, zero);
    case EK_ACT_LEAKY_RELU: return ekt_blend(x < zero, ekt_set(act.alpha), one);
    case EK_ACT_SIGMOID: return y * (one - y);
    case EK_ACT_TANH: return one - y * y;
    case EK_ACT_HARD_SWISH: {
        ekt_vf d = x / ekt_set(3.0f) + ekt_set(0.5f);
        d = ekt_blend(x >= ekt_set(3.0f), one, d);
        return ekt_blend(x <= ekt_set(-3.0f), zero, d);
    }
    default: return one;
    }
}

EKT_API int vact_backward(const float *x, const float *y, const float *dy, float *dx, size_t n, ek_activation act) {
    /* kind and pointers validated by ek_activation_backward */
    const int uses_y = act.kind == EK_ACT_SIGMOID || act.kind == EK_ACT_TANH;
    const int uses_x = !uses_y && act.kind != EK_ACT_NONE;
    const ekt_vf zero = ekt_set(0.0f);
    size_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) {
        const ekt_vf xv = uses_x ? ekt_ld(x + i) : zero, yv = uses_y ? ekt_ld(y + i) : zero;
        ekt_st(dx + i, ekt_ld(dy + i) * ekt_dact(xv, yv, act));
    }
    if (i < n) {
        /* tail through a zero-padded vector so it uses the same formulas */
        float xb[EKT_VW] = {0}, yb[EKT_VW] = {0}, db[EKT_VW] = {0};
        const size_t r = n - i;
        if (uses_x) memcpy(xb, x + i, r * sizeof(float));
        if (uses_y) memcpy(yb, y + i, r * sizeof(float));
        memcpy(db, dy + i, r * sizeof(float));
        ekt_st(db, ekt_ld(db) * ekt_dact(ekt_ld(xb), ekt_ld(yb), act));
        memcpy(dx + i, db, r * sizeof(float));
    }
    return 0;
}

/* Up to four taps per pass over a: four accumulators, a loaded once per vector. */
EKT_API void vtaps_dot(const float *a, const float *b, const int32_t *off, int taps, int64_t n, float *out) {
    for (int t0 = 0; t0 < taps; t0 += 4) {
        const int g = taps - t0 < 4 ? taps - t0 : 4;
        const float *b0 = b + off[t0], *b1 = b + off[t0 + (g > 1)], *b2 = b + off[t0 + (g > 2 ? 2 : 0)],
                    *b3 = b + off[t0 + (g > 3 ? 3 : 0)];
        ekt_vf a0 = ekt_set(0.0f), a1 = a0, a2 = a0, a3 = a0;
        int64_t i = 0;
        for (; i + EKT_VW <= n; i += EKT_VW) {
            const ekt_vf av = ekt_ld(a + i);
            a0 += av * ekt_ld(b0 + i);
            a1 += av * ekt_ld(b1 + i);
            a2 += av * ekt_ld(b2 + i);
            a3 += av * ekt_ld(b3 + i);
        }
        float s[4] = {ekt_hsum(a0), ekt_hsum(a1), ekt_hsum(a2), ekt_hsum(a3)};
        const float *bs[4] = {b0, b1, b2, b3};
        for (; i < n; i++)
            for (int k = 0; k < 4; k++) s[k] += a[i] * bs[k][i];
        for (int k = 0; k < g; k++) out[t0 + k] += s[k];
    }
}

EKT_API void vtaps_gather(const float *src, const int32_t *off, const float *w, int taps, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + EKT_VW <= n; i += EKT_VW) {
        ekt_vf acc = ekt_ld(dst + i);
        for (int t = 0; t < taps; t++) acc += ekt_set(w[t]) * ekt_ld(src + i + off[t]);
        ekt_st(dst + i, acc);
    }
    for (; i < n; i++) {
        float s = dst[i];
        for (int t = 0; t < taps; t++) s += w[t] * src[i + off[t]];
        dst[i] = s;
    }
}

const ek__train_ops EKT_OPS = {
    .sum = vsum, .sumsq_centered = vsumsq_centered, .dot = vdot, .axpy = vaxpy, .affine = vaffine,
    .bn_sums = vbn_sums, .bn_dx = vbn_dx, .act_backward = vact_backward,
    .taps_dot = vtaps_dot, .taps_gather = vtaps_gather,
};

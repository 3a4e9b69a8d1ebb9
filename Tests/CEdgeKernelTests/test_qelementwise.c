/*
 * test_qelementwise.c — conformance of the element-wise 8-bit kernels (qelementwise.c) on every ISA:
 * ek_quantize_linear against the QuantizeLinear spec restated here (float division, NaN → low
 * clamp, round half to even, zero point, saturation; uint8 and int8 ranges; exact .5 ties, huge,
 * infinite, NaN and denormal inputs; every tail length), ek_dequantize_linear against
 * (x - zero) · scale, and ek_lookup_u8 against table[x].
 */
#include "ekt_common.h"
#include "edge_qkernels.h"

#include <string.h>

static uint8_t spec_quantize(float x, float scale, float zero, float lo, float hi) {
    const float q = x / scale;
    float r;
    if (q != q || q <= -4194304.0f) r = -4194304.0f;
    else if (q >= 4194304.0f) r = 4194304.0f;
    else r = nearbyintf(q); /* default rounding mode: half to even */
    float v = r + zero;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (uint8_t)(int32_t)v;
}

int ekt_qelementwise(int verbose) {
    ekt_ctx c = {"qelementwise", verbose, 0, 0};
    ekt_rng r = {0x5EEDull};
    const int prev = ek_active_isa();
    int isas[4];
    const int n_isa = ekt_isas(isas);
    enum { N = 419 };
    float x[N];
    uint8_t want[N], got[N];
    /* (scale, zero, lo, hi): uint8 and int8 outputs, zero points at both ends */
    const float params[][4] = {
        {0.0317f, 131.0f, 0.0f, 255.0f}, {0.5f, 0.0f, 0.0f, 255.0f}, {1.0f / 255.0f, 255.0f, 0.0f, 255.0f},
        {0.021f, -3.0f, -128.0f, 127.0f}, {0.25f, 127.0f, -128.0f, 127.0f}, {3.0e-5f, -128.0f, -128.0f, 127.0f},
    };
    for (size_t p = 0; p < sizeof params / sizeof params[0]; p++) {
        const float s = params[p][0], z = params[p][1], lo = params[p][2], hi = params[p][3];
        for (int i = 0; i < N; i++) {
            switch (i % 7) {
            case 0: x[i] = ((float)(int)(ekt_next(&r) % 600) - 300.0f + 0.5f) * s; break; /* ties */
            case 1: x[i] = ekt_uniform(&r, -1.0e9f, 1.0e9f); break;
            default: x[i] = ekt_uniform(&r, -140.0f, 140.0f) * s;
            }
        }
        x[3] = NAN;
        x[10] = INFINITY;
        x[17] = -INFINITY;
        x[24] = -0.0f;
        x[31] = 1.0e-40f;
        x[38] = 4194304.5f * s;
        for (int i = 0; i < N; i++) want[i] = spec_quantize(x[i], s, z, lo, hi);
        for (int k = 0; k < n_isa; k++) {
            ek_set_isa(isas[k]);
            /* every length 0…70 from every offset 0…2 (vector bodies and tails), then the whole run */
            for (int off = 0; off < 3; off++)
                for (int n = 0; n <= 70; n++) {
                    memset(got, 0xA5, sizeof got);
                    ek_quantize_linear(x + off, got + off, (size_t)n, s, z, lo, hi);
                    if (memcmp(got + off, want + off, (size_t)n) || got[off + n] != 0xA5 * (off + n < N))
                        ekt_fail(&c, "%s quantize params %zu off %d n %d", ek_isa_name(isas[k]), p, off, n);
                }
            ek_quantize_linear(x, got, N, s, z, lo, hi);
            for (int i = 0; i < N; i++)
                if (got[i] != want[i])
                    ekt_fail(&c, "%s quantize params %zu [%d] x=%g: %u want %u", ek_isa_name(isas[k]), p, i, (double)x[i],
                             got[i], want[i]);
            ekt_count(N + 3 * 71);
        }
    }
    /* lookup: random table, every byte value, every tail; in place */
    uint8_t table[256], bytes[N], out[N];
    for (int i = 0; i < 256; i++) table[i] = (uint8_t)ekt_next(&r);
    for (int i = 0; i < N; i++) bytes[i] = i < 256 ? (uint8_t)i : (uint8_t)ekt_next(&r);
    for (int k = 0; k < n_isa; k++) {
        ek_set_isa(isas[k]);
        for (int off = 0; off < 3; off++)
            for (int n = 0; n <= 150; n++) {
                memset(out, 0x5A, sizeof out);
                ek_lookup_u8(bytes + off, out + off, (size_t)n, table);
                for (int i = 0; i < N; i++) {
                    const uint8_t w = i >= off && i < off + n ? table[bytes[i]] : 0x5A;
                    if (out[i] != w) {
                        ekt_fail(&c, "%s lookup off %d n %d [%d]: %u want %u", ek_isa_name(isas[k]), off, n, i, out[i], w);
                        break;
                    }
                }
            }
        memcpy(out, bytes, N);
        ek_lookup_u8(out, out, N, table);
        for (int i = 0; i < N; i++)
            if (out[i] != table[bytes[i]]) ekt_fail(&c, "%s lookup in place [%d]", ek_isa_name(isas[k]), i);
        ekt_count(3 * 151 + 1);
    }
    /* dequantize: uint8 and int8, every byte value, every tail */
    float fw[N], fg[N];
    for (int sg = 0; sg < 2; sg++) {
        const int32_t z = sg ? -5 : 131;
        const float s = 0.0173f;
        for (int i = 0; i < N; i++) fw[i] = (float)((sg ? (int32_t)(int8_t)bytes[i] : (int32_t)bytes[i]) - z) * s;
        for (int k = 0; k < n_isa; k++) {
            ek_set_isa(isas[k]);
            for (int n = 0; n <= 70; n++) {
                for (int i = 0; i < N; i++) fg[i] = -1.0f;
                ek_dequantize_linear(bytes + 1, fg + 1, (size_t)n, s, z, sg);
                if (memcmp(fg + 1, fw + 1, sizeof(float) * (size_t)n) || fg[0] != -1.0f || fg[n + 1] != -1.0f)
                    ekt_fail(&c, "%s dequantize signed %d n %d", ek_isa_name(isas[k]), sg, n);
            }
            ek_dequantize_linear(bytes, fg, N, s, z, sg);
            if (memcmp(fg, fw, sizeof fw)) ekt_fail(&c, "%s dequantize signed %d", ek_isa_name(isas[k]), sg);
            ekt_count(72);
        }
    }
    ek_set_isa(prev);
    return ekt_done(&c);
}

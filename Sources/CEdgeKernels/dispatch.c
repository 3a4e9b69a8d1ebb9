/*
 * dispatch.c — run-time CPU detection and the ISA tables.
 *
 * x86_64: cpuid + xgetbv (OS must save YMM/ZMM state). AVX2 needs AVX2+FMA+SSE4.2 (+OS YMM);
 * AVX-512 additionally needs F/BW/VL/DQ (+OS ZMM/opmask). aarch64: NEON (ASIMD) is
 * architectural; getauxval(AT_HWCAP) is consulted for ASIMD and CRC32.
 * The active ISA starts at the detected one (or $EK_ISA = scalar|avx2|avx512|neon, clamped) and
 * can be changed with ek_set_isa() — the tests use that to run every path on one machine.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

const ek__isa_impl ek__impl_scalar = {
    .isa = EK_ISA_SCALAR, .mr = 6, .nr = 16, .mc = 72, .kc = 256, .nc = 2048,
    .ukernel = ek__ukernel_scalar, .smallm = ek__smallm_scalar, .act = ek__act_scalar, .softmax_row = ek__softmax_row_scalar,
    .dw3x3 = NULL, .train = &ek__train_scalar,
};

#if defined(__x86_64__)
const ek__isa_impl ek__impl_avx2 = {
    .isa = EK_ISA_AVX2, .mr = 6, .nr = 16, .mc = 96, .kc = 256, .nc = 2048,
    .ukernel = ek__ukernel_avx2, .smallm = ek__smallm_avx2, .act = ek__act_avx2, .softmax_row = ek__softmax_row_avx2,
    .dw3x3 = ek__dw3x3_avx2,
    .dwflat = ek__dwflat_avx2, .deint = ek__deint_avx2, .rows_act = ek__rows_act_avx2,
    .train = &ek__train_avx2,
};
const ek__isa_impl ek__impl_avx512 = {
    .isa = EK_ISA_AVX512, .mr = 12, .nr = 32, .mc = 96, .kc = 256, .nc = 2048,
    .ukernel = ek__ukernel_avx512, .smallm = ek__smallm_avx512, .act = ek__act_avx512, .softmax_row = ek__softmax_row_avx512,
    .dw3x3 = ek__dw3x3_avx512,
    .dwflat = ek__dwflat_avx512, .deint = ek__deint_avx512, .rows_act = ek__rows_act_avx512,
    .convflat8 = ek__convflat8_avx512, .dwsame = ek__dwsame_avx512, .train = &ek__train_avx512,
};

static int g_has_sse42;
int ek__cpu_has_sse42(void) { return g_has_sse42; }

static int detect_x86(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return EK_ISA_SCALAR;
    const int sse42 = (c >> 20) & 1, fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    g_has_sse42 = sse42;
    if (!osxsave || !avx) return EK_ISA_SCALAR;
    unsigned xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    (void)xhi;
    const int os_ymm = (xlo & 0x6) == 0x6;
    const int os_zmm = (xlo & 0xE6) == 0xE6;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return EK_ISA_SCALAR;
    const int avx2 = (b >> 5) & 1;
    const int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    if (!(os_ymm && avx2 && fma && sse42)) return EK_ISA_SCALAR;
    if (os_zmm && f && dq && bw && vl) return EK_ISA_AVX512;
    return EK_ISA_AVX2;
}
#endif

#if defined(__aarch64__)
const ek__isa_impl ek__impl_neon = {
    .isa = EK_ISA_NEON, .mr = 6, .nr = 16, .mc = 96, .kc = 256, .nc = 1024,
    .ukernel = ek__ukernel_neon, .smallm = ek__smallm_neon, .act = ek__act_neon, .softmax_row = ek__softmax_row_neon,
    .dw3x3 = ek__dw3x3_neon,
    .dwflat = ek__dwflat_neon, .deint = ek__deint_neon, .rows_act = ek__rows_act_neon,
    .train = &ek__train_neon,
};
static int g_has_arm_crc;
int ek__cpu_has_arm_crc(void) { return g_has_arm_crc; }
#endif

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_detected = EK_ISA_SCALAR;
static int g_active = EK_ISA_SCALAR;  /* accessed with __atomic builtins */

static int clamp_isa(int isa) {
#if defined(__x86_64__)
    if (isa == EK_ISA_NEON) return g_detected;
    if (isa < EK_ISA_SCALAR) return EK_ISA_SCALAR;
    return isa > g_detected ? g_detected : isa;
#elif defined(__aarch64__)
    if (isa == EK_ISA_NEON && g_detected == EK_ISA_NEON) return EK_ISA_NEON;
    return isa == EK_ISA_SCALAR ? EK_ISA_SCALAR : g_detected;
#else
    (void)isa;
    return EK_ISA_SCALAR;
#endif
}

static void detect_once(void) {
#if defined(__x86_64__)
    g_detected = detect_x86();
#elif defined(__aarch64__)
    g_detected = EK_ISA_NEON;
#if defined(__linux__)
    const unsigned long hw = getauxval(AT_HWCAP);
    if (hw && !(hw & HWCAP_ASIMD)) g_detected = EK_ISA_SCALAR;
    g_has_arm_crc = (hw & HWCAP_CRC32) != 0;
#endif
#else
    g_detected = EK_ISA_SCALAR;
#endif
    int active = g_detected;
    const char *env = getenv("EK_ISA");
    if (env) {
        for (int i = EK_ISA_SCALAR; i <= EK_ISA_NEON; i++)
            if (strcmp(env, ek_isa_name(i)) == 0) active = clamp_isa(i);
    }
    __atomic_store_n(&g_active, active, __ATOMIC_RELEASE);
}

int ek_detected_isa(void) {
    pthread_once(&g_once, detect_once);
    return g_detected;
}

int ek_active_isa(void) {
    pthread_once(&g_once, detect_once);
    return __atomic_load_n(&g_active, __ATOMIC_ACQUIRE);
}

int ek_set_isa(int isa) {
    pthread_once(&g_once, detect_once);
    return __atomic_exchange_n(&g_active, clamp_isa(isa), __ATOMIC_ACQ_REL);
}

const char *ek_isa_name(int isa) {
    switch (isa) {
    case EK_ISA_SCALAR: return "scalar";
    case EK_ISA_AVX2: return "avx2";
    case EK_ISA_AVX512: return "avx512";
    case EK_ISA_NEON: return "neon";
    default: return "unknown";
    }
}

static const ek__isa_impl *impl_for(int isa) {
    switch (isa) {
#if defined(__x86_64__)
    case EK_ISA_AVX2: return &ek__impl_avx2;
    case EK_ISA_AVX512: return &ek__impl_avx512;
#endif
#if defined(__aarch64__)
    case EK_ISA_NEON: return &ek__impl_neon;
#endif
    default: return &ek__impl_scalar;
    }
}

const ek__isa_impl *ek__impl(void) { return impl_for(ek_active_isa()); }

ek__crc_fn ek__crc_for_isa(int isa) {
#if defined(__x86_64__)
    if (isa != EK_ISA_SCALAR && g_has_sse42) return ek__crc32c_sse42;
#elif defined(__aarch64__)
    if (isa != EK_ISA_SCALAR && g_has_arm_crc) return ek__crc32c_armv8;
#endif
    (void)isa;
    return ek__crc32c_scalar;
}

/*
 * crc32c.c — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) for model-file checksums.
 * Scalar: slicing-by-8 tables (built once). x86_64: SSE4.2 crc32 instruction; aarch64: ARMv8
 * CRC32C instructions when HWCAP_CRC32 is set. Hardware paths run three independent streams
 * over 3 blocks and merge them with a carry-less shift (table of x^(8·len) multiplication), to
 * hide the 3-cycle instruction latency on large buffers.
 */
#include "internal.h"

#include <pthread.h>
#include <string.h>

static uint32_t g_tab[8][256];
static pthread_once_t g_tab_once = PTHREAD_ONCE_INIT;

static void tab_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
        g_tab[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) g_tab[t][i] = (g_tab[t - 1][i] >> 8) ^ g_tab[0][g_tab[t - 1][i] & 0xFF];
}

uint32_t ek__crc32c_scalar(uint32_t crc, const void *data, size_t n) {
    pthread_once(&g_tab_once, tab_init);
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (n && ((uintptr_t)p & 7)) {
        c = (c >> 8) ^ g_tab[0][(c ^ *p++) & 0xFF];
        n--;
    }
    while (n >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
#endif
        lo ^= c;
        c = g_tab[7][lo & 0xFF] ^ g_tab[6][(lo >> 8) & 0xFF] ^ g_tab[5][(lo >> 16) & 0xFF] ^ g_tab[4][lo >> 24] ^
            g_tab[3][hi & 0xFF] ^ g_tab[2][(hi >> 8) & 0xFF] ^ g_tab[1][(hi >> 16) & 0xFF] ^ g_tab[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) c = (c >> 8) ^ g_tab[0][(c ^ *p++) & 0xFF];
    return ~c;
}

/* GF(2) helpers to shift a CRC state over `len` zero bytes: crc_shift(c, len) returns the state
 * after feeding len zero bytes to (non-inverted) state c. Implemented by multiplying with a
 * 32×32 bit matrix computed once for the fixed block length used by the 3-way loops. */
#define EK__CRC_BLOCK 4096  /* bytes per stream per round (3 streams → 12 KiB per round) */

static uint32_t g_shift[4][256]; /* byte-sliced matrix for shifting by EK__CRC_BLOCK zero bytes */
static pthread_once_t g_shift_once = PTHREAD_ONCE_INIT;

static uint32_t zeros_step(uint32_t c, size_t len) {
    while (len--) c = (c >> 8) ^ g_tab[0][c & 0xFF];
    return c;
}

static void shift_init(void) {
    pthread_once(&g_tab_once, tab_init);
    /* the zero-byte shift is linear in c: tabulate it per input byte position */
    for (int b = 0; b < 4; b++)
        for (uint32_t v = 0; v < 256; v++) g_shift[b][v] = zeros_step(v << (8 * b), EK__CRC_BLOCK);
}

static inline uint32_t crc_shift_block(uint32_t c) {
    return g_shift[0][c & 0xFF] ^ g_shift[1][(c >> 8) & 0xFF] ^ g_shift[2][(c >> 16) & 0xFF] ^ g_shift[3][c >> 24];
}

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) uint32_t ek__crc32c_sse42(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    uint64_t c = ~crc;
    while (n && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    if (n >= 3 * EK__CRC_BLOCK) {
        pthread_once(&g_shift_once, shift_init);
        while (n >= 3 * EK__CRC_BLOCK) {
            uint64_t c1 = 0, c2 = 0;
            const unsigned char *p1 = p + EK__CRC_BLOCK, *p2 = p + 2 * EK__CRC_BLOCK;
            for (size_t i = 0; i < EK__CRC_BLOCK; i += 8) {
                uint64_t v0, v1, v2;
                memcpy(&v0, p + i, 8);
                memcpy(&v1, p1 + i, 8);
                memcpy(&v2, p2 + i, 8);
                c = _mm_crc32_u64(c, v0);
                c1 = _mm_crc32_u64(c1, v1);
                c2 = _mm_crc32_u64(c2, v2);
            }
            c = crc_shift_block((uint32_t)c) ^ (uint32_t)c1;
            c = crc_shift_block((uint32_t)c) ^ (uint32_t)c2;
            p += 3 * EK__CRC_BLOCK;
            n -= 3 * EK__CRC_BLOCK;
        }
    }
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        n -= 8;
    }
    while (n--) c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}
#endif

#if defined(__aarch64__)
#include <arm_acle.h>
#if defined(__clang__)
#define EK__CRC_TARGET __attribute__((target("crc")))
#else
#define EK__CRC_TARGET __attribute__((target("+crc")))
#endif

EK__CRC_TARGET uint32_t ek__crc32c_armv8(uint32_t crc, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    uint32_t c = ~crc;
    while (n && ((uintptr_t)p & 7)) {
        c = __crc32cb(c, *p++);
        n--;
    }
    if (n >= 3 * EK__CRC_BLOCK) {
        pthread_once(&g_shift_once, shift_init);
        while (n >= 3 * EK__CRC_BLOCK) {
            uint32_t c1 = 0, c2 = 0;
            const unsigned char *p1 = p + EK__CRC_BLOCK, *p2 = p + 2 * EK__CRC_BLOCK;
            for (size_t i = 0; i < EK__CRC_BLOCK; i += 8) {
                uint64_t v0, v1, v2;
                memcpy(&v0, p + i, 8);
                memcpy(&v1, p1 + i, 8);
                memcpy(&v2, p2 + i, 8);
                c = __crc32cd(c, v0);
                c1 = __crc32cd(c1, v1);
                c2 = __crc32cd(c2, v2);
            }
            c = crc_shift_block(c) ^ c1;
            c = crc_shift_block(c) ^ c2;
            p += 3 * EK__CRC_BLOCK;
            n -= 3 * EK__CRC_BLOCK;
        }
    }
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __crc32cd(c, v);
        p += 8;
        n -= 8;
    }
    while (n--) c = __crc32cb(c, *p++);
    return ~c;
}
#endif

uint32_t ek_crc32c(uint32_t crc, const void *data, size_t n) {
    return ek__crc_for_isa(ek_active_isa())(crc, data, n);
}

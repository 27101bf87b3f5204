// Byte-search primitives the scanner needs and Swift cannot express efficiently:
// a 64-byte structural-character bitmask (SSE2, or a portable loop elsewhere).
#ifndef SMTPTLS_BYTESEARCH_SHIM_H
#define SMTPTLS_BYTESEARCH_SHIM_H
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit i is set when p[i] is ',', '"' or '\n', for i in 0..<64. Reads exactly 64 bytes at p.
static inline uint64_t smtptls_structural_mask64(const uint8_t *p) {
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i nl = _mm_set1_epi8('\n');
    uint64_t mask = 0;
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, quote)),
                                   _mm_cmpeq_epi8(v, nl));
        mask |= ((uint64_t)(uint32_t)_mm_movemask_epi8(hit)) << (16 * i);
    }
    return mask;
#else
    uint64_t mask = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        if (c == ',' || c == '"' || c == '\n') mask |= (uint64_t)1 << i;
    }
    return mask;
#endif
}

#endif

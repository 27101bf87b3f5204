#include "smtptls_bytesearch.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

// Invariants: every load reads bytes p[i] with i < n (64-byte blocks only while i + 64 <= n;
// the rest byte by byte), nothing is written outside *out, and field_end is written only below
// SMTPTLS_MAX_FIELDS.

// One structural byte at index i: returns 1 when it was the LF that ends the line.
static inline int structural(uint8_t c, size_t i, uint32_t *count, uint32_t *quoted, uint32_t *in_quote,
                             smtptls_line_fields *out) {
    if (c == ',') {
        if (!*in_quote) {
            if (*count < SMTPTLS_MAX_FIELDS) out->field_end[*count] = (int32_t)i;
            *count += 1;
        }
        return 0;
    }
    if (c == '"') {
        *in_quote ^= 1;
        if (*count < 32) *quoted |= (uint32_t)1 << *count;
        return 0;
    }
    // LF
    if (*count < SMTPTLS_MAX_FIELDS) out->field_end[*count] = (int32_t)i;
    out->newline = i;
    out->field_count = *count + 1;
    out->quoted = *quoted;
    out->open_quote = *in_quote;
    return 1;
}

#if defined(__SSE2__)
static inline uint32_t mask16(const uint8_t *p) {
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    return (uint32_t)_mm_movemask_epi8(hit);
}
#define SMTPTLS_HAVE_MASK16 1
#elif defined(__ARM_NEON)
static inline uint32_t mask16(const uint8_t *p) {
    const uint8x16_t v = vld1q_u8(p);
    const uint8x16_t hit = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8(',')), vceqq_u8(v, vdupq_n_u8('"'))),
                                    vceqq_u8(v, vdupq_n_u8('\n')));
    static const uint8_t bits[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t masked = vandq_u8(hit, vld1q_u8(bits));
    const uint8_t lo = vaddv_u8(vget_low_u8(masked));
    const uint8_t hi = vaddv_u8(vget_high_u8(masked));
    return (uint32_t)lo | ((uint32_t)hi << 8);
}
#define SMTPTLS_HAVE_MASK16 1
#endif

int smtptls_split_line(const uint8_t *p, size_t n, smtptls_line_fields *out) {
    uint32_t count = 0, quoted = 0, in_quote = 0;
    size_t i = 0;
#if defined(SMTPTLS_HAVE_MASK16)
    for (; i + 64 <= n; i += 64) {
        uint64_t m = (uint64_t)mask16(p + i) | (uint64_t)mask16(p + i + 16) << 16 |
                     (uint64_t)mask16(p + i + 32) << 32 | (uint64_t)mask16(p + i + 48) << 48;
        while (m) {
            const size_t j = i + (size_t)__builtin_ctzll(m);
            m &= m - 1;
            if (structural(p[j], j, &count, &quoted, &in_quote, out)) return 1;
        }
    }
#endif
    for (; i < n; i++) {
        const uint8_t c = p[i];
        if ((c == ',' || c == '"' || c == '\n') && structural(c, i, &count, &quoted, &in_quote, out)) return 1;
    }
    return 0;
}

#include "smtptls_bytesearch.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

// Invariants: every load reads bytes p[i] with i < n (64-byte blocks only while i + 64 <= n;
// the rest byte by byte), nothing is written outside out[0 ..< max_lines], and field_end is
// written only below SMTPTLS_MAX_FIELDS.

#if defined(__SSE2__)
/// Bits of the 16 bytes at p that are a comma, a quote or an LF.
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
    return (uint32_t)vaddv_u8(vget_low_u8(masked)) | (uint32_t)vaddv_u8(vget_high_u8(masked)) << 8;
}
#define SMTPTLS_HAVE_MASK16 1
#endif

/// The line being split: where it starts in p, its fields so far, its quote state.
typedef struct {
    size_t start;
    uint32_t count, quoted, in_quote;
} line_state;

static inline void field_end(line_state *s, smtptls_line_fields *cur, size_t j) {
    if (s->count < SMTPTLS_MAX_FIELDS) cur->field_end[s->count] = (int32_t)(j - s->start);
    s->count += 1;
}

/// Ends the line at the LF at j; the next one starts after it.
static inline void end_line(line_state *s, smtptls_line_fields *cur, size_t j) {
    field_end(s, cur, j);
    cur->newline = j - s->start;
    cur->field_count = s->count;
    cur->quoted = s->quoted;
    cur->open_quote = s->in_quote;
    s->start = j + 1;
    s->count = 0;
    s->quoted = 0;
    s->in_quote = 0;
}

static inline void quote(line_state *s) {
    s->in_quote ^= 1;
    if (s->count < 32) s->quoted |= (uint32_t)1 << s->count;
}

/// One structural byte c at j; returns 1 when it was the LF that ends the line.
static inline int structural(uint8_t c, size_t j, line_state *s, smtptls_line_fields *cur) {
    if (c == ',') {
        if (!s->in_quote) field_end(s, cur, j);
        return 0;
    }
    if (c == '"') {
        quote(s);
        return 0;
    }
    end_line(s, cur, j);
    return 1;
}

size_t smtptls_split_lines(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                           size_t *consumed) {
    line_state s = {0, 0, 0, 0};
    size_t lines = 0;
    *consumed = 0;
    if (max_lines == 0) return 0;
    smtptls_line_fields *cur = out;
    size_t i = 0;
#if defined(SMTPTLS_HAVE_MASK16)
    // One pass over the bytes: a line's last block goes on into the next line instead of being
    // read again from that line's start.
    for (; i + 64 <= n; i += 64) {
        uint64_t m = (uint64_t)mask16(p + i) | (uint64_t)mask16(p + i + 16) << 16 |
                     (uint64_t)mask16(p + i + 32) << 32 | (uint64_t)mask16(p + i + 48) << 48;
        for (; m; m &= m - 1) {
            const size_t j = i + (size_t)__builtin_ctzll(m);
            if (structural(p[j], j, &s, cur)) {
                cur++;
                if (++lines == max_lines) {
                    *consumed = s.start;
                    return lines;
                }
            }
        }
    }
#endif
    for (; i < n; i++) {
        const uint8_t c = p[i];
        if ((c == ',' || c == '"' || c == '\n') && structural(c, i, &s, cur)) {
            cur++;
            if (++lines == max_lines) break;
        }
    }
    *consumed = s.start;
    return lines;
}

// The scanner's byte-level kernel: splitting CSV lines into fields (docs/architecture.md,
// "The hot path"). Compiled as C so the SIMD compare-and-movemask loop gets the code a C
// compiler gives it; Swift calls it once per batch of lines.
#ifndef SMTPTLS_BYTESEARCH_H
#define SMTPTLS_BYTESEARCH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The most fields whose bounds are stored (FieldLayout.maximumFields); more are only counted.
#define SMTPTLS_MAX_FIELDS 16

/// Where the fields of one line end.
typedef struct {
    /// Index of the line's LF from the start of the line.
    uint64_t newline;
    /// Fields on the line: commas outside quotes, plus one (may exceed SMTPTLS_MAX_FIELDS).
    uint32_t field_count;
    /// Bit i (i < 32) set: field i contains a quote character.
    uint32_t quoted;
    /// A quote was still open at the LF (the line is malformed).
    uint32_t open_quote;
    /// field_end[i]: index from the start of the line of the comma (or LF) that ends field i,
    /// for i < min(field_count, SMTPTLS_MAX_FIELDS). Field i starts at field_end[i-1] + 1 (0 for
    /// field 0). Indexes are truncated to 32 bits: callers reject lines of 2 GiB or more first.
    int32_t field_end[SMTPTLS_MAX_FIELDS];
} smtptls_line_fields;

/// The field bounds of a line, for a record to read in place (no copy of the array).
static inline const int32_t *smtptls_field_ends(const smtptls_line_fields *f) { return f->field_end; }

/// A session id read by smtptls_parse_hex16: `ok` 1 and its value, or `ok` 0.
typedef struct {
    uint64_t value;
    int ok;
} smtptls_hex16;

/// Exactly sixteen ASCII hex digits at p (either case; how Exchange writes a session id) to
/// their value, the first digit most significant (`ok` 1), or `ok` 0 when a byte is not a hex
/// digit. Reads p[0 ..< 16] only. Inline, so that the tracker's row dispatch compiles it in
/// place, and returned by value rather than through a pointer: a local whose address is taken
/// puts a stack guard around the whole function it is inlined into. With SSE2 the sixteen bytes
/// are checked and turned into nibbles as one vector (a sixth of the instructions of
/// eight-at-a-time word arithmetic).
static inline smtptls_hex16 smtptls_parse_hex16(const uint8_t *p) {
    smtptls_hex16 r = {0, 0};
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i digit = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    __m128i letter = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    // Unsigned "x <= limit" as min(x, limit) == x.
    __m128i isDigit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
    __m128i isLetter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(5)), letter);
    if (_mm_movemask_epi8(_mm_or_si128(isDigit, isLetter)) != 0xFFFF) return r;
    __m128i nibble = _mm_or_si128(_mm_and_si128(isDigit, digit),
                                  _mm_andnot_si128(isDigit, _mm_add_epi8(letter, _mm_set1_epi8(10))));
    // Each 16-bit lane holds two digits, the first in its low byte: (first << 4) | second.
    __m128i pairs = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(nibble, 4), _mm_srli_epi16(nibble, 8)),
                                  _mm_set1_epi16(0x00FF));
    uint64_t bytes = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs));
    r.value = __builtin_bswap64(bytes);
    r.ok = 1;
    return r;
#else
    uint64_t v = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t c = p[i], d;
        if (c >= '0' && c <= '9') d = (uint8_t)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (uint8_t)((c | 0x20) - 'a' + 10);
        else return r;
        v = v << 4 | d;
    }
    r.value = v;
    r.ok = 1;
    return r;
#endif
}

/// Whether n bytes at a and b are equal, reading a[0 ..< n] and b[0 ..< n] only. Inline, so
/// that the short compares the tracker makes per row (connector names, interned names, field
/// prefixes) cost a few vector instructions instead of a call into memcmp: 16 bytes at a time
/// with SSE2, the last 16 overlapping (memcmp without SSE2, and beyond 64 bytes); 4 or 8 bytes at
/// a time below 16.
static inline int smtptls_bytes_equal(const void *a, const void *b, size_t n) {
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    if (n >= 16) {
#if defined(__SSE2__)
        if (n > 64) return memcmp(x, y, n) == 0;
        size_t i = 0;
        for (; i + 16 < n; i += 16) {
            __m128i d = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(x + i)), _mm_loadu_si128((const __m128i *)(y + i)));
            if (_mm_movemask_epi8(d) != 0xFFFF) return 0;
        }
        __m128i d = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(x + n - 16)), _mm_loadu_si128((const __m128i *)(y + n - 16)));
        return _mm_movemask_epi8(d) == 0xFFFF;
#else
        return memcmp(x, y, n) == 0;
#endif
    }
    if (n >= 8) {
        uint64_t p, q, r, t;
        memcpy(&p, x, 8); memcpy(&q, y, 8); memcpy(&r, x + n - 8, 8); memcpy(&t, y + n - 8, 8);
        return ((p ^ q) | (r ^ t)) == 0;
    }
    if (n >= 4) {
        uint32_t p, q, r, t;
        memcpy(&p, x, 4); memcpy(&q, y, 4); memcpy(&r, x + n - 4, 4); memcpy(&t, y + n - 4, 4);
        return ((p ^ q) | (r ^ t)) == 0;
    }
    for (size_t i = 0; i < n; i++) if (x[i] != y[i]) return 0;
    return 1;
}

/// Asks the processor to bring the cache line holding p closer (a hint: no fault, no effect on
/// results). The rollup merge issues these for a group of keys before touching any of them, so
/// their cache misses overlap instead of following one another.
static inline void smtptls_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Splits the complete lines at the start of p[0 ..< n] into out[0 ..< max_lines], reading
/// never beyond the n bytes: returns how many lines it split (fewer than max_lines when the bytes
/// hold no more LF) and sets *consumed to the index just after the last LF split (0 if none).
/// Each line's indexes are from its own first byte.
///
/// Rules (docs/formats.md): commas split fields except inside quotes; a quote toggles "inside
/// quotes" (so a doubled quote inside a quoted field toggles twice); LF always ends the line,
/// inside quotes or not, and the next line starts outside quotes. A CR before the LF is left in
/// the last field (the caller drops it).
///
/// On x86-64 the best kernel the processor has runs it (decided once at load): one-pass over
/// 64-byte block masks with AVX2, two-pass with AVX-512 (split_avx512.c); the result is the same
/// as the baseline's.
size_t smtptls_split_lines(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                           size_t *consumed);

/// The kernels smtptls_split_lines chooses from, best last.
typedef enum {
    /// SSE2 (x86-64), NEON, or byte by byte.
    SMTPTLS_KERNEL_BASELINE = 0,
    SMTPTLS_KERNEL_AVX2 = 1,
    SMTPTLS_KERNEL_AVX512 = 2,
} smtptls_kernel;

/// Whether this processor runs `kernel`.
int smtptls_kernel_available(smtptls_kernel kernel);

/// smtptls_split_lines on `kernel`, or on the best one below it the processor runs: for the
/// tests that hold every kernel to the same answers.
size_t smtptls_split_lines_with(smtptls_kernel kernel, const uint8_t *p, size_t n, smtptls_line_fields *out,
                                size_t max_lines, size_t *consumed);

#endif

#include "kernels.h"
#if defined(__SSE2__)
#include <cpuid.h>
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

// Invariants: every load reads bytes p[i] with i < n (64-byte blocks only while i + 64 <= n;
// the rest byte by byte), nothing is written outside out[0 ..< max_lines], and field_end is
// written only below SMTPTLS_MAX_FIELDS.

#if defined(__SSE2__)
/// Bits of the 16 bytes at p that are a comma, a quote or an LF; the quotes' compare is left in
/// *quotes for the caller to ask whether the block has any.
static inline uint32_t mask16(const uint8_t *p, __m128i *quotes) {
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    *quotes = _mm_or_si128(*quotes, q);
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), q), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    return (uint32_t)_mm_movemask_epi8(hit);
}

/// The structural bits of the 64 bytes at p; *has_quote is nonzero when any of them is a quote.
static inline uint64_t mask64(const uint8_t *p, uint32_t *has_quote) {
    __m128i quotes = _mm_setzero_si128();
    const uint64_t m = (uint64_t)mask16(p, &quotes) | (uint64_t)mask16(p + 16, &quotes) << 16 |
                       (uint64_t)mask16(p + 32, &quotes) << 32 | (uint64_t)mask16(p + 48, &quotes) << 48;
    *has_quote = (uint32_t)_mm_movemask_epi8(quotes);
    return m;
}

/// mask64 on two 32-byte compares, for processors with AVX2 (chosen at load, below).
__attribute__((target("avx2"))) static inline uint64_t mask64_avx2(const uint8_t *p, uint32_t *has_quote) {
    const __m256i lo = _mm256_loadu_si256((const __m256i *)p);
    const __m256i hi = _mm256_loadu_si256((const __m256i *)(p + 32));
    const __m256i comma = _mm256_set1_epi8(','), quote = _mm256_set1_epi8('"'), lf = _mm256_set1_epi8('\n');
    const __m256i qlo = _mm256_cmpeq_epi8(lo, quote), qhi = _mm256_cmpeq_epi8(hi, quote);
    const __m256i hlo = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(lo, comma), qlo), _mm256_cmpeq_epi8(lo, lf));
    const __m256i hhi = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(hi, comma), qhi), _mm256_cmpeq_epi8(hi, lf));
    *has_quote = (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(qlo, qhi));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(hlo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(hhi) << 32;
}
#define SMTPTLS_HAVE_MASK64 1
#elif defined(__ARM_NEON)
static inline uint32_t mask16(const uint8_t *p) {
    const uint8x16_t v = vld1q_u8(p);
    const uint8x16_t hit = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8(',')), vceqq_u8(v, vdupq_n_u8('"'))),
                                    vceqq_u8(v, vdupq_n_u8('\n')));
    static const uint8_t bits[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t masked = vandq_u8(hit, vld1q_u8(bits));
    return (uint32_t)vaddv_u8(vget_low_u8(masked)) | (uint32_t)vaddv_u8(vget_high_u8(masked)) << 8;
}

/// The structural bits of the 64 bytes at p; *has_quote is 1 (the general loop) on NEON.
static inline uint64_t mask64(const uint8_t *p, uint32_t *has_quote) {
    *has_quote = 1;
    return (uint64_t)mask16(p) | (uint64_t)mask16(p + 16) << 16 | (uint64_t)mask16(p + 32) << 32 |
           (uint64_t)mask16(p + 48) << 48;
}
#define SMTPTLS_HAVE_MASK64 1
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

/// The kernel, over the 64-byte block masks of `mask` (inlined into each caller below, so each
/// gets its own copy with its mask function's instructions).
typedef uint64_t (*block_mask)(const uint8_t *p, uint32_t *has_quote);

__attribute__((always_inline)) static inline size_t split_lines(const uint8_t *p, size_t n, smtptls_line_fields *out,
                                                                size_t max_lines, size_t *consumed, block_mask mask) {
    line_state s = {0, 0, 0, 0};
    size_t lines = 0;
    *consumed = 0;
    if (max_lines == 0) return 0;
    smtptls_line_fields *cur = out;
    size_t i = 0;
#if defined(SMTPTLS_HAVE_MASK64)
    // One pass over the bytes: a line's last block goes on into the next line instead of being
    // read again from that line's start.
    for (; i + 64 <= n; i += 64) {
        uint32_t has_quote;
        uint64_t m = mask(p + i, &has_quote);
        if (!has_quote && !s.in_quote) {
            // No quote in the block and none open (most blocks): every bit is a comma that ends
            // a field or an LF that ends the line.
            for (; m; m &= m - 1) {
                const size_t j = i + (size_t)__builtin_ctzll(m);
                if (p[j] == ',') {
                    field_end(&s, cur, j);
                    continue;
                }
                end_line(&s, cur, j);
                cur++;
                if (++lines == max_lines) {
                    *consumed = s.start;
                    return lines;
                }
            }
            continue;
        }
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
#else
    (void)mask;
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

#if defined(__SSE2__)
__attribute__((target("avx2"))) size_t smtptls_split_lines_avx2(const uint8_t *p, size_t n, smtptls_line_fields *out,
                                                                size_t max_lines, size_t *consumed) {
    return split_lines(p, n, out, max_lines, consumed, mask64_avx2);
}

/// The best kernel the processor and the operating system support: AVX2 (CPUID leaf 7, the YMM
/// state enabled in XCR0); AVX-512 where, besides, AVX512F, AVX512BW, VBMI2, BMI1, BMI2,
/// POPCNT and PCLMULQDQ are there and the ZMM state is enabled. Decided once when the library
/// loads, before any thread can call the kernel.
static smtptls_kernel best_kernel = SMTPTLS_KERNEL_BASELINE;

__attribute__((constructor)) static void choose_kernel(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX)) return;
    const int pclmul_popcnt = (c & bit_PCLMUL) && (c & bit_POPCNT);
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    if (!(b & bit_AVX2)) return;
    best_kernel = SMTPTLS_KERNEL_AVX2;
    const int avx512 = (b & bit_AVX512F) && (b & bit_AVX512BW) && (c & bit_AVX512VBMI2) && (b & bit_BMI) &&
                       (b & bit_BMI2) && pclmul_popcnt && (lo & 0xE6) == 0xE6;
#if defined(__x86_64__)
    if (avx512) best_kernel = SMTPTLS_KERNEL_AVX512;
#else
    (void)avx512;
#endif
}
#endif

int smtptls_kernel_available(smtptls_kernel kernel) {
#if defined(__SSE2__)
    return kernel <= best_kernel;
#else
    return kernel == SMTPTLS_KERNEL_BASELINE;
#endif
}

static size_t split_lines_baseline(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                                   size_t *consumed) {
#if defined(SMTPTLS_HAVE_MASK64)
    return split_lines(p, n, out, max_lines, consumed, mask64);
#else
    return split_lines(p, n, out, max_lines, consumed, 0);
#endif
}

size_t smtptls_split_lines_with(smtptls_kernel kernel, const uint8_t *p, size_t n, smtptls_line_fields *out,
                                size_t max_lines, size_t *consumed) {
#if defined(__SSE2__)
#if defined(__x86_64__)
    if (kernel == SMTPTLS_KERNEL_AVX512 && best_kernel >= SMTPTLS_KERNEL_AVX512)
        return smtptls_split_lines_avx512(p, n, out, max_lines, consumed);
#endif
    if (kernel >= SMTPTLS_KERNEL_AVX2 && best_kernel >= SMTPTLS_KERNEL_AVX2)
        return smtptls_split_lines_avx2(p, n, out, max_lines, consumed);
#else
    (void)kernel;
#endif
    return split_lines_baseline(p, n, out, max_lines, consumed);
}

size_t smtptls_split_lines(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                           size_t *consumed) {
#if defined(__SSE2__)
    return smtptls_split_lines_with(best_kernel, p, n, out, max_lines, consumed);
#else
    return split_lines_baseline(p, n, out, max_lines, consumed);
#endif
}

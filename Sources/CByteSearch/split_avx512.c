// The line splitter on AVX-512 (AVX512BW and VBMI2): the same answers as the one-pass kernel in
// bytesearch.c (docs/architecture.md, "The hot path"), in two passes per call and almost without
// data-dependent branches — the one-pass kernel's per-comma loop and its exit mispredict on
// nearly every block.
//
// Pass 1, per 64-byte block: the comma, quote and LF masks in three compares; which bytes are
// inside quotes by a carry-less multiply of the quote mask (a running XOR; a quote still open at
// an LF — a malformed line — is resolved bit by bit, since an LF resets it); the positions of the
// field-ending commas and LFs, and of the quotes, packed by one compress each into flat arrays;
// each LF's index among the field ends by one PEXT. Pass 2, per line: its sixteen field ends
// from the flat array as one vector, less the line's start; the field each quote is in by one
// vector compare.
//
// Invariants (beside those of bytesearch.c):
// - Positions are 32-bit offsets from the call's first byte: a call over 2^31 bytes or more goes
//   to the AVX2 kernel whole.
// - Pass 1 stops before a block could write past `ends`, `quotes` or `lfs`: it starts a block
//   only while each has room for 64 more entries (a block adds at most 64; its stores of 16 are
//   unconditional, so each array has 64 spare entries beyond its limit).
// - Pass 2 reads 16 ends from each line's first: the 16 after the last stored are set to
//   INT32_MAX first (beyond every position), as is the quote after the last.
// - A line whose commas or quotes alone fill the buffers goes to the AVX2 kernel (one line).
#include "kernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define ENDS_LIMIT 2048
#define LINES_LIMIT 256
#define AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi2,bmi,bmi2,popcnt,pclmul")))

/// What pass 1 left: positions of field ends and quotes, and each LF's index into `ends` (bit
/// 31: a quote was open at it).
typedef struct {
    uint32_t ends[ENDS_LIMIT + 64 + 16];
    uint32_t quotes[ENDS_LIMIT + 64 + 1];
    uint32_t lfs[LINES_LIMIT + 64];
    uint32_t end_count, quote_count, line_count;
    int exhausted;  // the bytes ran out (no block left)
} flat_lines;

/// Packs the positions of the bits of mask (bytes of the block at i) into out, as 32-bit
/// offsets; stores 16 entries at least, 64 when there are more than 16 bits.
AVX512_TARGET static inline void store_positions(uint32_t *out, uint64_t mask, uint32_t i, __m512i iota) {
    const __m512i packed = _mm512_maskz_compress_epi8(mask, iota);
    const __m512i base = _mm512_set1_epi32((int)i);
    _mm512_storeu_si512(out, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(packed)), base));
    if (__builtin_expect(__builtin_popcountll(mask) > 16, 0)) {
        _mm512_storeu_si512(out + 16, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 1)), base));
        _mm512_storeu_si512(out + 32, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 2)), base));
        _mm512_storeu_si512(out + 48, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 3)), base));
    }
}

/// Pass 1 over p[0 ..< n] (n < 2^31), from a line's start, until `want` LFs are recorded, the
/// buffers are full, or the bytes run out.
AVX512_TARGET static void find_structure(const uint8_t *p, uint32_t n, uint32_t want, flat_lines *f) {
    static const uint8_t iota_bytes[64] = {
        0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
        44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
    const __m512i iota = _mm512_loadu_si512(iota_bytes);
    const __m512i comma = _mm512_set1_epi8(','), quote = _mm512_set1_epi8('"'), lf = _mm512_set1_epi8('\n');
    uint32_t ends = 0, quotes = 0, lines = 0;
    uint64_t in_quote = 0;  // all ones when the last block ended inside quotes
    f->exhausted = 0;
    for (uint32_t i = 0;; i += 64) {
        if (lines >= want || ends > ENDS_LIMIT - 64 || quotes > ENDS_LIMIT - 64) break;
        if (i >= n) {
            f->exhausted = 1;
            break;
        }
        // The last partial block by a masked load: bytes past n are read as zero, not read.
        const __m512i v = i + 64 <= n ? _mm512_loadu_si512((const void *)(p + i))
                                      : _mm512_maskz_loadu_epi8(_bzhi_u64(~0ULL, n - i), p + i);
        const uint64_t l = _mm512_cmpeq_epi8_mask(v, lf);
        const uint64_t q = _mm512_cmpeq_epi8_mask(v, quote);
        uint64_t m = _mm512_cmpeq_epi8_mask(v, comma) | l;
        // Inside quotes: a running XOR of the quote bits (a quote's own bit counts as inside).
        uint64_t inside = (uint64_t)_mm_cvtsi128_si64(
                              _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)q), _mm_set1_epi8((char)0xFF), 0)) ^
                          in_quote;
        uint64_t open = 0;
        if (__builtin_expect((inside & l) != 0, 0)) {
            // A quote open at an LF: the line is malformed, and the next starts outside quotes.
            uint64_t state = in_quote;
            inside = 0;
            for (uint64_t bit = 1; bit; bit <<= 1) {
                if (q & bit) state = ~state;
                if (l & bit) {
                    open |= bit & state;
                    state = 0;
                }
                inside |= state & bit;
            }
        }
        m &= ~inside | l;
        in_quote = (uint64_t)((int64_t)inside >> 63);
        store_positions(f->quotes + quotes, q, i, iota);
        quotes += (uint32_t)__builtin_popcountll(q);
        store_positions(f->ends + ends, m, i, iota);
        // Each LF's rank among the block's field ends, by PEXT: two stored unconditionally.
        uint64_t ranks = _pext_u64(l, m);
        uint32_t *out = f->lfs + lines;
        out[0] = ends + (uint32_t)_tzcnt_u64(ranks);
        ranks = _blsr_u64(ranks);
        out[1] = ends + (uint32_t)_tzcnt_u64(ranks);
        ranks = _blsr_u64(ranks);
        for (uint32_t k = 2; ranks; k++, ranks = _blsr_u64(ranks)) out[k] = ends + (uint32_t)_tzcnt_u64(ranks);
        for (; open; open = _blsr_u64(open))
            out[__builtin_popcountll(l & (_blsi_u64(open) - 1))] |= 1u << 31;
        lines += (uint32_t)__builtin_popcountll(l);
        ends += (uint32_t)__builtin_popcountll(m);
    }
    f->end_count = ends;
    f->quote_count = quotes;
    f->line_count = lines;
}

/// Pass 2: the first `count` lines of f into out; returns the index just after the last LF.
AVX512_TARGET static uint32_t write_lines(flat_lines *f, uint32_t count, smtptls_line_fields *out) {
    for (int k = 0; k < 16; k++) f->ends[f->end_count + k] = INT32_MAX;
    f->quotes[f->quote_count] = UINT32_MAX;
    uint32_t first = 0, start = 0, next_quote = 0;
    for (uint32_t line = 0; line < count; line++, out++) {
        const uint32_t last = f->lfs[line] & INT32_MAX;
        const uint32_t newline = f->ends[last];
        const __m512i ends = _mm512_loadu_si512(f->ends + first);
        _mm512_storeu_si512(out->field_end, _mm512_sub_epi32(ends, _mm512_set1_epi32((int)start)));
        out->newline = newline - start;
        out->field_count = last - first + 1;
        out->open_quote = f->lfs[line] >> 31;
        uint32_t quoted = 0;
        while (f->quotes[next_quote] < newline) {
            const uint32_t x = f->quotes[next_quote++];
            // The quote is in field k: k field ends come before it.
            uint32_t k = (uint32_t)__builtin_popcount(_mm512_cmplt_epi32_mask(ends, _mm512_set1_epi32((int)x)));
            if (k == 16)
                for (uint32_t e = first + 16; e < last && f->ends[e] < x; e++) k++;
            if (k < 32) quoted |= 1u << k;
        }
        out->quoted = quoted;
        first = last + 1;
        start = newline + 1;
    }
    return start;
}

AVX512_TARGET size_t smtptls_split_lines_avx512(const uint8_t *p, size_t n, smtptls_line_fields *out,
                                                size_t max_lines, size_t *consumed) {
    *consumed = 0;
    if (n >= (size_t)1 << 31) return smtptls_split_lines_avx2(p, n, out, max_lines, consumed);
    flat_lines f;
    size_t lines = 0, at = 0;
    while (lines < max_lines) {
        const uint32_t want = max_lines - lines < LINES_LIMIT ? (uint32_t)(max_lines - lines) : LINES_LIMIT;
        find_structure(p + at, (uint32_t)(n - at), want, &f);
        const uint32_t found = f.line_count < want ? f.line_count : want;
        if (found == 0) {
            if (f.exhausted) break;
            // One line whose commas or quotes alone fill the buffers.
            size_t used;
            if (smtptls_split_lines_avx2(p + at, n - at, out + lines, 1, &used) == 0) break;
            lines += 1;
            at += used;
            continue;
        }
        at += write_lines(&f, found, out + lines);
        lines += found;
        if (found < want && f.exhausted) break;
    }
    *consumed = at;
    return lines;
}
#endif

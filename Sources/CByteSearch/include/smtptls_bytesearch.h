// The scanner's byte-level kernel: splitting CSV lines into fields (docs/architecture.md,
// "The hot path"). Compiled as C so the SIMD compare-and-movemask loop gets the code a C
// compiler gives it; Swift calls it once per batch of lines.
#ifndef SMTPTLS_BYTESEARCH_H
#define SMTPTLS_BYTESEARCH_H
#include <stddef.h>
#include <stdint.h>

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
/// On x86-64 processors with AVX2 the blocks are compared 32 bytes at a time (decided once at
/// load); the result is the same as the baseline's.
size_t smtptls_split_lines(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                           size_t *consumed);

/// smtptls_split_lines on the baseline instructions only (SSE2, NEON or none), whatever the
/// processor has: for the tests that hold both to the same answers.
size_t smtptls_split_lines_baseline(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                                    size_t *consumed);

#endif

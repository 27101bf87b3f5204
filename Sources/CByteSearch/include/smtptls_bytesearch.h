// The scanner's byte-level kernel: splitting one CSV line into fields (docs/architecture.md,
// "The hot path"). Compiled as C so the SIMD compare-and-movemask loop gets the code a C
// compiler gives it; Swift calls it once per line.
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

/// Splits the line that starts at p[0], reading at most n bytes and never beyond them.
/// Returns 1 and fills *out when an LF lies within the n bytes; returns 0 (out unspecified) when
/// the bytes end first, i.e. the line is not complete yet.
///
/// Rules (docs/formats.md): commas split fields except inside quotes; a quote toggles "inside
/// quotes" (so a doubled quote inside a quoted field toggles twice); LF always ends the line,
/// inside quotes or not. A CR before the LF is left in the last field (the caller drops it).
int smtptls_split_line(const uint8_t *p, size_t n, smtptls_line_fields *out);

#endif

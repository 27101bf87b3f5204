// The kernels behind smtptls_split_lines, for the files that define and choose them (not part of
// the module's interface).
#ifndef SMTPTLS_KERNELS_H
#define SMTPTLS_KERNELS_H
#include "smtptls_bytesearch.h"

/// The one-pass kernel over 64-byte block masks on AVX2 (bytesearch.c); x86-64 only.
size_t smtptls_split_lines_avx2(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                                size_t *consumed);

/// The two-pass kernel on AVX-512 (split_avx512.c); x86-64 only, and only where
/// smtptls_kernel_available(SMTPTLS_KERNEL_AVX512).
size_t smtptls_split_lines_avx512(const uint8_t *p, size_t n, smtptls_line_fields *out, size_t max_lines,
                                  size_t *consumed);
#endif

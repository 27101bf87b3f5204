#ifndef SMTPTLS_MALLOC_COUNT_H
#define SMTPTLS_MALLOC_COUNT_H

/// Heap allocations made by this process so far (malloc, calloc, realloc, posix_memalign,
/// aligned_alloc, memalign), counted by the wrappers in malloc_count.c.
unsigned long long smtptls_allocations(void);

#endif

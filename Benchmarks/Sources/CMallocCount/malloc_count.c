// A malloc counter of our own for the benchmarks (issue #11 asks for allocations per stage).
//
// This file defines malloc and its relatives in the benchmark executable, so the dynamic
// linker resolves every call in the process to them (the executable's symbols come first),
// Swift's runtime included. Each one counts and forwards to glibc's own entry points
// (__libc_malloc & co., exported for exactly this). Linux/glibc only; the benchmarks are the
// only product that links it — never the smtptls executable.
#include <stdatomic.h>
#include <stddef.h>
#include "smtptls_malloc_count.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

static _Atomic unsigned long long allocations;

static inline void counted(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

void *malloc(size_t size) { counted(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { counted(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { counted(); return __libc_realloc(pointer, size); }
void free(void *pointer) { __libc_free(pointer); }
void *memalign(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counted(); return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    counted();
    void *p = __libc_memalign(alignment, size);
    if (p == NULL) return 12;  // ENOMEM
    *out = p;
    return 0;
}

unsigned long long smtptls_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

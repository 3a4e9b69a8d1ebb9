/* See include/allocation_counter.h. glibc only: elsewhere counting reports "unsupported". */
#include "allocation_counter.h"
#include <stddef.h>

static __thread int counting;
static __thread int64_t count;

void ea_allocations_begin(void) { count = 0; counting = 1; }
int64_t ea_allocations_end(void) { counting = 0; return count; }

#if defined(__linux__) && defined(__GLIBC__)
#include <errno.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

int ea_allocations_supported(void) { return 1; }

void *malloc(size_t n) { if (counting) count++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { if (counting) count++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { if (counting) count++; return __libc_realloc(p, n); }
void *memalign(size_t align, size_t n) { if (counting) count++; return __libc_memalign(align, n); }
void *aligned_alloc(size_t align, size_t n) { if (counting) count++; return __libc_memalign(align, n); }
int posix_memalign(void **out, size_t align, size_t n) {
    if (counting) count++;
    if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(align, n);
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
#else
int ea_allocations_supported(void) { return 0; }
#endif

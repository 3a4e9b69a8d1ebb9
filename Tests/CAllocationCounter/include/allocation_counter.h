/*
 * allocation_counter.h — counts heap allocations made by the calling thread, for tests that
 * prove a hot path (InferenceSession.run after the first call) allocates nothing.
 *
 * The test executable defines malloc/calloc/realloc/posix_memalign/aligned_alloc/memalign,
 * which interpose glibc's for the whole process and forward to glibc's __libc_* entry points;
 * they only count while counting is enabled on the calling thread.
 */
#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

#include <stdint.h>

/** Starts counting on this thread from zero. */
void ea_allocations_begin(void);
/** Stops counting on this thread; returns the number of allocations since begin. */
int64_t ea_allocations_end(void);
/** 1 when this build interposes malloc (glibc), 0 when counting is unavailable. */
int ea_allocations_supported(void);

#endif

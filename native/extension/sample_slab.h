/* sample_slab.h -- the home of sampled small Python blocks.
 *
 * Problem: every Python free (the PyMem MEM and OBJ domains, tens of
 * millions a second) must learn whether its block was sampled, so that the
 * profile can take it off the live footprint.  A look-up in the preload's
 * 64 KiB counting filter costs a likely L1 miss per free: 7 % of an
 * integer-arithmetic loop's time, measured.
 *
 * Approach: a sampled block of pymalloc's size (<= 512 bytes: one in ~256 KiB
 * of allocation) is not taken from pymalloc at all but from a slot of one
 * reserved region, so "was it sampled?" becomes "is the address in the
 * region?": a subtract and a compare against a constant-after-start global.
 * Larger blocks pass through the RAW domain to libc, whose free the preload
 * checks anyway.  When the region is full (65,536 live sampled small blocks,
 * ~16 GB of live small objects at the default rate) blocks come from
 * pymalloc again and frees fall back to the filter (ts_slab_overflowed).
 */
#ifndef TRISCOPE_SAMPLE_SLAB_H
#define TRISCOPE_SAMPLE_SLAB_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define TS_SLAB_SLOT 512u            /* pymalloc's largest block */
#define TS_SLAB_SLOTS (1u << 16)
#define TS_SLAB_BYTES ((uintptr_t)TS_SLAB_SLOT * TS_SLAB_SLOTS)

/* Start of the region (0 before ts_slab_init succeeded).  Written once by
 * ts_slab_init (GIL held, before the hooks are installed); read by the
 * hooks on any thread. */
extern uintptr_t ts_slab_base;

/* Reserves the region (address space only; pages are touched as slots are
 * used).  0 on success.  Idempotent. */
int ts_slab_init(void);

/* A free slot of TS_SLAB_SLOT bytes (16-byte aligned), or NULL when the
 * region is full or missing.  Any thread; takes a spin lock for a few
 * instructions (never held across a call). */
void *ts_slab_alloc(void);

/* Returns a slot.  Any thread. */
void ts_slab_free(void *p);

/* 1 once ts_slab_alloc returned NULL for lack of room: frees must then
 * also consult the filter.  Set by ts_slab_alloc, read by the hooks. */
extern _Atomic int ts_slab_overflow;

static inline int
ts_slab_overflowed(void)
{
    return atomic_load_explicit(&ts_slab_overflow, memory_order_relaxed);
}

/* Whether p is a slot of the region.  Any thread.  Async-signal-safe. */
static inline int
ts_slab_owns(const void *p)
{
    return (uintptr_t)p - ts_slab_base < TS_SLAB_BYTES;
}

#endif

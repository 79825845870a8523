/* ptr_table.h -- the lock-free table of sampled pointers (pointer -> weight).
 *
 * Problem: free() must tell, cheaply and without locks, whether a pointer
 * was sampled, and with which weight, while any number of threads insert and
 * remove concurrently -- and the table must not degrade after hours of churn.
 *
 * Approach: open addressing with a FIXED probe window.  A key (the pointer,
 * never 0) hashes to slot h; it may live in any of the WINDOW slots h, h+1,
 * ..., h+WINDOW-1 (mod size).  Insert claims any empty slot of the window
 * with a CAS on the key (0 -> p) and then stores the weight; lookup and
 * remove scan the whole window; remove reads the weight and CASes the key
 * back to 0.  There are no tombstones, so a long run of inserts and removes
 * leaves the table exactly as empty as it started, and every operation costs
 * at most WINDOW slot reads.  When every slot of a window is taken, insert
 * fails: the caller counts it (`table_full`) and that pointer's free goes
 * unseen -- bounded memory beats unbounded probing.
 *
 * Ordering: the interposer inserts p after the real malloc returned it and
 * removes p before the real free, so for one address insert and remove never
 * race (the allocator orders them); the CASes only arbitrate between
 * different keys competing for one slot, and between two threads freeing the
 * same pointer (a double free in the program: only one wins).
 *
 * Memory belongs to the caller (the preload mmaps it; tests use calloc);
 * all-zero memory is an empty table.
 */
#ifndef TRISCOPE_PRELOAD_PTR_TABLE_H
#define TRISCOPE_PRELOAD_PTR_TABLE_H

#include <stdatomic.h>
#include <stdint.h>

#define TS_PTABLE_BITS 18  /* 262144 slots, 4 MiB */
#define TS_PTABLE_WINDOW 32

typedef struct ts_ptable_slot {
    _Atomic uint64_t key;    /* the pointer; 0 = empty */
    _Atomic uint64_t weight; /* valid while key is set */
} ts_ptable_slot_t;

typedef struct ts_ptable {
    ts_ptable_slot_t *slots; /* 1 << bits slots; immutable after init */
    unsigned bits;           /* immutable after init */
} ts_ptable_t;

/* Points t at `slots` (1 << bits zeroed slots; bits >= 5). */
void _ts_ptable_init(ts_ptable_t *t, ts_ptable_slot_t *slots, unsigned bits);

/* Remembers key (!= 0) with weight.  Returns 0, or -1 when its window is
 * full.  Lock-free; called from malloc.  Async-signal-safe. */
int _ts_ptable_insert(ts_ptable_t *t, uint64_t key, uint64_t weight);

/* Forgets key.  Returns 1 and sets *weight if it was there, else 0.
 * Lock-free; called from free.  Async-signal-safe. */
int _ts_ptable_remove(ts_ptable_t *t, uint64_t key, uint64_t *weight);

/* Home slot of key (exposed for the tests). */
static inline uint64_t
_ts_ptable_home(const ts_ptable_t *t, uint64_t key)
{
    return ((key >> 4) * 0xD6E8FEB86659FD93ull) >> (64 - t->bits);
}

#endif

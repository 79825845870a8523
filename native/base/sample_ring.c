/* sample_ring.c -- lock-free SPSC ring; see sample_ring.h for the protocol.
 * The producer functions are Async-signal-safe. (Atomics only.) */
#include "sample_ring.h"

#include <stddef.h>

void
ts_ring_reset(ts_sample_ring_t *r)
{
    atomic_store(&r->head, 0);
    atomic_store(&r->tail, 0);
    atomic_store(&r->dropped_ns, 0);
    atomic_store(&r->dropped, 0);
}

ts_sample_t *
ts_ring_reserve(ts_sample_ring_t *r)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail >= TS_RING_SLOTS)
        return NULL;
    return &r->slots[head & (TS_RING_SLOTS - 1)];
}

void
ts_ring_commit(ts_sample_ring_t *r)
{
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
}

void
ts_ring_drop(ts_sample_ring_t *r, uint64_t weight_ns)
{
    atomic_fetch_add_explicit(&r->dropped_ns, weight_ns, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
}

const ts_sample_t *
ts_ring_peek(ts_sample_ring_t *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (tail == head)
        return NULL;
    return &r->slots[tail & (TS_RING_SLOTS - 1)];
}

void
ts_ring_pop(ts_sample_ring_t *r)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

/* event_ring.c -- owns the bounded MPSC ring with per-slot sequence words;
 * see event_ring.h for the protocol and which functions a signal handler
 * may call.  Producer side: atomics only. */
#include "event_ring.h"

/* CAS races a producer may lose in a row before dropping its event.  Each
 * loss means another producer made progress, so this bounds only the
 * unlucky thread's time, never the ring's throughput. */
#define MAX_RACES 64

void
_ts_evring_init(ts_evring_t *r, ts_evslot_t *slots, unsigned bits)
{
    r->slots = slots;
    r->mask = (1ull << bits) - 1;
    atomic_store_explicit(&r->head, 0, memory_order_relaxed);
    atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
}

ts_mem_event_t *
_ts_evring_reserve(ts_evring_t *r, uint64_t *pos)
{
    uint64_t p = atomic_load_explicit(&r->head, memory_order_relaxed);
    for (int races = 0; races < MAX_RACES; races++) {
        ts_evslot_t *s = &r->slots[p & r->mask];
        uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        uint64_t lap = p & ~r->mask;
        if (seq == lap) {
            if (atomic_compare_exchange_weak_explicit(&r->head, &p, p + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                *pos = p;
                return &s->ev;
            }
            /* p now holds the current head: retry there */
        }
        else if ((int64_t)(seq - lap) < 0) {
            return NULL; /* the slot still holds the previous lap: full */
        }
        else {
            p = atomic_load_explicit(&r->head, memory_order_relaxed);
        }
    }
    return NULL;
}

void
_ts_evring_commit(ts_evring_t *r, uint64_t pos)
{
    ts_evslot_t *s = &r->slots[pos & r->mask];
    atomic_store_explicit(&s->seq, (pos & ~r->mask) + 1, memory_order_release);
}

const ts_mem_event_t *
_ts_evring_peek(ts_evring_t *r)
{
    uint64_t p = atomic_load_explicit(&r->tail, memory_order_relaxed);
    ts_evslot_t *s = &r->slots[p & r->mask];
    if (atomic_load_explicit(&s->seq, memory_order_acquire) != (p & ~r->mask) + 1)
        return NULL;
    return &s->ev;
}

void
_ts_evring_pop(ts_evring_t *r)
{
    uint64_t p = atomic_load_explicit(&r->tail, memory_order_relaxed);
    ts_evslot_t *s = &r->slots[p & r->mask];
    atomic_store_explicit(&s->seq, (p & ~r->mask) + r->mask + 1, memory_order_release);
    atomic_store_explicit(&r->tail, p + 1, memory_order_relaxed);
}

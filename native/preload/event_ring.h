/* event_ring.h -- the bounded multi-producer, single-consumer event ring.
 *
 * Problem: any thread -- inside malloc, inside memcpy, even inside a signal
 * handler that copies memory -- must hand a sampled event to the drain
 * without locks, without allocating, and without ever blocking or spinning
 * for long; the drain must see events in the order they were reserved.
 *
 * Approach (after D. Vyukov's bounded MPMC queue, reduced to one consumer):
 * every slot carries a sequence word saying whose turn it is.  A producer
 * reads `head`, checks that the slot at head is free for this lap, and
 * claims the position with a CAS on head; it then fills the slot in place
 * (no copy) and publishes it with a release-store of the sequence word.  The
 * consumer looks only at the slot at `tail`: it is readable once its
 * sequence says "committed for this lap", and pop hands it back to the
 * producers of the next lap.  A producer that finds the slot still owned by
 * the previous lap reports "full": the caller drops the event and counts it.
 * CAS failures (another producer won) retry a bounded number of times and
 * then also drop, so no producer can spin forever.
 *
 * Encoding: for position pos in slot j = pos & mask, let lap = pos & ~mask.
 * The sequence word is lap when the slot is free for pos, lap + 1 when the
 * event at pos is committed, and lap + size once consumed (free for the next
 * lap).  All-zero memory is therefore an empty ring at position 0: the
 * preload can map fresh zero pages (also in a fork child) and is ready.
 *
 * A reserved but not yet committed slot holds the consumer back (peek
 * returns NULL) until its producer commits: the time to read a few frames.
 */
#ifndef TRISCOPE_PRELOAD_EVENT_RING_H
#define TRISCOPE_PRELOAD_EVENT_RING_H

#include <stdatomic.h>
#include <stdint.h>

#include "mem_protocol.h"

#define TS_EVRING_BITS 12 /* 4096 events */

typedef struct ts_evslot {
    _Atomic uint64_t seq; /* see the encoding above */
    ts_mem_event_t ev;    /* written by the producer that reserved it */
} ts_evslot_t;

typedef struct ts_evring {
    _Alignas(64) _Atomic uint64_t head; /* next position: producers CAS it */
    _Alignas(64) _Atomic uint64_t tail; /* next to consume: consumer only */
    ts_evslot_t *slots;                 /* immutable after init */
    uint64_t mask;                      /* immutable after init */
} ts_evring_t;

/* Points r at `slots` (1 << bits zeroed slots) and empties it.  Not
 * concurrent with anything. */
void _ts_evring_init(ts_evring_t *r, ts_evslot_t *slots, unsigned bits);

/* Producer: reserves the next position and returns its event to fill in
 * place, with the position in *pos; NULL when the ring is full (or after
 * too many lost CAS races).  Called from malloc.  Async-signal-safe. */
ts_mem_event_t *_ts_evring_reserve(ts_evring_t *r, uint64_t *pos);

/* Producer: publishes the event reserved at pos.  Async-signal-safe. */
void _ts_evring_commit(ts_evring_t *r, uint64_t pos);

/* Consumer: the oldest event if it is committed, else NULL. */
const ts_mem_event_t *_ts_evring_peek(ts_evring_t *r);

/* Consumer: releases the event returned by the last non-NULL peek. */
void _ts_evring_pop(ts_evring_t *r);

#endif

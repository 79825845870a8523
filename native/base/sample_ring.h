/* sample_ring.h -- the per-thread ring of CPU samples.
 *
 * Design: each profiled thread owns one ring.  Its only producer is the
 * sampling signal handler running *on that thread*; handlers for one signal
 * do not nest (the signal is blocked while its handler runs), so there is
 * exactly one producer.  The only consumer is the drain thread.  A
 * single-producer/single-consumer ring with two monotonically increasing
 * counters needs no locks: the producer writes a record, then publishes it by
 * a release-store of `head`; the consumer reads records below an
 * acquire-load of `head`, then frees them by a release-store of `tail`.
 *
 * A record is fixed-size and holds raw (code pointer, byte offset) pairs,
 * never Python objects: resolving them to lines needs the GIL and happens in
 * the drain.  When the ring is full the handler drops the sample and adds its
 * weight to `dropped_ns`, which the drain reports; nothing blocks.
 */
#ifndef TRISCOPE_SAMPLE_RING_H
#define TRISCOPE_SAMPLE_RING_H

#include <stdatomic.h>
#include <stdint.h>

#define TS_MAX_FRAMES 40  /* innermost frames kept per sample */
#define TS_RING_SLOTS 128 /* power of two */

/* How the sampled thread was spending its CPU. */
enum ts_cpu_kind {
    TS_KIND_PYTHON = 0, /* interpreter running bytecode (GIL held) */
    TS_KIND_NATIVE = 1, /* in C code called by the line, GIL held or not */
};

typedef struct ts_frame {
    const void *code;   /* PyCodeObject*, unowned: validate before use */
    int32_t offset;     /* byte offset of the current instruction */
    int32_t firstlineno;/* co_firstlineno read at sample time (reuse check) */
} ts_frame_t;

typedef struct ts_sample {
    uint64_t weight_ns;   /* thread CPU time since the previous sample */
    uint64_t wall_ns;     /* CLOCK_MONOTONIC at the sample */
    uint8_t kind;         /* enum ts_cpu_kind */
    uint8_t truncated;    /* 1 if the stack was deeper than TS_MAX_FRAMES */
    uint16_t n_frames;    /* frames[0] is the innermost */
    ts_frame_t frames[TS_MAX_FRAMES];
} ts_sample_t;

typedef struct ts_sample_ring {
    _Atomic uint64_t head;       /* written by the producer only */
    _Atomic uint64_t tail;       /* written by the consumer only */
    _Atomic uint64_t dropped_ns; /* producer adds, consumer exchanges to 0 */
    _Atomic uint64_t dropped;    /* producer adds, consumer exchanges to 0 */
    ts_sample_t slots[TS_RING_SLOTS];
} ts_sample_ring_t;

/* Empties the ring.  Not concurrent with either side. */
void ts_ring_reset(ts_sample_ring_t *r);

/* Producer: a record to fill, or NULL when full.  Async-signal-safe. */
ts_sample_t *ts_ring_reserve(ts_sample_ring_t *r);

/* Producer: publishes the record returned by the last reserve.
 * Async-signal-safe. */
void ts_ring_commit(ts_sample_ring_t *r);

/* Producer: records a sample that could not be stored.  Async-signal-safe. */
void ts_ring_drop(ts_sample_ring_t *r, uint64_t weight_ns);

/* Consumer: the oldest unconsumed record, or NULL when empty. */
const ts_sample_t *ts_ring_peek(ts_sample_ring_t *r);

/* Consumer: releases the record returned by the last peek. */
void ts_ring_pop(ts_sample_ring_t *r);

#endif

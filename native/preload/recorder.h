/* recorder.h -- owns what happens to a counted allocation, free or copy: the
 * per-thread countdowns, the shared control word, and the slow paths that
 * weigh a sample, remember its pointer and push its event.
 *
 * The inline functions here are the fast paths the interposed entry points
 * run on every call; they must stay a handful of instructions:
 *   counting off:  one relaxed load of _ts_ctl.active_gen and a branch;
 *   counting on:   + the thread's depth/busy/generation, a subtraction and a
 *                  compare; the slow path runs about once per R bytes.
 */
#ifndef TRISCOPE_PRELOAD_RECORDER_H
#define TRISCOPE_PRELOAD_RECORDER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "byte_sampler.h"
#include "mem_protocol.h"

/* The calling thread's state (mem_protocol.h).  Initial-exec TLS: a fixed
 * offset from the thread pointer, no __tls_get_addr, no lazy allocation, so
 * it may be used in malloc and in signal handlers.  Owner: its own thread
 * (the preload's hooks and the extension's hooks on that same thread). */
extern __thread ts_mem_tls_t _ts_tls
    __attribute__((tls_model("initial-exec"), visibility("hidden")));

/* Read-mostly control word, on its own cache line. */
typedef struct ts_ctl {
    /* 0: counting off; otherwise the current generation.  Written by
     * start/stop and the fork child handler; read by every hook. */
    _Atomic uint32_t active_gen;
    /* 1 once a pointer was remembered since the last reset, so free() must
     * consult the filter.  Set by the recorder; cleared by the fork child
     * handler.  Stays set after stop(): frees are still matched. */
    _Atomic uint32_t table_used;
    /* Allocation mean R, or UINT64_MAX when allocation sampling is off
     * (allocations >= this are always recorded).  Written by configure. */
    _Atomic uint64_t alloc_exact_min;
} ts_ctl_t;

/* Owner: the fields' comments above. */
extern ts_ctl_t _ts_ctl;

/* The counting filter of mem_protocol.h: per hash bucket, how many
 * remembered pointers (255 = saturated, never decremented again).  Owner:
 * the recorder updates it with CAS; read by free() and by the extension. */
extern _Atomic uint8_t _ts_filter[1 << TS_MEM_FILTER_BITS];

/* Slow paths.  All save and restore errno and run with busy > 0. */

/* Fresh countdowns for generation gen (new thread, new start()).
 * Called from malloc and memcpy. */
void _ts_rec_redraw(ts_mem_tls_t *t, uint32_t gen);

/* An allocation whose countdown crossed zero or whose size is >= R (size
 * already subtracted).  Weighs it; if sampled, remembers p and pushes ALLOC.
 * Called from malloc. */
void _ts_rec_alloc(ts_mem_tls_t *t, void *p, size_t size, int python);

/* p is about to be freed and its filter byte is nonzero: if p was sampled,
 * forget it and push FREE.  Called from free.  Async-signal-safe. */
void _ts_rec_free(void *p);

/* A copy whose countdown crossed zero (n already subtracted): push COPY.
 * A signal handler may get here (memcpy is allowed in one).
 * Async-signal-safe. */
void _ts_rec_copy(ts_mem_tls_t *t, size_t n);

/* Fills e->frames / n_frames / birth from the capture callback, or the
 * thread's birth frames when it has no Python frames.  Pre: t->busy > 0. */
void _ts_rec_frames(ts_mem_tls_t *t, ts_frame_t *frames, uint16_t *n_frames, uint8_t *birth);

/* Registers the pthread_atfork child handler (constructor). */
void _ts_recorder_install_fork_handler(void);

/* Registers the extension's thread watch (thread_birth.c; mem_protocol.h
 * says what it does).  Not async-signal-safe. */
int _ts_birth_watch(const ts_thread_watch_t *w);

/* Control and consumer side, for api.c. */
int _ts_rec_configure(uint64_t alloc_mean, uint64_t copy_mean, ts_mem_capture_fn capture);
/* Sets the frame reader if configure() has not (thread watching without
 * memory counting: birth frames still need it). */
void _ts_rec_set_capture(ts_mem_capture_fn capture);
void _ts_rec_start(void);
void _ts_rec_stop(void);
const ts_mem_event_t *_ts_rec_peek(void);
void _ts_rec_pop(void);
void _ts_rec_counters(ts_mem_counters_t *out);

/* Whether counting is on.  The first test of every hook.  Called from
 * malloc.  Async-signal-safe. */
static inline int
_ts_counting(void)
{
    return atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed) != 0;
}

/* Whether free() must consult the filter.  Called from free. */
static inline int
_ts_frees_matter(void)
{
    return atomic_load_explicit(&_ts_ctl.table_used, memory_order_relaxed) != 0;
}

/* Fast path after a successful allocation of n bytes at p.  Called from
 * malloc. */
static inline void
_ts_count_alloc(void *p, size_t n)
{
    uint32_t gen = atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed);
    if (__builtin_expect(gen == 0, 1) || p == NULL)
        return;
    ts_mem_tls_t *t = &_ts_tls;
    if ((t->depth | t->busy) != 0)
        return;
    if (__builtin_expect(t->generation != gen, 0))
        _ts_rec_redraw(t, gen);
    uint64_t exact_min = atomic_load_explicit(&_ts_ctl.alloc_exact_min, memory_order_relaxed);
    if (__builtin_expect(_ts_bs_alloc_due(&t->alloc_countdown, n, exact_min), 0))
        _ts_rec_alloc(t, p, n, 0);
}

/* Fast path before p is freed (or reallocated).  Called from free. */
static inline void
_ts_count_free(void *p)
{
    if (__builtin_expect(atomic_load_explicit(&_ts_ctl.table_used, memory_order_relaxed) == 0, 1))
        return;
    if (p && atomic_load_explicit(&_ts_filter[ts_mem_filter_index(p)], memory_order_relaxed))
        _ts_rec_free(p);
}

/* Fast path of memcpy/memmove.  Async-signal-safe. */
static inline void
_ts_count_copy(size_t n)
{
    uint32_t gen = atomic_load_explicit(&_ts_ctl.active_gen, memory_order_relaxed);
    if (__builtin_expect(gen == 0, 1))
        return;
    ts_mem_tls_t *t = &_ts_tls;
    if (t->busy != 0)
        return;
    if (__builtin_expect(t->generation != gen, 0))
        _ts_rec_redraw(t, gen);
    t->copy_countdown -= (int64_t)n;
    if (__builtin_expect(t->copy_countdown <= 0, 0))
        _ts_rec_copy(t, n);
}

#endif

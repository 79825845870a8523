/* sampler.h -- owns per-thread CPU-time sampling: the signal handler and the
 * thread slots it writes into.
 *
 * Every profiled thread gets a slot: a POSIX timer on that thread's own CPU
 * clock (so it only ticks while the thread runs), delivered to that thread
 * (SIGEV_THREAD_ID) as a real-time signal, and a sample ring.  The timer's
 * sigev_value carries the slot pointer, so the handler finds its state
 * without thread-local storage of a dlopen'd object (which may be allocated
 * lazily, inside the handler; docs/design/engine.md).  The handler weighs
 * each sample by the thread CPU time consumed since the previous one (read
 * from CLOCK_THREAD_CPUTIME_ID), so every nanosecond of a thread's CPU is
 * charged somewhere, whatever the timer's granularity, and re-arms a one-shot
 * timer with an exponential interval.
 *
 * Slots are created, armed and retired by the drain thread with the GIL
 * held; they are never freed while the engine runs (a late signal from a
 * deleted timer may still carry the pointer), only recycled.
 */
#ifndef TRISCOPE_SAMPLER_H
#define TRISCOPE_SAMPLER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rng.h"
#include "sample_ring.h"

#define TS_MAX_THREADS 4096

enum ts_slot_state {
    TS_SLOT_FREE = 0,
    TS_SLOT_ACTIVE = 1,  /* timer armed; the handler records samples */
    TS_SLOT_RETIRED = 2, /* timer deleted; ring still to be drained */
};

typedef struct ts_thread_slot {
    _Atomic int state;       /* enum ts_slot_state; written by the drain */
    pthread_t thread;        /* written by the drain before ACTIVE */
    pid_t tid;               /* kernel thread id; drain */
    clockid_t cpu_clock;     /* the thread's CPU clock; drain */
    timer_t timer;           /* drain */
    const void *tstate;      /* PyThreadState* identity; drain only */
    uint64_t generation;     /* registry sweep that last saw it; drain only */
    uint64_t last_cpu_ns;    /* handler-owned once ACTIVE */
    ts_rng_t rng;            /* handler-owned once ACTIVE */
    uint64_t drain_cpu_ns;   /* CPU clock at the previous drain; drain only */
    uint64_t drain_wall_ns;  /* CLOCK_MONOTONIC at the previous drain; drain only */
    uint64_t gpu_cpu_ns;     /* CPU clock at the previous GPU poll; drain only */
    ts_sample_ring_t *ring;  /* allocated once by the drain, reused */
    const char *stack_high;  /* top of the thread's C stack, or NULL; drain
                                writes before ACTIVE, handler reads */
} ts_thread_slot_t;

/* All slots, [0, ts_slot_count).  Owner: the drain writes the entries; the
 * handler reads a slot through its signal's si_value. */
extern ts_thread_slot_t *ts_slots[TS_MAX_THREADS];
extern int ts_slot_count;

/* Installs the handler for `signo` with sampling interval mean `mean_ns`.
 * Returns 0, or -1 with errno set (EBUSY: the program already handles the
 * signal).  Call with no slot active. */
int ts_sampler_install(int signo, uint64_t mean_ns);

/* Marks opcodes that call into other code (CALL-family).  Call while no
 * slot is active. */
void ts_sampler_set_call_opcodes(const unsigned char *is_call, int n);

/* A free slot with a ring, or NULL if all TS_MAX_THREADS are in use or
 * allocation failed.  Drain only. */
ts_thread_slot_t *ts_slot_acquire(void);

/* Creates and arms the slot's timer for `thread`.  start_cpu_ns is the CPU
 * time already consumed that the first sample should NOT carry (0 makes the
 * first sample carry the thread's whole CPU time so far).  Returns 0, or -1
 * with errno set (the slot is then FREE again).  Drain only. */
int ts_slot_arm(ts_thread_slot_t *s, pthread_t thread, const void *tstate,
                uint64_t start_cpu_ns, uint64_t seed);

/* Deletes the slot's timer; the slot becomes RETIRED so its ring can still
 * be drained.  Drain only. */
void ts_slot_retire(ts_thread_slot_t *s);

/* Returns a RETIRED (or never-armed) slot to the free pool.  Drain only. */
void ts_slot_release(ts_thread_slot_t *s);

/* In a fork child: forgets every slot without touching timers (the child
 * has none).  Any thread. */
void ts_sampler_forget_all(void);

#endif

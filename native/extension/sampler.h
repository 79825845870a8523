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
 * Two ways into a slot.  The drain arms one for a thread it finds in the
 * interpreter's list (threads that existed before profiling started, or
 * that the birth hook missed).  A thread born while profiling arms its own,
 * in itself, before its first instruction (ts_slot_arm_self, called from
 * the preload's pthread_create trampoline: thread_life.h): its timer is on
 * ITS clock, counted from 0 (where a new thread's clock starts): its first
 * sample weighs only CPU it used itself.  When
 * such a "born" thread ends it publishes the CPU since its last sample
 * (final_ns) and marks the slot ENDED; the drain charges that and releases
 * the slot.  Slots are taken from any thread without locks (a CAS on the
 * state), and are never freed while the process lives (a late signal from a
 * deleted timer may still carry the pointer), only recycled.
 *
 * States (who moves them):
 *   FREE -> CLAIMED      ts_slot_acquire (any thread, CAS)
 *   CLAIMED -> ACTIVE    arming (the drain, or the born thread itself)
 *   ACTIVE -> RETIRED    drain, a listed thread is gone (timer deleted)
 *   ACTIVE -> ENDING -> ENDED   the born thread, as it ends (timer deleted)
 *   ACTIVE -> ORPHAN     drain at stop/pause, for a born thread still
 *                        running (timer deleted); the thread frees it as
 *                        it ends
 *   RETIRED/ENDED/CLAIMED -> FREE   drain; ORPHAN -> FREE the thread.
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
    TS_SLOT_CLAIMED = 3, /* taken, being armed */
    TS_SLOT_ENDING = 4,  /* a born thread is publishing its final CPU */
    TS_SLOT_ENDED = 5,   /* ... published: final_ns and the ring to drain */
    TS_SLOT_ORPHAN = 6,  /* the session let go of a running born thread */
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
    /* Born threads (ts_slot_arm_self).  born, birth, n_birth: written by the
     * thread before ACTIVE, read by the drain.  final_ns: the CPU between
     * its last sample and its end, written by the thread before ENDED. */
    int born;
    int n_birth;
    uint64_t final_ns;
    ts_frame_t birth[TS_MAX_FRAMES]; /* the creating thread's frames */
    /* Where the latest drained sample was charged: drain only. */
    int has_last_site;
    int last_kind;                   /* enum ts_charge_kind (aggregate.h) */
    int last_file, last_func, last_line;
} ts_thread_slot_t;

/* All slots, [0, ts_slot_count); an entry may still be NULL while the
 * thread that reserved it publishes it.  Owner: ts_slot_acquire (any
 * thread) appends; the drain reads; the handler reaches a slot through its
 * signal's si_value. */
extern ts_thread_slot_t *_Atomic ts_slots[TS_MAX_THREADS];
extern _Atomic int ts_slot_count;

/* Installs the handler for `signo` with sampling interval mean `mean_ns`.
 * Returns 0, or -1 with errno set (EBUSY: the program already handles the
 * signal).  Call with no slot active. */
int ts_sampler_install(int signo, uint64_t mean_ns);

/* Marks opcodes that call into other code (CALL-family).  Call while no
 * slot is active. */
void ts_sampler_set_call_opcodes(const unsigned char *is_call, int n);

/* A slot with a ring, CLAIMED by the caller, or NULL if all
 * TS_MAX_THREADS are in use or allocation failed.  Any thread (lock-free;
 * it may allocate).  Not async-signal-safe. */
ts_thread_slot_t *ts_slot_acquire(void);

/* Creates and arms the slot's timer for `thread`.  start_cpu_ns is the CPU
 * time already consumed that the first sample should NOT carry (0 makes the
 * first sample carry the thread's whole CPU time so far).  Returns 0, or -1
 * with errno set (the slot is then FREE again).  Drain only. */
int ts_slot_arm(ts_thread_slot_t *s, pthread_t thread, const void *tstate,
                uint64_t start_cpu_ns, uint64_t seed);

/* Arms a CLAIMED slot for the calling thread, on its own CPU clock, from
 * the clock's start: the first sample weighs only CPU this thread used
 * since the kernel created it (its clock starts at 0 then).  birth: the creating thread's frames (n may be 0).
 * Returns 0, or -1 with errno set (the slot is then FREE again).  The
 * calling thread only (a new thread, before its start routine).
 * Not async-signal-safe. */
int ts_slot_arm_self(ts_thread_slot_t *s, const ts_frame_t *birth, int n, uint64_t seed);

/* The born thread of slot s is ending (in that thread): publishes the CPU
 * since its last sample, deletes its timer, and marks the slot ENDED; or
 * frees an ORPHAN slot.  Does nothing if s is not this thread's born slot.
 * Not async-signal-safe. */
void ts_slot_end_self(ts_thread_slot_t *s);

/* At stop or pause, for a born slot that may still run: an ACTIVE one
 * becomes ORPHAN (timer deleted; returns 0: its ring may be drained, the
 * thread frees it); an ENDING one is waited for.  Returns 1 if the slot
 * is (now) ENDED: charge and release it.  Drain only.
 * Not async-signal-safe. */
int ts_slot_let_go(ts_thread_slot_t *s);

/* Deletes the slot's timer; the slot becomes RETIRED so its ring can still
 * be drained.  Drain only. */
void ts_slot_retire(ts_thread_slot_t *s);

/* Returns a RETIRED (or never-armed) slot to the free pool.  Drain only. */
void ts_slot_release(ts_thread_slot_t *s);

/* In a fork child: forgets every slot without touching timers (the child
 * has none).  Any thread. */
void ts_sampler_forget_all(void);

#endif

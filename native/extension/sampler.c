/* sampler.c -- owns the sampling signal handler and the per-thread timers
 * and slots it works with (sampler.h).
 *
 * Rules for everything reached from on_sample(), which make it safe in a
 * signal handler: no malloc, no locks, no Python API, no reference counting,
 * no thread-local storage of this (dlopen'd) module; errno is saved and
 * restored.  The handler only reads the clock, the interrupted context and
 * its own thread's frames, and pushes one fixed-size record into the thread's
 * ring.
 *
 * Python or native?  A sample is NATIVE when the thread does not hold the
 * GIL (it is running C code that released it: zlib, hashlib, I/O), when the
 * innermost frame is executing a CALL-family instruction (the line called a
 * C function: a builtin, an extension, libc through ctypes), or when the
 * interrupted instruction lies in an extension module (numpy reached through
 * an operator).  Otherwise the interpreter is executing the line's bytecode,
 * including libc/libm helpers it calls itself, and the sample is PYTHON.
 */
#include "sampler.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ip_classes.h"
#include "os.h"
#include "pycompat/pycompat.h"

/* Owner: ts_slot_acquire (any thread) appends entries and the count; the
 * drain reads them; the signal handler reaches a slot through si_value. */
ts_thread_slot_t *_Atomic ts_slots[TS_MAX_THREADS];
_Atomic int ts_slot_count;

/* Owner: ts_sampler_install and ts_sampler_set_call_opcodes (GIL held, no
 * slot ACTIVE); read by the signal handler and ts_slot_arm. */
static int sample_signo;
static uint64_t mean_interval_ns;
static unsigned char call_opcodes[256];

/* Async-signal-safe. */
static void
arm_next(ts_thread_slot_t *s)
{
    uint64_t ns = ts_rng_exponential_ns(&s->rng, mean_interval_ns);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
    its.it_value.tv_nsec = (long)(ns % 1000000000ull);
    timer_settime(s->timer, 0, &its, NULL);
}

/* Async-signal-safe. */
static int
classify(PyThreadState *ts, int top_opcode, uintptr_t ip)
{
    if (!ts_py_holds_gil(ts))
        return TS_KIND_NATIVE;
    if (top_opcode >= 0 && call_opcodes[top_opcode])
        return TS_KIND_NATIVE;
    if (ts_ip_classify(ip) == TS_IP_OTHER)
        return TS_KIND_NATIVE;
    return TS_KIND_PYTHON;
}

/* The sampling signal handler (rules: the file comment).  Async-signal-safe. */
static void
on_sample(int signo, siginfo_t *si, void *ucontext)
{
    (void)signo;
    int saved_errno = errno;
    ts_thread_slot_t *s = si->si_code == SI_TIMER ? si->si_value.sival_ptr : NULL;
    if (s == NULL || atomic_load_explicit(&s->state, memory_order_acquire) != TS_SLOT_ACTIVE
        || !pthread_equal(s->thread, pthread_self()))
        goto out; /* a late signal from a retired timer, or not ours */

    uint64_t cpu = ts_os_clock_ns(CLOCK_THREAD_CPUTIME_ID);
    uint64_t weight = cpu > s->last_cpu_ns ? cpu - s->last_cpu_ns : 0;
    s->last_cpu_ns = cpu;

    ts_sample_t *rec = ts_ring_reserve(s->ring);
    if (rec == NULL) {
        ts_ring_drop(s->ring, weight);
    }
    else {
        PyThreadState *ts = ts_py_this_thread_state();
        int truncated = 0, top_opcode = -1;
        char here;
        ts_stack_bounds_t stack = {&here, s->stack_high};
        int n = ts_py_read_frames(ts, rec->frames, TS_MAX_FRAMES, &truncated, &top_opcode, &stack);
        rec->weight_ns = weight;
        rec->wall_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
        rec->n_frames = (uint16_t)n;
        rec->truncated = (uint8_t)truncated;
        rec->kind = (uint8_t)classify(ts, top_opcode, ts_os_context_ip(ucontext));
        ts_ring_commit(s->ring);
    }
    arm_next(s);
out:
    errno = saved_errno;
}

int
ts_sampler_install(int signo, uint64_t mean_ns)
{
    struct sigaction current;
    if (sigaction(signo, NULL, &current) < 0)
        return -1;
    if ((current.sa_flags & SA_SIGINFO) ? current.sa_sigaction != on_sample
                                        : current.sa_handler != SIG_DFL) {
        errno = EBUSY;
        return -1;
    }
    sample_signo = signo;
    mean_interval_ns = mean_ns;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sample;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(signo, &sa, NULL) < 0)
        return -1;
    return 0;
}

void
ts_sampler_set_call_opcodes(const unsigned char *is_call, int n)
{
    memset(call_opcodes, 0, sizeof call_opcodes);
    for (int i = 0; i < n && i < 256; i++)
        call_opcodes[i] = is_call[i] ? 1 : 0;
}

ts_thread_slot_t *
ts_slot_acquire(void)
{
    int n = atomic_load(&ts_slot_count);
    for (int i = 0; i < n; i++) {
        ts_thread_slot_t *s = atomic_load(&ts_slots[i]);
        int expected = TS_SLOT_FREE;
        if (s != NULL && atomic_compare_exchange_strong(&s->state, &expected, TS_SLOT_CLAIMED))
            return s;
    }
    ts_thread_slot_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->ring = malloc(sizeof *s->ring);
    if (s->ring == NULL) {
        free(s);
        return NULL;
    }
    ts_ring_reset(s->ring);
    atomic_store(&s->state, TS_SLOT_CLAIMED);
    n = atomic_load(&ts_slot_count);
    do {
        if (n >= TS_MAX_THREADS) {
            free(s->ring);
            free(s);
            return NULL;
        }
    } while (!atomic_compare_exchange_weak(&ts_slot_count, &n, n + 1));
    atomic_store_explicit(&ts_slots[n], s, memory_order_release);
    return s;
}

/* Fills the slot's thread facts and clocks (CLAIMED, not yet visible to
 * the handler).  start_cpu_ns: what the first sample must not carry. */
static void
setup_slot(ts_thread_slot_t *s, pthread_t thread, clockid_t clock, const void *tstate,
           uint64_t start_cpu_ns, uint64_t seed)
{
    s->thread = thread;
    s->tstate = tstate;
    s->cpu_clock = clock;
    s->stack_high = NULL;
    pthread_attr_t attr;
    if (pthread_getattr_np(thread, &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0)
            s->stack_high = (const char *)addr + size;
        pthread_attr_destroy(&attr);
    }
    s->tid = ts_os_tid_from_cpu_clock(clock);
    s->last_cpu_ns = start_cpu_ns;
    s->gpu_cpu_ns = start_cpu_ns;
    s->drain_cpu_ns = ts_os_clock_ns(clock);
    s->drain_wall_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
    s->born = 0;
    s->n_birth = 0;
    s->final_ns = 0;
    s->has_last_site = 0;
    ts_rng_seed(&s->rng, seed ^ (uint64_t)s->tid);
    ts_ring_reset(s->ring);
}

/* Creates the slot's timer and makes it ACTIVE; on failure the slot is
 * FREE again. */
static int
start_timer(ts_thread_slot_t *s)
{
    struct sigevent sev;
    ts_os_sigevent_for_thread(&sev, s->tid, sample_signo, s);
    if (timer_create(s->cpu_clock, &sev, &s->timer) < 0) {
        int e = errno;
        ts_slot_release(s);
        errno = e;
        return -1;
    }
    atomic_store_explicit(&s->state, TS_SLOT_ACTIVE, memory_order_release);
    arm_next(s);
    return 0;
}

/* The CPU clock of `thread`; on failure the slot is FREE again. */
static int
clock_of(ts_thread_slot_t *s, pthread_t thread, clockid_t *clock)
{
    int rc = pthread_getcpuclockid(thread, clock);
    if (rc != 0) {
        ts_slot_release(s);
        errno = rc;
        return -1;
    }
    return 0;
}

int
ts_slot_arm(ts_thread_slot_t *s, pthread_t thread, const void *tstate,
            uint64_t start_cpu_ns, uint64_t seed)
{
    clockid_t clock;
    if (clock_of(s, thread, &clock) < 0)
        return -1;
    setup_slot(s, thread, clock, tstate, start_cpu_ns, seed);
    return start_timer(s);
}

int
ts_slot_arm_self(ts_thread_slot_t *s, const ts_frame_t *birth, int n, uint64_t seed)
{
    pthread_t self = pthread_self();
    clockid_t clock;
    if (clock_of(s, self, &clock) < 0)
        return -1;
    /* A new thread's CPU clock starts at 0 when the kernel creates it: all
     * it holds is this thread's own start-up (the C library's, the
     * trampoline's), which is charged with its first sample. */
    setup_slot(s, self, clock, NULL, 0, seed);
    if (n > TS_MAX_FRAMES)
        n = TS_MAX_FRAMES;
    for (int i = 0; i < n; i++)
        s->birth[i] = birth[i];
    s->n_birth = n > 0 ? n : 0;
    s->born = 1;
    return start_timer(s);
}

void
ts_slot_end_self(ts_thread_slot_t *s)
{
    if (s == NULL || !s->born || s->tid != ts_os_thread_id())
        return; /* not this thread's slot (a fork child's stale cookie) */
    int expected = TS_SLOT_ACTIVE;
    if (atomic_compare_exchange_strong(&s->state, &expected, TS_SLOT_ENDING)) {
        /* From here the handler ignores this slot, so last_cpu_ns is
         * stable. */
        uint64_t cpu = ts_os_clock_ns(CLOCK_THREAD_CPUTIME_ID);
        s->final_ns = cpu > s->last_cpu_ns ? cpu - s->last_cpu_ns : 0;
        timer_delete(s->timer);
        atomic_store_explicit(&s->state, TS_SLOT_ENDED, memory_order_release);
    }
    else if (expected == TS_SLOT_ORPHAN) {
        ts_slot_release(s);
    }
}

int
ts_slot_let_go(ts_thread_slot_t *s)
{
    for (;;) {
        int expected = TS_SLOT_ACTIVE;
        if (atomic_compare_exchange_strong(&s->state, &expected, TS_SLOT_ORPHAN)) {
            timer_delete(s->timer);
            return 0;
        }
        if (expected == TS_SLOT_ENDED)
            return 1;
        if (expected != TS_SLOT_ENDING)
            return 0; /* already let go of, or free */
        sched_yield(); /* the thread is between two stores of its end */
    }
}

void
ts_slot_retire(ts_thread_slot_t *s)
{
    if (atomic_load(&s->state) == TS_SLOT_ACTIVE) {
        atomic_store_explicit(&s->state, TS_SLOT_RETIRED, memory_order_release);
        timer_delete(s->timer);
    }
}

void
ts_slot_release(ts_thread_slot_t *s)
{
    s->tstate = NULL;
    atomic_store(&s->state, TS_SLOT_FREE);
}

void
ts_sampler_forget_all(void)
{
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (s == NULL)
            continue;
        atomic_store(&s->state, TS_SLOT_FREE);
        s->tstate = NULL;
        s->born = 0;
        ts_ring_reset(s->ring);
    }
}

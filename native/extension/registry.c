/* registry.c -- the thread registry (see registry.h): owns the slot index
 * and the pass number. */
#include "registry.h"

#include <stdint.h>

#include "hashmap.h"
#include "os.h"
#include "pycompat/pycompat.h"

/* Owner: the drain, GIL held. */
static ts_hashmap_t slot_index; /* (tstate, tid) -> slot index + 1; 0: forgotten */
static uint64_t sweep;          /* pass number */

/* Puts slot s in the index under (ts, tid). */
static void
index_slot(const ts_thread_slot_t *s, PyThreadState *ts, pid_t tid)
{
    int idx = -1;
    int n = ts_slot_count;
    for (int i = 0; i < n && idx < 0; i++) {
        if (ts_slots[i] == s)
            idx = i;
    }
    ts_hashmap_put(&slot_index, (uint64_t)(uintptr_t)ts, (uint64_t)tid, (uint64_t)idx + 1);
}

static int
register_thread(PyThreadState *ts, pid_t tid, int initial)
{
    ts_thread_slot_t *s = ts_slot_acquire();
    if (s == NULL)
        return -1;
    pthread_t thread = (pthread_t)ts_py_thread_ident(ts);
    uint64_t start_cpu = 0;
    if (initial) {
        clockid_t clock;
        if (pthread_getcpuclockid(thread, &clock) == 0)
            start_cpu = ts_os_clock_ns(clock);
    }
    uint64_t seed = ts_os_clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)tid << 32);
    if (ts_slot_arm(s, thread, ts, start_cpu, seed) < 0)
        return -1;
    index_slot(s, ts, tid);
    return 0;
}

/* The born slot (thread_life.h) of thread `tid` not yet linked to a thread
 * state, or NULL: it is linked to ts now, and its off-CPU clocks start. */
static ts_thread_slot_t *
adopt_born(PyThreadState *ts, pid_t tid)
{
    int n = ts_slot_count;
    for (int i = 0; i < n; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (s == NULL || atomic_load(&s->state) != TS_SLOT_ACTIVE || !s->born || s->tid != tid
            || s->tstate != NULL)
            continue;
        s->tstate = ts;
        s->drain_cpu_ns = ts_os_clock_ns(s->cpu_clock);
        s->drain_wall_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
        index_slot(s, ts, tid);
        return s;
    }
    return NULL;
}

int
ts_registry_sync(PyThreadState *any, const void *skip, int initial)
{
    int registered = 0;
    sweep++;
    for (PyThreadState *ts = ts_py_first_thread(any); ts; ts = ts_py_next_thread(ts)) {
        if ((const void *)ts == skip || !ts_py_thread_started(ts))
            continue; /* not yet running: it may carry its creator's ids */
        clockid_t clock;
        if (pthread_getcpuclockid((pthread_t)ts_py_thread_ident(ts), &clock) != 0)
            continue;
        pid_t tid = ts_os_tid_from_cpu_clock(clock);
        uint64_t idx;
        ts_thread_slot_t *s = NULL;
        if (ts_hashmap_get(&slot_index, (uint64_t)(uintptr_t)ts, (uint64_t)tid, &idx) && idx > 0) {
            s = ts_slots[idx - 1];
            if (atomic_load(&s->state) != TS_SLOT_ACTIVE || s->tstate != ts || s->tid != tid)
                s = NULL;
        }
        if (s == NULL)
            s = adopt_born(ts, tid);
        if (s == NULL) {
            if (register_thread(ts, tid, initial) < 0)
                continue;
            registered++;
            ts_hashmap_get(&slot_index, (uint64_t)(uintptr_t)ts, (uint64_t)tid, &idx);
            s = ts_slots[idx - 1];
        }
        s->generation = sweep;
    }
    return registered;
}

int
ts_registry_live(const ts_thread_slot_t *s)
{
    return atomic_load(&s->state) == TS_SLOT_ACTIVE && s->tstate != NULL && s->generation == sweep;
}

void
ts_registry_forget(ts_thread_slot_t *s)
{
    if (s->tstate != NULL)
        ts_hashmap_put(&slot_index, (uint64_t)(uintptr_t)s->tstate, (uint64_t)s->tid, 0);
    if (s->born)
        s->tstate = NULL; /* its thread state is gone; the thread may run on */
}

void
ts_registry_clear(void)
{
    ts_hashmap_clear(&slot_index);
}

void
ts_registry_after_fork_child(void)
{
    ts_hashmap_init(&slot_index);
}

/* thread_life.c -- registering threads at birth (see thread_life.h): owns
 * the births switch, the count of threads inside on_start, and the watch
 * given to the preload library. */
#include "thread_life.h"

#include <sched.h>
#include <stdatomic.h>

#include "mem_hooks.h"
#include "os.h"
#include "sampler.h"

/* Owner: the GIL holder (start, pause, stop) writes births; read by new
 * threads in on_start.  inside: new threads count themselves in and out of
 * on_start; the GIL holder waits for zero after turning births off. */
static _Atomic int births;
static _Atomic int inside;

/* In the new thread, before its start routine (busy > 0).
 * Not async-signal-safe. */
static void *
on_start(const ts_frame_t *birth, int n_birth)
{
    atomic_fetch_add(&inside, 1); /* seq_cst: paired with births_off */
    ts_thread_slot_t *s = NULL;
    if (atomic_load(&births)) {
        s = ts_slot_acquire();
        uint64_t seed = ts_os_clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)ts_os_thread_id() << 32);
        if (s != NULL && ts_slot_arm_self(s, birth, n_birth, seed) < 0)
            s = NULL;
    }
    atomic_fetch_sub(&inside, 1);
    return s;
}

/* In the thread, as it ends (busy > 0).  Not async-signal-safe. */
static void
on_end(void *cookie)
{
    ts_slot_end_self(cookie);
}

/* Owner: constant; read by the preload. */
static const ts_thread_watch_t watch = {on_start, on_end, ts_mem_capture_frames};

int
ts_life_births_on(void)
{
    const ts_mem_api_t *api = ts_mem_api();
    if (api == NULL || api->watch_threads(&watch) < 0)
        return 0;
    atomic_store(&births, 1);
    return 1;
}

void
ts_life_births_off(void)
{
    atomic_store(&births, 0);
    while (atomic_load(&inside) > 0)
        sched_yield();
}

void
ts_life_after_fork_child(void)
{
    atomic_store(&births, 0);
    atomic_store(&inside, 0);
}

/* engine.c -- the profiling session (see engine.h): owns the session state,
 * the configuration, the counters and the order of work in start, pause,
 * stop, the drain pass and fork.
 *
 * The work itself lives in one file per concern:
 *   registry.c     which thread has which sampler slot;
 *   offcpu.c       off-CPU (system) time of live threads;
 *   gpu_attrib.c   GPU readings charged to running lines;
 *   mem_drain.c    the preload's memory events into mem_stats.c;
 *   attrib.c       frames -> the innermost shown line (for all of them);
 *   drain_thread.c the thread that runs drain_pass() on wall-clock time;
 *   session_control.c  the control file and the periodic profile, served
 *                  after each pass.
 * The drain thread and the control channel never call into this file by
 * name: the engine hands them its functions (drain_pass, apply_control).
 *
 * Session state.  One variable, `state` (session_state.h has the diagram
 * and the transition table, consulted before every change).  Besides it
 * the engine keeps resources and attributes that are not the session's
 * state: whether the sampling signal handler is installed (once per
 * process), whether this session profiles memory, whether it saw a GPU
 * (for the report), and whether the drain thread is parked across a fork.
 */
#include <Python.h>

#include "engine.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "attrib.h"
#include "drain_thread.h"
#include "gpu_attrib.h"
#include "gpu_nvml.h"
#include "ip_classes.h"
#include "mem_drain.h"
#include "mem_hooks.h"
#include "mem_stats.h"
#include "offcpu.h"
#include "os.h"
#include "pycompat/pycompat.h"
#include "registry.h"
#include "resolve.h"
#include "sampler.h"
#include "session_control.h"
#include "session_state.h"

/* Owner: the GIL holder (start/stop/pause callers and the drain thread). */
static ts_session_state_t state = TS_SESSION_UNCONFIGURED;
static ts_engine_config_t config;    /* valid unless UNCONFIGURED */
static ts_engine_counters_t counters;
static PyThreadState *owner_tstate;  /* a thread state of the profiled interpreter */
static double active_since;          /* CLOCK_MONOTONIC start of the active stretch */
static double elapsed_before;        /* active seconds before active_since */
static int sampler_installed;        /* resource: the signal handler (once per process) */
static int memory_on;                /* attribute: this session profiles memory */
static int gpu_seen;                 /* attribute: this session saw a GPU (report) */

/* Asks the transition table (session_state.h) what `event` does now. */
static int
step(ts_session_event_t event, ts_session_state_t *next, ts_error_t *err)
{
    return ts_session_step(state, event, next, err);
}

static double
now_seconds(clockid_t clock)
{
    return (double)ts_os_clock_ns(clock) * 1e-9;
}

int
ts_engine_configure(ts_engine_config_t *cfg, ts_error_t *err)
{
    ts_session_state_t next;
    if (step(TS_EV_CONFIGURE, &next, err) < 0) {
        ts_filter_free(&cfg->filter);
        return -1;
    }
    if (state != TS_SESSION_UNCONFIGURED)
        ts_filter_free(&config.filter);
    config = *cfg;
    memset(&cfg->filter, 0, sizeof cfg->filter);
    state = next;
    return 0;
}

int
ts_engine_running(void)
{
    return state == TS_SESSION_RUNNING || state == TS_SESSION_PAUSED;
}

int
ts_engine_paused(void)
{
    return state == TS_SESSION_PAUSED;
}

int
ts_engine_memory(void)
{
    return memory_on;
}

/* Profiled wall time: the active stretches only (not stopped or paused). */
static double
elapsed_now(void)
{
    double e = elapsed_before;
    if (state == TS_SESSION_RUNNING)
        e += now_seconds(CLOCK_MONOTONIC) - active_since;
    return e;
}

/* Charges every sample in slot s's ring. */
static void
drain_ring(ts_thread_slot_t *s)
{
    const ts_sample_t *rec;
    while ((rec = ts_ring_peek(s->ring)) != NULL) {
        enum ts_charge_kind kind = rec->kind == TS_KIND_NATIVE ? TS_CHARGE_NATIVE : TS_CHARGE_PYTHON;
        ts_attrib_charge(rec->frames, rec->n_frames, kind, rec->weight_ns);
        counters.n_samples++;
        ts_ring_pop(s->ring);
    }
    uint64_t dropped = atomic_exchange(&s->ring->dropped, 0);
    uint64_t dropped_ns = atomic_exchange(&s->ring->dropped_ns, 0);
    counters.n_dropped += dropped;
    if (dropped_ns)
        ts_agg_charge_unattributed(dropped_ns);
}

/* The registry's pass: new threads get slots, live ones are marked. */
static void
sync_threads(int initial)
{
    counters.n_threads +=
        (uint64_t)ts_registry_sync(owner_tstate, ts_drain_thread_state(), initial);
}

/* Drains every ring; charges off-CPU time of live threads; retires and
 * releases slots whose thread is gone. */
static void
drain_slots(void)
{
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        int slot_state = atomic_load(&s->state);
        if (slot_state == TS_SLOT_FREE)
            continue;
        drain_ring(s);
        if (ts_registry_live(s)) {
            ts_offcpu_charge(s, config.virtual_time);
            continue;
        }
        if (slot_state == TS_SLOT_ACTIVE) {
            ts_slot_retire(s);
            ts_registry_forget(s);
            drain_ring(s); /* a sample may have landed before the timer died */
        }
        ts_slot_release(s);
    }
}

/* Deletes every thread's timer after draining its ring; slots go back to
 * the pool. */
static void
retire_all_slots(void)
{
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (atomic_load(&s->state) == TS_SLOT_FREE)
            continue;
        ts_slot_retire(s);
        drain_ring(s);
        ts_slot_release(s);
    }
    ts_registry_clear();
}

/* What `triscope --on/--off` asks for, from the control channel. */
static void
apply_control(int on)
{
    if (on)
        ts_engine_unpause();
    else
        ts_engine_pause();
}

/* One drain pass: threads, rings, off-CPU time, GPU, memory; then the
 * control channel.  Run by the drain thread (drain_thread.h) with the GIL. */
static void
drain_pass(void)
{
    if (!ts_engine_running())
        return;
    if (state == TS_SESSION_RUNNING) {
        sync_threads(0);
        drain_slots();
        ts_gpu_attrib_poll(owner_tstate);
        if (memory_on)
            ts_mem_drain_pass();
        counters.elapsed_s = elapsed_now();
    }
    ts_control_tick(apply_control);
}

void
ts_engine_pause(void)
{
    ts_session_state_t next;
    if (step(TS_EV_PAUSE, &next, NULL) <= 0)
        return;
    ts_mem_busy_enter();
    if (memory_on)
        ts_mem_stop();
    sync_threads(0);
    drain_slots();
    if (memory_on)
        ts_mem_drain_pass();
    retire_all_slots();
    elapsed_before = elapsed_now();
    counters.elapsed_s = elapsed_before;
    state = next;
    ts_mem_busy_leave();
}

void
ts_engine_unpause(void)
{
    ts_session_state_t next;
    if (step(TS_EV_UNPAUSE, &next, NULL) <= 0)
        return;
    ts_mem_busy_enter();
    state = next;
    active_since = now_seconds(CLOCK_MONOTONIC);
    if (memory_on && ts_mem_start(config.alloc_sample_bytes, config.copy_sample_bytes) < 0)
        memory_on = 0;
    ts_gpu_attrib_restart_clock();
    sync_threads(1);
    ts_mem_busy_leave();
}

static int
pick_signal(void)
{
    if (config.signo > 0)
        return config.signo;
    /* A real-time signal programs and libraries rarely claim; glibc keeps
     * the first few below SIGRTMIN for itself. */
    return SIGRTMIN + 6;
}

/* Starts a session (START: fresh, forgetting the previous statistics) or
 * resumes the stopped one (RESUME). */
static int
start_session(ts_session_event_t event, ts_error_t *err)
{
    const char *why = ts_py_unsupported_reason();
    if (why)
        return ts_error_set(err, TS_ERR_STATE, 0, "%s", why);
    ts_session_state_t next;
    int go = step(event, &next, err);
    if (go <= 0)
        return go;
    int fresh = event == TS_EV_START || state == TS_SESSION_CONFIGURED;
    owner_tstate = PyThreadState_Get();
    ts_ip_classes_build((const void *)&ts_engine_start);
    if (!sampler_installed) {
        if (ts_sampler_install(pick_signal(), config.interval_ns) < 0) {
            return ts_error_set(err, TS_ERR_STATE, 0,
                                "cannot install the sampling signal handler (signal %d): %s",
                                pick_signal(),
                                errno == EBUSY ? "the program already uses it" : strerror(errno));
        }
        sampler_installed = 1;
    }
    ts_registry_clear();
    double now = now_seconds(CLOCK_MONOTONIC);
    if (fresh) {
        ts_resolve_reset();
        ts_agg_reset(&config.filter);
        memset(&counters, 0, sizeof counters);
        counters.start_wall = now_seconds(CLOCK_REALTIME);
        counters.start_mono = now;
        ts_mem_stats_reset(counters.start_mono);
        elapsed_before = 0;
        gpu_seen = 0;
    }
    active_since = now;
    memory_on = 0;
    if (config.memory && ts_mem_start(config.alloc_sample_bytes, config.copy_sample_bytes) == 0)
        memory_on = 1;
    ts_mem_busy_enter(); /* NVML's allocations are triscope's */
    if (config.gpu && ts_gpu_attrib_open())
        gpu_seen = 1;
    ts_mem_busy_leave();
    ts_gpu_attrib_restart_clock();
    state = next;
    ts_mem_busy_enter();
    sync_threads(1);
    ts_mem_busy_leave();
    if (ts_drain_thread_start(config.interval_ns, drain_pass, err) < 0) {
        ts_engine_stop();
        return -1;
    }
    return 0;
}

int
ts_engine_start(ts_error_t *err)
{
    return start_session(TS_EV_START, err);
}

int
ts_engine_resume(ts_error_t *err)
{
    return start_session(TS_EV_RESUME, err);
}

void
ts_engine_stop(void)
{
    ts_session_state_t next;
    if (step(TS_EV_STOP, &next, NULL) <= 0)
        return;
    ts_mem_busy_enter();
    ts_drain_thread_stop(); /* may release the GIL: read the state after it */
    int was_paused = state == TS_SESSION_PAUSED;
    if (memory_on && !was_paused)
        ts_mem_stop();
    if (!was_paused) {
        sync_threads(0);
        drain_slots();
        if (memory_on)
            ts_mem_drain_pass();
    }
    ts_gpu_attrib_close();
    elapsed_before = elapsed_now();
    counters.elapsed_s = elapsed_before;
    state = next;
    retire_all_slots();
    ts_mem_busy_leave();
}

int
ts_engine_build_model(ts_model_t *m, ts_error_t *err)
{
    counters.elapsed_s = elapsed_now();
    m->elapsed_s = counters.elapsed_s;
    m->start_time_absolute = counters.start_wall;
    m->start_time_perf = counters.start_mono;
    m->sampling_interval_s = (double)config.interval_ns * 1e-9;
    m->virtual_time = config.virtual_time;
    m->n_samples = counters.n_samples;
    m->n_dropped = counters.n_dropped;
    m->n_threads = (unsigned)counters.n_threads;
    if (ts_agg_build_model(m) < 0)
        return ts_error_set(err, TS_ERR_NOMEM, 0, "out of memory building the profile");
    if (memory_on && ts_mem_stats_fill_model(m, m->elapsed_s) < 0)
        return ts_error_set(err, TS_ERR_NOMEM, 0, "out of memory building the memory profile");
    m->cpu_only = !memory_on;
    m->gpu = gpu_seen;
    if (ts_model_set_string(&m->gpu_device, gpu_seen ? ts_gpu_device_name() : "") < 0
        || ts_model_set_string(&m->gpu_mode, config.gpu ? ts_gpu_mode() : "off") < 0)
        return ts_error_set(err, TS_ERR_NOMEM, 0, "out of memory building the profile");
    return 0;
}

ts_engine_counters_t
ts_engine_counters(void)
{
    return counters;
}

/* Owner: the GIL holder.  Set by before_fork, read by the parent's
 * restart. */
static int drain_parked;   /* the drain thread was stopped for a fork */
static double forked_at;   /* when the parent returned from fork (monotonic s) */

void
ts_engine_before_fork(void)
{
    drain_parked = ts_engine_running();
    if (drain_parked)
        ts_drain_thread_stop();
}

/* Restarts the drain thread parked by before_fork.  A pending call (run by
 * the main thread at its next bytecode boundary, GIL held); it defers itself
 * for 2 ms, past os.fork()'s return, even when the program's own
 * after-fork hooks run bytecode (which runs pending calls) inside it. */
static int
restart_drain(void *unused)
{
    (void)unused;
    if (drain_parked && now_seconds(CLOCK_MONOTONIC) - forked_at < 0.002
        && Py_AddPendingCall(restart_drain, NULL) == 0)
        return 0;
    if (drain_parked && ts_engine_running())
        ts_drain_thread_start(config.interval_ns, drain_pass, NULL);
    drain_parked = 0;
    return 0;
}

void
ts_engine_after_fork_parent(void)
{
    /* Not now: CPython 3.13 counts the process's threads after the
     * after-fork hooks have run, and warns if there is more than one.  The
     * pending call runs once os.fork() has returned.  (This is not a signal
     * handler: Py_AddPendingCall is fine here.) */
    forked_at = now_seconds(CLOCK_MONOTONIC);
    if (drain_parked && Py_AddPendingCall(restart_drain, NULL) < 0)
        restart_drain(NULL);
}

void
ts_engine_after_fork_child(void)
{
    /* Timers are not inherited by fork(2): the child has no sampling.  Its
     * copies of the tables describe the parent; drop the session without
     * releasing code references (harmless, and avoids running finalizers). */
    ts_session_state_t next = state;
    step(TS_EV_FORK_CHILD, &next, NULL);
    ts_sampler_forget_all();
    ts_drain_after_fork_child();
    drain_parked = 0;
    state = next;
    ts_control_after_fork_child();
    ts_gpu_attrib_after_fork_child();
    ts_registry_after_fork_child();
}

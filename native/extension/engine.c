/* engine.c -- the profiling session (see engine.h): owns the session state,
 * the configuration, the counters and the order of work in start, pause,
 * stop, the drain pass and fork.
 *
 * The work itself lives in one file per concern:
 *   registry.c     which thread has which sampler slot;
 *   thread_life.c  threads registering themselves as they start and end;
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
#include "thread_life.h"

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
/* Owner: the GIL holder.  n_threads is counted from thread-state serial
 * numbers (pycompat.h: every Python thread takes one, however short its
 * life): those given out since the session's first start, less the ones
 * triscope took itself (its drain threads, the serial probes). */
static uint64_t serial_base;         /* the next serial at the first start */
static uint64_t own_serials;         /* serials triscope took since */
static uint64_t threads_at_start;    /* threads the first start found */

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

/* Charges ns of `kind` to the innermost shown frame, remembering the line
 * in slot s; returns 0 (and charges nothing) if no frame is shown. */
static int
charge_site(ts_thread_slot_t *s, const ts_frame_t *frames, int n, int kind, uint64_t ns)
{
    ts_site_t site;
    if (!ts_attrib_innermost(frames, n, &site))
        return 0;
    ts_agg_charge(site.file, site.func, site.line, kind, ns);
    s->has_last_site = 1;
    s->last_kind = kind;
    s->last_file = site.file;
    s->last_func = site.func;
    s->last_line = site.line;
    return 1;
}

/* Charges every sample in slot s's ring.  A born thread's sample with no
 * Python frames (its start, or a thread that never runs Python) goes to
 * the line that created the thread, as native time. */
static void
drain_ring(ts_thread_slot_t *s)
{
    const ts_sample_t *rec;
    while ((rec = ts_ring_peek(s->ring)) != NULL) {
        int kind = rec->kind == TS_KIND_NATIVE ? TS_CHARGE_NATIVE : TS_CHARGE_PYTHON;
        const ts_frame_t *frames = rec->frames;
        int n = rec->n_frames;
        if (n == 0 && s->n_birth > 0) {
            frames = s->birth;
            n = s->n_birth;
            kind = TS_CHARGE_NATIVE;
        }
        if (!charge_site(s, frames, n, kind, rec->weight_ns)) {
            s->has_last_site = 0;
            ts_agg_charge_unattributed(rec->weight_ns);
        }
        counters.n_samples++;
        ts_ring_pop(s->ring);
    }
    uint64_t dropped = atomic_exchange(&s->ring->dropped, 0);
    uint64_t dropped_ns = atomic_exchange(&s->ring->dropped_ns, 0);
    counters.n_dropped += dropped;
    if (dropped_ns)
        ts_agg_charge_unattributed(dropped_ns);
}

/* An ENDED born slot: its ring, then the CPU between its last sample and
 * its end, charged to the line of its last sample, else to the line that
 * created it, else unattributed; then the slot goes back to the pool. */
static void
finish_born(ts_thread_slot_t *s)
{
    drain_ring(s);
    uint64_t ns = s->final_ns;
    if (ns > 0) {
        if (s->has_last_site)
            ts_agg_charge(s->last_file, s->last_func, s->last_line, s->last_kind, ns);
        else if (!charge_site(s, s->birth, s->n_birth, TS_CHARGE_PYTHON, ns))
            ts_agg_charge_unattributed(ns);
    }
    ts_registry_forget(s);
    ts_slot_release(s);
}

/* The registry's pass: new threads get slots, live ones are marked.
 * Returns how many threads it registered. */
static int
sync_threads(int initial)
{
    return ts_registry_sync(owner_tstate, ts_drain_thread_state(), initial);
}

/* The next thread-state serial (pycompat.h); the probe takes one itself. */
static uint64_t
thread_serial(void)
{
    ts_mem_busy_enter();
    uint64_t serial = ts_py_thread_serial(owner_tstate);
    ts_mem_busy_leave();
    own_serials++;
    return serial;
}

/* Python threads that ran in the session: those its first start found,
 * plus every thread state made since but triscope's own. */
static void
count_threads(void)
{
    uint64_t made = thread_serial() - serial_base;
    made = made > own_serials ? made - own_serials : 0;
    counters.n_threads = threads_at_start + made;
}

static void drain_pass(void);

/* Starts the drain thread (its thread state is triscope's: counted out of
 * n_threads; created busy, so the birth hook leaves it alone). */
static int
start_drain(ts_error_t *err)
{
    ts_mem_busy_enter();
    int rc = ts_drain_thread_start(config.interval_ns, drain_pass, err);
    ts_mem_busy_leave();
    if (rc == 0)
        own_serials++;
    return rc;
}

/* Drains every ring; charges off-CPU time of live threads; retires and
 * releases slots whose thread is gone, and born slots whose thread ended. */
static void
drain_slots(void)
{
    int n = ts_slot_count;
    for (int i = 0; i < n; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (s == NULL)
            continue;
        int slot_state = atomic_load(&s->state);
        if (slot_state == TS_SLOT_ENDED) {
            finish_born(s);
            continue;
        }
        if (slot_state != TS_SLOT_ACTIVE && slot_state != TS_SLOT_RETIRED)
            continue; /* free, being armed or ended, or let go of */
        drain_ring(s);
        if (ts_registry_live(s)) {
            ts_offcpu_charge(s, config.virtual_time);
            continue;
        }
        if (s->born) {
            if (s->tstate != NULL)
                ts_registry_forget(s); /* its thread state is gone */
            continue; /* it retires itself as it ends */
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
 * the pool, but those of born threads still running, which free their
 * slots as they end.  Births must be off. */
static void
retire_all_slots(void)
{
    int n = ts_slot_count;
    for (int i = 0; i < n; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (s == NULL)
            continue;
        int slot_state = atomic_load(&s->state);
        if (slot_state == TS_SLOT_FREE || slot_state == TS_SLOT_ORPHAN
            || slot_state == TS_SLOT_CLAIMED)
            continue;
        if (s->born) {
            if (ts_slot_let_go(s))
                finish_born(s);
            else
                drain_ring(s);
            continue;
        }
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
    ts_life_births_off();
    sync_threads(0);
    drain_slots();
    if (memory_on)
        ts_mem_drain_pass();
    retire_all_slots();
    count_threads();
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
    ts_life_births_on();
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
    if (fresh) {
        serial_base = ts_py_thread_serial(owner_tstate);
        own_serials = 0;
    }
    ts_life_births_on(); /* before the pass: a thread born meanwhile has a slot */
    int found = sync_threads(1);
    if (fresh)
        threads_at_start = (uint64_t)found;
    ts_mem_busy_leave();
    if (start_drain(err) < 0) {
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
        ts_life_births_off();
        sync_threads(0);
        drain_slots();
        if (memory_on)
            ts_mem_drain_pass();
        count_threads();
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
    if (state == TS_SESSION_RUNNING)
        count_threads();
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
    if (state == TS_SESSION_RUNNING)
        count_threads();
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
        start_drain(NULL);
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
    ts_life_after_fork_child();
    ts_sampler_forget_all();
    ts_drain_after_fork_child();
    drain_parked = 0;
    state = next;
    ts_control_after_fork_child();
    ts_gpu_attrib_after_fork_child();
    ts_registry_after_fork_child();
}

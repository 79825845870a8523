/* engine.c -- the profiling session: thread registry, drain, start/stop.
 *
 * Thread registry.  Each drain pass walks the interpreter's thread states
 * (GIL held, so the list is stable) and gives every thread a sampler slot.
 * A thread is identified by (thread state, kernel tid): both can be reused
 * after a thread ends, but not together within one pass.  Threads whose
 * state left the list get their timer deleted; their ring is drained first.
 * Threads present when profiling starts are charged from that moment on;
 * threads born later from their first instruction (their first sample
 * carries all CPU time they used before the drain noticed them).
 *
 * Off-CPU time.  In wall-clock mode each pass reads every thread's CPU clock
 * and the monotonic clock: wall elapsed minus CPU consumed since the previous
 * pass is time the thread spent off a CPU (sleeping, in I/O, waiting for a
 * lock or the GIL).  It is charged as system time to the line the thread is
 * at now, read from its frames under the GIL.  No signal ever interrupts a
 * blocked thread.
 *
 * GPU.  When the session polls GPUs (gpu_nvml.h), a drain pass that finds
 * the previous poll at least GPU_POLL_NS old polls again and charges the
 * reading -- utilisation % and GPU memory MB -- once to the line each
 * running thread is at now (innermost shown frame, read under the GIL).  A
 * thread is running if it used at least a tenth of the wall time since the
 * previous poll on a CPU (a thread that spin-waits for the GPU does; one
 * blocked in a queue does not); if none did (on a shown line), the thread
 * that started the session is charged (it may be blocked in a
 * synchronising call).  So a
 * line's figure is the average GPU utilisation sampled while it was
 * executing, not the GPU work it launched.  NVML is never called from the
 * signal handler.
 */
#include "engine.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aggregate.h"
#include "drain_thread.h"
#include "gpu_nvml.h"
#include "hashmap.h"
#include "ip_classes.h"
#include "mem_hooks.h"
#include "mem_stats.h"
#include "os.h"
#include "pycompat/pycompat.h"
#include "resolve.h"
#include "session_control.h"
#include "sampler.h"

/* All owned by the GIL holder. */
static ts_engine_config_t config;
static int configured;
static int running;
static int sampler_installed;
static ts_engine_counters_t counters;
static uint64_t sweep;               /* registry pass number */
static int sweep_is_initial;         /* the pass inside start(): existing threads */
static PyThreadState *owner_tstate;  /* a thread state of the profiled interpreter */
static ts_hashmap_t slot_index;      /* (tstate, tid) -> slot index + 1 */
static int memory_on;                /* memory counting started by this session */
static int gpu_on;                   /* NVML opened by this session, devices seen */
static int gpu_seen;                 /* this session saw a GPU (for the report) */
static uint64_t gpu_poll_ns;         /* CLOCK_MONOTONIC of the previous GPU poll */
static int started;                  /* tables hold a session (kept across stop) */
static int paused;                   /* running, but sampling suspended */
static double active_since;          /* CLOCK_MONOTONIC start of the active stretch */
static double elapsed_before;        /* active seconds before active_since */

#define GPU_POLL_NS 200000000ULL     /* NVML's own samples come every ~200 ms */

static double
now_seconds(clockid_t clock)
{
    return (double)ts_os_clock_ns(clock) * 1e-9;
}

int
ts_engine_configure(ts_engine_config_t *cfg)
{
    if (running) {
        ts_filter_free(&cfg->filter);
        PyErr_SetString(PyExc_RuntimeError, "triscope: cannot reconfigure while profiling");
        return -1;
    }
    if (configured)
        ts_filter_free(&config.filter);
    config = *cfg;
    memset(&cfg->filter, 0, sizeof cfg->filter);
    configured = 1;
    return 0;
}

int
ts_engine_running(void)
{
    return running;
}

/* Profiled wall time: the active stretches only (not stopped or paused). */
static double
elapsed_now(void)
{
    double e = elapsed_before;
    if (running && !paused)
        e += now_seconds(CLOCK_MONOTONIC) - active_since;
    return e;
}

/* Finds the innermost frame in a shown file.  Returns 1 and sets the site,
 * or 0 if no frame is shown. */
static int
innermost_shown(const ts_frame_t *frames, int n, int *file, int *func, int *line)
{
    for (int i = 0; i < n; i++) {
        ts_code_ref_t ref;
        if (ts_resolve_code(&frames[i], &ref) < 0 || !ref.shown)
            continue;
        *file = ref.file;
        *func = ref.func;
        *line = ts_resolve_line(&frames[i]);
        return 1;
    }
    return 0;
}

/* Charges a sample to the innermost shown frame, or to "unattributed". */
static void
charge_frames(const ts_frame_t *frames, int n, enum ts_charge_kind kind, uint64_t ns)
{
    int file, func, line;
    if (innermost_shown(frames, n, &file, &func, &line))
        ts_agg_charge(file, func, line, kind, ns);
    else if (kind != TS_CHARGE_SYSTEM)
        ts_agg_charge_unattributed(ns);
}

/* Most memory events one drain pass consumes: threads without the GIL may
 * keep producing while the drain holds it, and the pass must end. */
#define MAX_EVENTS_PER_PASS (1 << 18)

/* Consumes the preload's sampled memory events, in order (at most
 * MAX_EVENTS_PER_PASS; the rest wait for the next pass). */
static void
drain_memory(void)
{
    const ts_mem_api_t *api = ts_mem_api();
    if (!memory_on || !api)
        return;
    const ts_mem_event_t *ev;
    for (int n = 0; n < MAX_EVENTS_PER_PASS && (ev = api->peek()) != NULL; n++) {
        double t = (double)ev->wall_ns * 1e-9;
        if (ev->kind == TS_MEM_EV_FREE) {
            ts_mem_stats_free_ptr(ev->ptr, t);
        } else {
            int file = TS_SITE_NATIVE, func = -1, line = 0;
            if (ev->n_frames > 0 && !innermost_shown(ev->frames, ev->n_frames, &file, &func, &line))
                file = TS_SITE_UNATTRIBUTED;
            if (ev->kind == TS_MEM_EV_ALLOC)
                ts_mem_stats_alloc(file, func, line, ev->ptr, ev->weight, ev->python, t);
            else if (ev->kind == TS_MEM_EV_COPY)
                ts_mem_stats_copy(file, func, line, ev->weight);
        }
        api->pop();
    }
}

static void
drain_ring(ts_thread_slot_t *s)
{
    const ts_sample_t *rec;
    while ((rec = ts_ring_peek(s->ring)) != NULL) {
        enum ts_charge_kind kind = rec->kind == TS_KIND_NATIVE ? TS_CHARGE_NATIVE : TS_CHARGE_PYTHON;
        charge_frames(rec->frames, rec->n_frames, kind, rec->weight_ns);
        counters.n_samples++;
        ts_ring_pop(s->ring);
    }
    uint64_t dropped = atomic_exchange(&s->ring->dropped, 0);
    uint64_t dropped_ns = atomic_exchange(&s->ring->dropped_ns, 0);
    counters.n_dropped += dropped;
    if (dropped_ns)
        ts_agg_charge_unattributed(dropped_ns);
}

/* Off-CPU time of one live thread since the previous pass. */
static void
charge_off_cpu(ts_thread_slot_t *s, PyThreadState *ts)
{
    uint64_t cpu = ts_os_clock_ns(s->cpu_clock);
    uint64_t wall = ts_os_clock_ns(CLOCK_MONOTONIC);
    if (cpu == 0)
        return; /* the thread is gone */
    int64_t off = (int64_t)(wall - s->drain_wall_ns) - (int64_t)(cpu - s->drain_cpu_ns);
    s->drain_cpu_ns = cpu;
    s->drain_wall_ns = wall;
    if (off <= 0 || config.virtual_time)
        return;
    ts_frame_t frames[TS_MAX_FRAMES];
    int truncated, top_opcode;
    int n = ts_py_read_frames(ts, frames, TS_MAX_FRAMES, &truncated, &top_opcode, NULL);
    charge_frames(frames, n, TS_CHARGE_SYSTEM, (uint64_t)off);
}

/* Charges one GPU reading to the line of thread state ts.  Returns 1, or 0
 * if the thread is on no shown line. */
static int
charge_gpu(PyThreadState *ts, const ts_gpu_reading_t *r)
{
    ts_frame_t frames[TS_MAX_FRAMES];
    int truncated, top_opcode, file, func, line;
    int n = ts_py_read_frames(ts, frames, TS_MAX_FRAMES, &truncated, &top_opcode, NULL);
    if (!innermost_shown(frames, n, &file, &func, &line))
        return 0;
    ts_agg_charge_gpu(file, func, line, r->util_percent, r->memory_mb);
    return 1;
}

/* Polls the GPUs when due and charges the running threads' lines.  Call
 * after sync_threads(): live slots carry the current sweep. */
static void
poll_gpu(void)
{
    if (!gpu_on)
        return;
    uint64_t now = ts_os_clock_ns(CLOCK_MONOTONIC);
    uint64_t elapsed = now - gpu_poll_ns;
    if (elapsed < GPU_POLL_NS)
        return;
    gpu_poll_ns = now;
    ts_gpu_reading_t r;
    int have = ts_gpu_poll(&r);
    int charged = 0;
    ts_thread_slot_t *owner = NULL;
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        if (atomic_load(&s->state) != TS_SLOT_ACTIVE || s->generation != sweep)
            continue;
        uint64_t cpu = ts_os_clock_ns(s->cpu_clock);
        uint64_t used = cpu - s->gpu_cpu_ns;
        s->gpu_cpu_ns = cpu;
        if (s->tstate == (const void *)owner_tstate)
            owner = s;
        if (!have || cpu == 0 || used < elapsed / 10)
            continue;
        charged |= charge_gpu((PyThreadState *)s->tstate, &r);
    }
    if (have && !charged && owner)
        charge_gpu((PyThreadState *)owner->tstate, &r);
}

static int
register_thread(PyThreadState *ts, pid_t tid)
{
    ts_thread_slot_t *s = ts_slot_acquire();
    if (s == NULL)
        return -1;
    pthread_t thread = (pthread_t)ts_py_thread_ident(ts);
    uint64_t start_cpu = 0;
    if (sweep_is_initial) {
        clockid_t clock;
        if (pthread_getcpuclockid(thread, &clock) == 0)
            start_cpu = ts_os_clock_ns(clock);
    }
    uint64_t seed = ts_os_clock_ns(CLOCK_MONOTONIC) ^ ((uint64_t)tid << 32);
    if (ts_slot_arm(s, thread, ts, start_cpu, seed) < 0)
        return -1;
    int idx = -1;
    for (int i = 0; i < ts_slot_count; i++) {
        if (ts_slots[i] == s)
            idx = i;
    }
    ts_hashmap_put(&slot_index, (uint64_t)(uintptr_t)ts, (uint64_t)tid, (uint64_t)idx + 1);
    counters.n_threads++;
    return 0;
}

/* Registers new threads, marks live ones, charges their off-CPU time. */
static void
sync_threads(void)
{
    sweep++;
    const void *drain_ts = ts_drain_thread_state();
    for (PyThreadState *ts = ts_py_first_thread(owner_tstate); ts; ts = ts_py_next_thread(ts)) {
        if ((const void *)ts == drain_ts)
            continue;
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
        if (s == NULL) {
            if (register_thread(ts, tid) < 0)
                continue;
            ts_hashmap_get(&slot_index, (uint64_t)(uintptr_t)ts, (uint64_t)tid, &idx);
            s = ts_slots[idx - 1];
        }
        s->generation = sweep;
    }
}

/* Drains every ring; charges off-CPU time of live threads; retires and
 * releases slots whose thread is gone. */
static void
drain_slots(void)
{
    for (int i = 0; i < ts_slot_count; i++) {
        ts_thread_slot_t *s = ts_slots[i];
        int state = atomic_load(&s->state);
        if (state == TS_SLOT_FREE)
            continue;
        drain_ring(s);
        if (state == TS_SLOT_ACTIVE && s->generation == sweep) {
            charge_off_cpu(s, (PyThreadState *)s->tstate);
            continue;
        }
        if (state == TS_SLOT_ACTIVE) {
            ts_slot_retire(s);
            ts_hashmap_put(&slot_index, (uint64_t)(uintptr_t)s->tstate, (uint64_t)s->tid, 0);
            drain_ring(s); /* a sample may have landed before the timer died */
        }
        ts_slot_release(s);
    }
}

void
ts_engine_drain(void)
{
    if (!running)
        return;
    if (!paused) {
        sync_threads();
        drain_slots();
        poll_gpu();
        drain_memory();
        counters.elapsed_s = elapsed_now();
    }
    ts_control_tick();
}

/* Deletes every thread's timer after draining its ring; slots go back to
 * the pool.  GIL held. */
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
    ts_hashmap_clear(&slot_index);
}

/* Registers every live thread, charging only what they do from now on. */
static void
register_existing_threads(void)
{
    sweep_is_initial = 1;
    sync_threads();
    sweep_is_initial = 0;
}

void
ts_engine_pause(void)
{
    if (!running || paused)
        return;
    ts_mem_busy_enter();
    if (memory_on)
        ts_mem_stop();
    sync_threads();
    drain_slots();
    drain_memory();
    retire_all_slots();
    elapsed_before = elapsed_now();
    counters.elapsed_s = elapsed_before;
    paused = 1;
    ts_mem_busy_leave();
}

void
ts_engine_unpause(void)
{
    if (!running || !paused)
        return;
    ts_mem_busy_enter();
    paused = 0;
    active_since = now_seconds(CLOCK_MONOTONIC);
    if (memory_on && ts_mem_start(config.alloc_sample_bytes, config.copy_sample_bytes) < 0)
        memory_on = 0;
    gpu_poll_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
    register_existing_threads();
    ts_mem_busy_leave();
}

int
ts_engine_paused(void)
{
    return running && paused;
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

/* Starts a session (fresh: forgetting the previous one's statistics) or
 * resumes the stopped one. */
static int
start_session(int fresh)
{
    const char *why = ts_py_unsupported_reason();
    if (why) {
        PyErr_Format(PyExc_RuntimeError, "triscope: %s", why);
        return -1;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "triscope: configure() first");
        return -1;
    }
    if (running)
        return 0;
    owner_tstate = PyThreadState_Get();
    ts_ip_classes_build((const void *)&ts_engine_start);
    if (!sampler_installed) {
        if (ts_sampler_install(pick_signal(), config.interval_ns) < 0) {
            PyErr_Format(PyExc_RuntimeError,
                         "triscope: cannot install the sampling signal handler (signal %d): %s",
                         pick_signal(), errno == EBUSY ? "the program already uses it" : strerror(errno));
            return -1;
        }
        sampler_installed = 1;
    }
    ts_hashmap_clear(&slot_index);
    double now = now_seconds(CLOCK_MONOTONIC);
    if (fresh || !started) {
        ts_resolve_reset();
        ts_agg_reset(&config.filter);
        memset(&counters, 0, sizeof counters);
        counters.start_wall = now_seconds(CLOCK_REALTIME);
        counters.start_mono = now;
        ts_mem_stats_reset(counters.start_mono);
        elapsed_before = 0;
        gpu_seen = 0;
        started = 1;
    }
    active_since = now;
    paused = 0;
    memory_on = 0;
    if (config.memory && ts_mem_start(config.alloc_sample_bytes, config.copy_sample_bytes) == 0)
        memory_on = 1;
    gpu_on = 0;
    ts_mem_busy_enter(); /* NVML's allocations are triscope's */
    if (config.gpu && ts_gpu_open() > 0)
        gpu_on = gpu_seen = 1;
    ts_mem_busy_leave();
    gpu_poll_ns = ts_os_clock_ns(CLOCK_MONOTONIC);
    running = 1;
    ts_mem_busy_enter();
    register_existing_threads();
    ts_mem_busy_leave();
    if (ts_drain_thread_start(config.interval_ns) < 0) {
        ts_engine_stop();
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    return 0;
}

int
ts_engine_start(void)
{
    return start_session(1);
}

int
ts_engine_resume(void)
{
    return start_session(0);
}

void
ts_engine_stop(void)
{
    if (!running)
        return;
    ts_mem_busy_enter();
    ts_drain_thread_stop();
    if (memory_on && !paused)
        ts_mem_stop();
    if (!paused) {
        sync_threads();
        drain_slots();
        drain_memory();
    }
    if (gpu_on)
        ts_gpu_close();
    gpu_on = 0;
    elapsed_before = elapsed_now();
    counters.elapsed_s = elapsed_before;
    running = 0;
    paused = 0;
    retire_all_slots();
    ts_mem_busy_leave();
}

int
ts_engine_build_model(ts_model_t *m)
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
        return -1;
    if (memory_on && ts_mem_stats_fill_model(m, m->elapsed_s) < 0)
        return -1;
    m->cpu_only = !memory_on;
    m->gpu = gpu_seen;
    if (ts_model_set_string(&m->gpu_device, gpu_seen ? ts_gpu_device_name() : "") < 0
        || ts_model_set_string(&m->gpu_mode, config.gpu ? ts_gpu_mode() : "off") < 0)
        return -1;
    return 0;
}

int
ts_engine_memory(void)
{
    return memory_on;
}

ts_engine_counters_t
ts_engine_counters(void)
{
    return counters;
}

/* Set by before_fork, read by after_fork_parent. */
static int drain_parked;

void
ts_engine_before_fork(void)
{
    drain_parked = running;
    if (running)
        ts_drain_thread_stop();
}

/* When the parent returned from fork (monotonic seconds); GIL holder. */
static double forked_at;

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
    if (drain_parked && running)
        ts_drain_thread_start(config.interval_ns);
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
    ts_sampler_forget_all();
    ts_drain_after_fork_child();
    drain_parked = 0;
    running = 0;
    paused = 0;
    started = 0;
    ts_control_after_fork_child();
    if (gpu_on)
        ts_gpu_forget(); /* the parent's NVML session is not the child's */
    gpu_on = 0;
    ts_hashmap_init(&slot_index);
}

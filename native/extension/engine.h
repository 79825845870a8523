/* engine.h -- the profiling session: its one state (session_state.h),
 * configuration, start, pause, stop, the drain pass and fork handling.
 *
 * One session per process at a time.  Every function here runs on a Python
 * thread with the GIL held (the drain thread included, which takes the GIL
 * for each pass); none may run in a signal handler.  Functions that can fail
 * return 0 or -1 with *err filled (ts_error.h) and never set a Python
 * exception; the binding (module.c) raises.  Events that do nothing in the
 * current state (stop while stopped, pause while paused) are ignored, as
 * the transition table says.
 */
#ifndef TRISCOPE_ENGINE_H
#define TRISCOPE_ENGINE_H

#include <stdint.h>

#include "file_filter.h"
#include "profile_model.h"
#include "ts_error.h"

typedef struct ts_engine_config {
    uint64_t interval_ns;    /* mean CPU sampling interval */
    int virtual_time;        /* 1: no system (off-CPU) time */
    int signo;               /* the sampling signal (0: the default) */
    ts_filter_t filter;      /* which files are shown */
    int memory;              /* 1: memory and copy profiling (needs the preload) */
    uint64_t alloc_sample_bytes; /* mean bytes between allocation samples (> 0) */
    uint64_t copy_sample_bytes;  /* mean bytes between copy samples (> 0) */
    int gpu;                 /* 1: poll NVIDIA GPUs through NVML (gpu_nvml.h) */
} ts_engine_config_t;

typedef struct ts_engine_counters {
    uint64_t n_samples;
    uint64_t n_dropped;
    uint64_t n_threads;      /* Python threads that ran, each once */
    double start_wall;       /* CLOCK_REALTIME seconds at start */
    double start_mono;       /* CLOCK_MONOTONIC seconds at start */
    double elapsed_s;        /* profiled wall time (so far, or final) */
} ts_engine_counters_t;

/* Replaces the configuration (takes ownership of cfg->filter, also on
 * failure).  Refused (TS_ERR_STATE) while RUNNING or PAUSED.
 * Not async-signal-safe. */
int ts_engine_configure(ts_engine_config_t *cfg, ts_error_t *err);

/* 1 while RUNNING or PAUSED (the session and its drain thread exist). */
int ts_engine_running(void);

/* 1 while PAUSED. */
int ts_engine_paused(void);

/* 1 if this session profiles memory (the preload library is present);
 * stays set after stop, for the report. */
int ts_engine_memory(void);

/* Starts a fresh session sampling every Python thread of the caller's
 * interpreter, forgetting the previous statistics.  Refused before
 * configure; ignored while RUNNING or PAUSED.  TS_ERR_STATE also when this
 * interpreter cannot be profiled or the sampling signal cannot be taken;
 * TS_ERR_OS when the drain thread cannot start.  Not async-signal-safe. */
int ts_engine_start(ts_error_t *err);

/* As start, but from STOPPED adds to the statistics gathered so far.
 * Not async-signal-safe. */
int ts_engine_resume(ts_error_t *err);

/* RUNNING -> PAUSED: timers and memory counting stop, the session, the
 * drain thread and the statistics stay, and time until unpause is not
 * profiled.  Any Python thread, the drain thread included.
 * Not async-signal-safe. */
void ts_engine_pause(void);

/* PAUSED -> RUNNING: threads are registered afresh, charged from now.
 * Not async-signal-safe. */
void ts_engine_unpause(void);

/* RUNNING or PAUSED -> STOPPED: stops sampling and drains everything.  Also
 * from the drain thread itself (then it does not join it).
 * Not async-signal-safe. */
void ts_engine_stop(void);

/* Fills a model from the statistics gathered so far (TS_ERR_NOMEM).
 * Not async-signal-safe. */
int ts_engine_build_model(ts_model_t *m, ts_error_t *err);

/* The counters so far.  Not async-signal-safe. */
ts_engine_counters_t ts_engine_counters(void);

/* Fork hooks (os.register_at_fork): the drain thread must not exist across
 * fork, and a child starts with no statistics (state: fork child).
 * Not async-signal-safe. */
void ts_engine_before_fork(void);
void ts_engine_after_fork_parent(void);
void ts_engine_after_fork_child(void);

#endif

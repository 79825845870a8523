/* engine.h -- the profiling session: configuration, start, drain, stop.
 *
 * One session per process at a time.  start() and stop() run on a Python
 * thread with the GIL held; the periodic drain runs on the drain thread
 * (drain_thread.h), which takes the GIL for each pass.  All engine state is
 * owned by whoever holds the GIL, except what sampler.h documents as
 * handler-owned.
 */
#ifndef TRISCOPE_ENGINE_H
#define TRISCOPE_ENGINE_H

#include <Python.h>
#include <stdint.h>

#include "file_filter.h"
#include "profile_model.h"

typedef struct ts_engine_config {
    uint64_t interval_ns;    /* mean CPU sampling interval */
    int virtual_time;        /* 1: no system (off-CPU) time */
    int signo;               /* the sampling signal */
    ts_filter_t filter;      /* which files are shown */
    int memory;              /* 1: memory and copy profiling (needs the preload) */
    uint64_t alloc_sample_bytes; /* mean bytes between allocation samples */
    uint64_t copy_sample_bytes;  /* mean bytes between copy samples */
    int gpu;                 /* 1: poll NVIDIA GPUs through NVML (gpu_nvml.h) */
} ts_engine_config_t;

typedef struct ts_engine_counters {
    uint64_t n_samples;
    uint64_t n_dropped;
    uint64_t n_threads;      /* threads ever registered */
    double start_wall;       /* CLOCK_REALTIME seconds at start */
    double start_mono;       /* CLOCK_MONOTONIC seconds at start */
    double elapsed_s;        /* profiled wall time (so far, or final) */
} ts_engine_counters_t;

/* Replaces the configuration (takes ownership of cfg->filter).  Only while
 * stopped.  Returns 0 or -1 with a Python exception set. */
int ts_engine_configure(ts_engine_config_t *cfg);

/* 1 if memory profiling is running (the preload library is present). */
int ts_engine_memory(void);

/* Starts sampling every Python thread of the caller's interpreter.  GIL
 * held.  Returns 0 or -1 with a Python exception set. */
int ts_engine_start(void);

/* Starts sampling again after stop(), adding to the statistics gathered so
 * far (the first call starts a session).  GIL held.  Returns 0 or -1. */
int ts_engine_resume(void);

/* Suspends sampling in place: the session, the drain thread and the
 * statistics stay; timers and memory counting stop, and time until
 * unpause() is not profiled.  GIL held (any thread, the drain included). */
void ts_engine_pause(void);
void ts_engine_unpause(void);

/* 1 while running but paused. */
int ts_engine_paused(void);

/* Stops sampling and drains everything.  GIL held.  Safe to call twice and
 * from the drain thread itself (then it does not join it). */
void ts_engine_stop(void);

/* 1 while sampling. */
int ts_engine_running(void);

/* One drain pass: threads, rings, off-CPU time.  GIL held. */
void ts_engine_drain(void);

/* Fills a model from the statistics gathered so far.  Returns 0 or -1. */
int ts_engine_build_model(ts_model_t *m);

ts_engine_counters_t ts_engine_counters(void);

/* Fork hooks (os.register_at_fork): the drain thread must not exist across
 * fork, and a child starts with no profile. */
void ts_engine_before_fork(void);
void ts_engine_after_fork_parent(void);
void ts_engine_after_fork_child(void);

#endif

/* profile_model.h -- the finished profile, as the report writers see it.
 *
 * The engine (native/extension) aggregates samples into its own tables and,
 * when a report is asked for, builds one ts_model_t: every profiled file with
 * every source line, the per-line and per-function statistics in absolute
 * seconds, and the run's metadata.  The writers (report_json.c,
 * report_text.c) only read a model; they never see the engine.  This keeps
 * all formatting testable in pure C, without Python.h.
 *
 * Ownership: the model owns every string and array it points to
 * (ts_model_free releases everything).  Strings are UTF-8, NUL-terminated.
 * Nothing here is thread-safe: a model is built and used by one thread.
 * Not async-signal-safe.
 */
#ifndef TRISCOPE_PROFILE_MODEL_H
#define TRISCOPE_PROFILE_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* Time charged to one line or function, in seconds. */
typedef struct ts_stats {
    double cpu_python_s; /* interpreter executing bytecode */
    double cpu_native_s; /* inside C code the line called (GIL or not) */
    double sys_s;        /* off-CPU: sleep, I/O, lock waits (0 in virtual-time mode) */
    uint64_t samples;    /* CPU samples that landed here */

    /* Memory (all zero when memory profiling was off).  Adding two stats
     * sums everything except peak_mb and gpu_peak_mb, which take the max. */
    double malloc_mb;    /* MB allocated here (sampled estimate) */
    double python_mb;    /* of malloc_mb, MB through Python's allocators */
    double peak_mb;      /* highest live MB held by this site's allocations */
    double copy_mb;      /* MB copied by memcpy/memmove here */
    uint64_t n_mallocs;  /* sampled allocation events */

    /* GPU (all zero without a GPU) */
    double gpu_util_sum;   /* sum of GPU utilisation % over gpu_samples */
    double gpu_mem_sum_mb; /* sum of GPU memory MB over gpu_samples */
    double gpu_peak_mb;    /* highest GPU memory MB seen */
    uint64_t gpu_samples;  /* GPU polls charged here */
} ts_stats_t;

/* One point of a memory timeline. */
typedef struct ts_point {
    double t_s; /* seconds since the profile started */
    double mb;  /* footprint at that time */
} ts_point_t;

typedef struct ts_model_line {
    int lineno;      /* 1-based */
    char *text;      /* source text, no trailing newline; "" if unreadable */
    ts_stats_t st;
    ts_point_t *timeline;      /* this line's live MB over time (owned), or NULL */
    size_t n_timeline;
    double leak_likelihood;    /* 0..1; > 0 only for reported leaks */
    double leak_velocity_mb_s; /* growth rate of the leak */
    int selected;              /* in a selected function (see selected_only) */
} ts_model_line_t;

typedef struct ts_model_function {
    char *name;      /* qualified name (co_qualname, or co_name before 3.11) */
    int lineno;      /* first line (co_firstlineno) */
    int last_lineno; /* last line of the function seen in samples or source; >= lineno */
    ts_stats_t st;
    int selected;    /* chosen with @profile (see selected_only) */
} ts_model_function_t;

typedef struct ts_model_file {
    char *path;                      /* as the code object names it (co_filename) */
    ts_model_line_t *lines;          /* lines[i].lineno == i + 1, n_lines entries */
    size_t n_lines;
    size_t cap_lines;                /* internal */
    ts_model_function_t *functions;  /* sorted by lineno */
    size_t n_functions;
    size_t cap_functions;            /* internal */
    double hidden_s;                 /* time of lines that have no record here
                                        (a model read back from a reduced JSON
                                        profile); part of the file's time */
} ts_model_file_t;

typedef struct ts_model {
    /* run metadata */
    char *program;            /* path of the script, or "-m module" */
    char *entrypoint_dir;     /* directory of the script (the profiling root) */
    char **args;              /* argv of the program, n_args entries */
    size_t n_args;
    char *python_version;     /* e.g. "3.12.1" */
    char *triscope_version;   /* e.g. "0.1.0" */
    double elapsed_s;         /* profiled wall time */
    double start_time_absolute; /* epoch seconds at start */
    double start_time_perf;   /* perf_counter-like monotonic seconds at start */
    double sampling_interval_s; /* mean CPU sampling interval */
    int virtual_time;         /* 1: CPU time only, no system column data */
    int cpu_only;             /* 1: memory profiling was off */
    unsigned ncpus;           /* usable CPUs, for n_core_utilization */
    int selected_only;        /* 1: only selected lines and functions are
                                 reported (functions chosen with @profile) */

    /* totals */
    double total_s;           /* denominator of every percentage: all charged
                                 time (python + native + system over shown lines)
                                 plus unattributed CPU time */
    double unattributed_s;    /* CPU time in threads with no shown frame */
    uint64_t n_samples;       /* CPU samples taken */
    uint64_t n_dropped;       /* samples lost (ring full, unreadable frames) */
    unsigned n_threads;       /* Python threads seen */

    /* memory (memory == 0: none of these were measured) */
    int memory;
    double max_footprint_mb;          /* peak of the sampled live heap */
    double max_footprint_python_fraction;
    char *max_footprint_fname;        /* where the peak was reached (may be NULL) */
    int max_footprint_lineno;
    double growth_rate;               /* % growth of the footprint over the run */
    double native_allocations_mb;     /* MB allocated by threads with no Python frame */
    uint64_t alloc_samples;           /* sampled allocation/free events */
    ts_point_t *footprint;            /* global timeline (owned), n_footprint points */
    size_t n_footprint;

    /* GPU (gpu == 0: no GPU seen) */
    int gpu;
    char *gpu_device;                 /* e.g. "NVIDIA H200", or "" */
    char *gpu_mode;                   /* "per-process", "device", "absent", "unreadable" */

    ts_model_file_t *files;
    size_t n_files;
    size_t cap_files;         /* internal */
} ts_model_t;

/* Pointers returned by ts_model_add_file*, ts_model_line and
 * ts_model_function point into the model's arrays: a later call that adds a
 * file (respectively a line or function of the same file) may move them. */

/* Returns a zeroed model, or NULL on allocation failure. */
ts_model_t *ts_model_new(void);

/* Frees the model and everything it owns.  NULL is allowed. */
void ts_model_free(ts_model_t *m);

/* Duplicates s into *dst (freeing the old value).  s may be NULL (stores NULL).
 * Returns 0, or -1 on allocation failure. */
int ts_model_set_string(char **dst, const char *s);

/* Appends argv entries (copied).  Returns 0 or -1. */
int ts_model_set_args(ts_model_t *m, const char *const *argv, size_t argc);

/* Adds a file and loads its source text from disk (every line, 1..N).  If the
 * file cannot be read, it gets min_lines empty lines so that every line that
 * has statistics exists.  Returns the file, or NULL on allocation failure.
 * Adding the same path twice returns the existing file. */
ts_model_file_t *ts_model_add_file(ts_model_t *m, const char *path, int min_lines);

/* Same, but with the source given as text (for tests and notebooks). */
ts_model_file_t *ts_model_add_file_text(ts_model_t *m, const char *path,
                                        const char *source, int min_lines);

/* The file named path, or NULL if m has none. */
ts_model_file_t *ts_model_find_file(const ts_model_t *m, const char *path);

/* The line record for lineno in f, growing the file with empty lines if
 * lineno is past its end.  Returns NULL if lineno < 1 or on allocation
 * failure. */
ts_model_line_t *ts_model_line(ts_model_file_t *f, int lineno);

/* The function record (name, first line) in f, created if new.  Returns NULL
 * on allocation failure. */
ts_model_function_t *ts_model_function(ts_model_file_t *f, const char *name, int lineno);

/* Selects the function of file `path` that spans lines [first, last]: its
 * lines and every function starting in that span, and switches the model to
 * selected_only.  A file the model does not have is ignored. */
void ts_model_select(ts_model_t *m, const char *path, int first, int last);

/* Adds b into a. */
void ts_stats_add(ts_stats_t *a, const ts_stats_t *b);

/* python + native + system seconds. */
double ts_stats_total(const ts_stats_t *s);

/* Sorts functions by lineno and files by total time, descending. Call once
 * after building, before writing.  (Functions are in fact kept sorted by
 * (lineno, name) at all times; this also raises any last_lineno below its
 * lineno, and breaks ties between files by path.) */
void ts_model_finish(ts_model_t *m);

/* Sum of a file's line statistics. */
ts_stats_t ts_model_file_totals(const ts_model_file_t *f);

/* The file's time in seconds: python + native + system over its lines,
 * plus hidden_s. */
double ts_model_file_time(const ts_model_file_t *f);

/* seconds as a percentage of m->total_s; 0 if total_s is not positive. */
double ts_model_percent(const ts_model_t *m, double seconds);

/* The innermost function of f whose lines [lineno, last_lineno] contain
 * lineno, or NULL if none does.  Pre: functions sorted by lineno (always
 * true: ts_model_function keeps them so). */
const ts_model_function_t *ts_model_enclosing_function(const ts_model_file_t *f,
                                                       int lineno);

#endif

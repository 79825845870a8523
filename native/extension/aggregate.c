/* aggregate.c -- see aggregate.h. */
#include "aggregate.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

typedef struct agg_file {
    char *co_filename; /* as code objects name it */
    char *path;        /* absolute, symlinks resolved (or co_filename) */
    int shown;
    ts_stats_t *lines; /* indexed by line number; NULL if not shown */
    int n_lines;       /* allocated entries */
    int has_time;
} agg_file_t;

typedef struct agg_function {
    int file;
    char *name;
    int firstlineno;
    int last_lineno;
    ts_stats_t st;
} agg_function_t;

/* Owner: the GIL holder (the drain pass and the model builder). */
static const ts_filter_t *filter;
static agg_file_t *files;
static int n_files, cap_files;
static agg_function_t *functions;
static int n_functions, cap_functions;
static ts_hashmap_t function_index; /* (file, line | salt << 32) -> function */
static uint64_t unattributed_ns;

void
ts_agg_free(void)
{
    for (int i = 0; i < n_files; i++) {
        free(files[i].co_filename);
        free(files[i].path);
        free(files[i].lines);
    }
    free(files);
    for (int i = 0; i < n_functions; i++)
        free(functions[i].name);
    free(functions);
    ts_hashmap_clear(&function_index);
    files = NULL;
    functions = NULL;
    n_files = cap_files = n_functions = cap_functions = 0;
    unattributed_ns = 0;
}

void
ts_agg_reset(const ts_filter_t *f)
{
    ts_agg_free();
    filter = f;
}

static int
grow(void **array, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, (size_t)n * elem);
    if (!p)
        return -1;
    memset((char *)p + (size_t)*cap * elem, 0, (size_t)(n - *cap) * elem);
    *array = p;
    *cap = n;
    return 0;
}

int
ts_agg_file(const char *co_filename)
{
    for (int i = 0; i < n_files; i++) {
        if (strcmp(files[i].co_filename, co_filename) == 0)
            return i;
    }
    if (grow((void **)&files, &cap_files, n_files + 1, sizeof *files) < 0)
        return -1;
    agg_file_t *f = &files[n_files];
    memset(f, 0, sizeof *f);
    f->co_filename = strdup(co_filename);
    f->path = co_filename[0] == '<' ? NULL : realpath(co_filename, NULL);
    if (!f->path)
        f->path = strdup(co_filename);
    if (!f->co_filename || !f->path) {
        free(f->co_filename);
        free(f->path);
        return -1;
    }
    f->shown = filter ? ts_filter_shows(filter, f->path) : 0;
    return n_files++;
}

int
ts_agg_file_shown(int file)
{
    return file >= 0 && file < n_files && files[file].shown;
}

int
ts_agg_function(int file, const char *name, int firstlineno)
{
    uint64_t idx;
    for (uint64_t salt = 0;; salt++) {
        uint64_t key2 = (uint64_t)(uint32_t)firstlineno | (salt << 32);
        if (!ts_hashmap_get(&function_index, (uint64_t)file, key2, &idx))
            break;
        if (strcmp(functions[idx].name, name) == 0)
            return (int)idx;
    }
    if (grow((void **)&functions, &cap_functions, n_functions + 1, sizeof *functions) < 0)
        return -1;
    agg_function_t *fn = &functions[n_functions];
    memset(fn, 0, sizeof *fn);
    if (!(fn->name = strdup(name)))
        return -1;
    fn->file = file;
    fn->firstlineno = fn->last_lineno = firstlineno;
    uint64_t salt = 0, key2;
    while (ts_hashmap_get(&function_index, (uint64_t)file,
                          key2 = (uint64_t)(uint32_t)firstlineno | (salt << 32), &idx))
        salt++;
    if (ts_hashmap_put(&function_index, (uint64_t)file, key2, (uint64_t)n_functions) < 0) {
        free(fn->name);
        return -1;
    }
    return n_functions++;
}

static void
add_to(ts_stats_t *st, enum ts_charge_kind kind, double seconds)
{
    if (kind == TS_CHARGE_PYTHON)
        st->cpu_python_s += seconds;
    else if (kind == TS_CHARGE_NATIVE)
        st->cpu_native_s += seconds;
    else
        st->sys_s += seconds;
    if (kind != TS_CHARGE_SYSTEM)
        st->samples++;
}

/* The statistics of (file, line) and of func (or NULL), for one charge;
 * 0, or -1 if the line is not recorded (file not shown, bad line, no
 * memory).  Marks the file charged and extends the function's last line. */
static int
charge_targets(int file, int func, int line, ts_stats_t **line_st, ts_stats_t **func_st)
{
    if (file < 0 || file >= n_files || !files[file].shown || line < 1 || line == INT_MAX)
        return -1;
    agg_file_t *f = &files[file];
    if (grow((void **)&f->lines, &f->n_lines, line + 1, sizeof *f->lines) < 0)
        return -1;
    f->has_time = 1;
    *line_st = &f->lines[line];
    *func_st = NULL;
    if (func >= 0 && func < n_functions) {
        *func_st = &functions[func].st;
        if (line > functions[func].last_lineno)
            functions[func].last_lineno = line;
    }
    return 0;
}

void
ts_agg_charge(int file, int func, int line, enum ts_charge_kind kind, uint64_t ns)
{
    ts_stats_t *lst, *fst;
    if (charge_targets(file, func, line, &lst, &fst) < 0)
        return;
    double seconds = (double)ns * 1e-9;
    add_to(lst, kind, seconds);
    if (fst)
        add_to(fst, kind, seconds);
}

static void
add_gpu(ts_stats_t *st, double util_percent, double memory_mb)
{
    st->gpu_util_sum += util_percent;
    st->gpu_mem_sum_mb += memory_mb;
    if (memory_mb > st->gpu_peak_mb)
        st->gpu_peak_mb = memory_mb;
    st->gpu_samples++;
}

void
ts_agg_charge_gpu(int file, int func, int line, double util_percent, double memory_mb)
{
    ts_stats_t *lst, *fst;
    if (charge_targets(file, func, line, &lst, &fst) < 0)
        return;
    add_gpu(lst, util_percent, memory_mb);
    if (fst)
        add_gpu(fst, util_percent, memory_mb);
}

void
ts_agg_charge_unattributed(uint64_t ns)
{
    unattributed_ns += ns;
}

const char *
ts_agg_file_path(int file)
{
    return file >= 0 && file < n_files ? files[file].path : NULL;
}

void
ts_agg_function_info(int func, const char **name, int *firstlineno)
{
    *name = functions[func].name;
    *firstlineno = functions[func].firstlineno;
}

/* 1 if anything was charged to st. */
static int
charged(const ts_stats_t *st)
{
    return st->samples || st->gpu_samples || ts_stats_total(st) > 0;
}

int
ts_agg_build_model(ts_model_t *m)
{
    double total = 0;
    for (int i = 0; i < n_files; i++) {
        agg_file_t *f = &files[i];
        if (!f->shown || !f->has_time)
            continue;
        int max_line = 0;
        for (int line = 1; line < f->n_lines; line++) {
            if (charged(&f->lines[line]))
                max_line = line;
        }
        ts_model_file_t *mf = ts_model_add_file(m, f->path, max_line);
        if (!mf)
            return -1;
        for (int line = 1; line < f->n_lines; line++) {
            if (!charged(&f->lines[line]))
                continue;
            ts_model_line_t *ml = ts_model_line(mf, line);
            if (!ml)
                return -1;
            ts_stats_add(&ml->st, &f->lines[line]);
            total += ts_stats_total(&f->lines[line]);
        }
        for (int j = 0; j < n_functions; j++) {
            agg_function_t *fn = &functions[j];
            if (fn->file != i || !charged(&fn->st))
                continue;
            ts_model_function_t *mfn = ts_model_function(mf, fn->name, fn->firstlineno);
            if (!mfn)
                return -1;
            ts_stats_add(&mfn->st, &fn->st);
            if (fn->last_lineno > mfn->last_lineno)
                mfn->last_lineno = fn->last_lineno;
        }
    }
    m->unattributed_s = (double)unattributed_ns * 1e-9;
    m->total_s = total + m->unattributed_s;
    return 0;
}

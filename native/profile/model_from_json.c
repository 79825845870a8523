/* model_from_json.c -- see model_from_json.h for the contract.
 *
 * The reader is forgiving about values and strict about shape.  A key that
 * is missing or of the wrong type takes its neutral value (0, "", empty):
 * Scalene profiles lack the triscope object, older ones lack newer keys, and
 * a report is still worth drawing.  But the document must look like a
 * profile -- an object with an object "files" and a number
 * "elapsed_time_sec", every file record an object with a "lines" array,
 * every record an object with an integer "lineno" -- or it is refused, so
 * that `triscope view package.json` says "not a profile" instead of drawing
 * an empty report.
 *
 * Negative or absurd values (a percentage of -5, a fraction of 3) are
 * clamped into range rather than refused: they cannot come from triscope,
 * and clamping keeps every column of a report within its width.
 */
#include "model_from_json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct reader {
    ts_model_t *m;
    double scale;       /* seconds per percent: total / 100 */
    size_t lines_left;  /* TS_MODEL_JSON_MAX_LINES minus lines made so far */
    char *err;
    size_t errsize;
} reader_t;

/* Records a "not a profile" reason; returns -1. */
static int
refuse(reader_t *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!r->err || r->errsize == 0) {
        return -1;
    }
    n = snprintf(r->err, r->errsize, "not a triscope or Scalene profile: ");
    if (n >= 0 && (size_t)n < r->errsize) {
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int
out_of_memory(reader_t *r)
{
    errno = ENOMEM;
    if (r->err && r->errsize) {
        snprintf(r->err, r->errsize, "out of memory");
    }
    return -1;
}

/* A number member of obj, or def when absent or not a number. */
static double
num(const ts_jv_t *obj, const char *key, double def)
{
    const ts_jv_t *v = ts_jv_get(obj, key);
    return v && v->kind == TS_JV_NUMBER ? v->number : def;
}

/* A number member clamped to [lo, hi]. */
static double
num_in(const ts_jv_t *obj, const char *key, double lo, double hi)
{
    double v = num(obj, key, 0.0);
    return v < lo ? lo : v > hi ? hi : v;
}

/* A non-negative count member (integers beyond 2^53 are not exact anyway). */
static uint64_t
count(const ts_jv_t *obj, const char *key)
{
    double v = num(obj, key, 0.0);
    return v > 0.0 ? (v < 9.0e15 ? (uint64_t)v : (uint64_t)9.0e15) : 0;
}

/* A string member, or NULL when absent or not a string. */
static const char *
str(const ts_jv_t *obj, const char *key)
{
    const ts_jv_t *v = ts_jv_get(obj, key);
    return v && v->kind == TS_JV_STRING ? v->str : NULL;
}

static int
flag(const ts_jv_t *obj, const char *key)
{
    const ts_jv_t *v = ts_jv_get(obj, key);
    return v && v->kind == TS_JV_BOOL && v->boolean;
}

/* Copies a string member into *dst ("" when absent).  Returns 0 or -1. */
static int
set_str(reader_t *r, char **dst, const ts_jv_t *obj, const char *key)
{
    const char *s = str(obj, key);
    return ts_model_set_string(dst, s ? s : "") < 0 ? out_of_memory(r) : 0;
}

/* A line number member: an integer in [1, TS_MODEL_JSON_MAX_LINENO]. */
static int
lineno_of(reader_t *r, const ts_jv_t *rec, const char *what, int *out)
{
    const ts_jv_t *v = ts_jv_get(rec, "lineno");

    if (!v || v->kind != TS_JV_NUMBER || !v->is_integer || v->number < 1 ||
        v->number > TS_MODEL_JSON_MAX_LINENO) {
        return refuse(r, "a %s record has no valid \"lineno\"", what);
    }
    *out = (int)v->number;
    return 0;
}

/* Makes sure f has line lineno (pre: 1 <= lineno <= MAX_LINENO), within
 * the total line budget.  Returns the line or NULL (error recorded). */
static ts_model_line_t *
line_at(reader_t *r, ts_model_file_t *f, int lineno)
{
    ts_model_line_t *l;

    if ((size_t)lineno > f->n_lines) {
        size_t more = (size_t)lineno - f->n_lines;
        if (more > r->lines_left) {
            refuse(r, "more lines than a profile can hold");
            return NULL;
        }
        r->lines_left -= more;
    }
    l = ts_model_line(f, lineno);
    if (!l) {
        out_of_memory(r);
    }
    return l;
}

/* Reads a [[ns, MB], ...] timeline into *out (malloc'd) and *n.  Entries
 * that are not pairs of numbers are skipped.  Returns 0 or -1. */
static int
read_timeline(reader_t *r, const ts_jv_t *arr, ts_point_t **out, size_t *n)
{
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (!arr || arr->kind != TS_JV_ARRAY || arr->n == 0) {
        return 0;
    }
    *out = malloc(arr->n * sizeof **out);
    if (!*out) {
        return out_of_memory(r);
    }
    for (size_t i = 0; i < arr->n; i++) {
        const ts_jv_t *p = &arr->items[i];
        if (p->kind != TS_JV_ARRAY || p->n < 2 || p->items[0].kind != TS_JV_NUMBER ||
            p->items[1].kind != TS_JV_NUMBER) {
            continue;
        }
        (*out)[k].t_s = p->items[0].number / 1e9;
        (*out)[k].mb = p->items[1].number > 0.0 ? p->items[1].number : 0.0;
        k++;
    }
    *n = k;
    if (k == 0) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

/* The statistics of a line or function record. */
static ts_stats_t
stats_of(const reader_t *r, const ts_jv_t *rec)
{
    ts_stats_t st;
    double gpu = num_in(rec, "n_gpu_percent", 0.0, 100.0);
    double gpu_avg = num_in(rec, "n_gpu_avg_memory_mb", 0.0, HUGE_VAL);
    double gpu_peak = num_in(rec, "n_gpu_peak_memory_mb", 0.0, HUGE_VAL);

    memset(&st, 0, sizeof st);
    st.cpu_python_s = num_in(rec, "n_cpu_percent_python", 0.0, 100.0) * r->scale;
    st.cpu_native_s = num_in(rec, "n_cpu_percent_c", 0.0, 100.0) * r->scale;
    st.sys_s = num_in(rec, "n_sys_percent", 0.0, 100.0) * r->scale;
    st.malloc_mb = num_in(rec, "n_malloc_mb", 0.0, HUGE_VAL);
    st.python_mb = st.malloc_mb * num_in(rec, "n_python_fraction", 0.0, 1.0);
    st.peak_mb = num_in(rec, "n_peak_mb", 0.0, HUGE_VAL);
    st.copy_mb = num_in(rec, "n_copy_mb_s", 0.0, HUGE_VAL) * r->m->elapsed_s;
    st.n_mallocs = count(rec, "n_mallocs");
    if (gpu > 0.0 || gpu_avg > 0.0 || gpu_peak > 0.0) {
        st.gpu_samples = 1;
        st.gpu_util_sum = gpu;
        st.gpu_mem_sum_mb = gpu_avg;
        st.gpu_peak_mb = gpu_peak;
    }
    return st;
}

static int
read_lines(reader_t *r, ts_model_file_t *f, const ts_jv_t *lines)
{
    for (size_t i = 0; i < lines->n; i++) {
        const ts_jv_t *rec = &lines->items[i];
        const char *text;
        ts_model_line_t *l;
        int lineno = 0;

        if (rec->kind != TS_JV_OBJECT) {
            return refuse(r, "a line record is not an object");
        }
        if (lineno_of(r, rec, "line", &lineno) < 0 || !(l = line_at(r, f, lineno))) {
            return -1;
        }
        text = str(rec, "line");
        if (text && ts_model_set_string(&l->text, text) < 0) {
            return out_of_memory(r);
        }
        l->st = stats_of(r, rec);
        l->selected = 1; /* listed: with selected_only, exactly these */
        free(l->timeline);
        if (read_timeline(r, ts_jv_get(rec, "memory_samples"), &l->timeline,
                          &l->n_timeline) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
read_functions(reader_t *r, ts_model_file_t *f, const ts_jv_t *fns)
{
    if (!fns || fns->kind != TS_JV_ARRAY) {
        return 0;
    }
    for (size_t i = 0; i < fns->n; i++) {
        const ts_jv_t *rec = &fns->items[i];
        ts_model_function_t *fn;
        const char *name;
        int lineno = 0;

        if (rec->kind != TS_JV_OBJECT) {
            return refuse(r, "a function record is not an object");
        }
        if (lineno_of(r, rec, "function", &lineno) < 0) {
            return -1;
        }
        name = str(rec, "line");
        fn = ts_model_function(f, name ? name : "", lineno);
        if (!fn) {
            return out_of_memory(r);
        }
        fn->st = stats_of(r, rec);
        fn->selected = 1;
        fn->last_lineno = (int)num_in(rec, "end_function_line", lineno,
                                      TS_MODEL_JSON_MAX_LINENO);
    }
    return 0;
}

/* "leaks": {"<lineno>": {"likelihood": x, "velocity_mb_s": y}}. */
static int
read_leaks(reader_t *r, ts_model_file_t *f, const ts_jv_t *leaks)
{
    if (!leaks || leaks->kind != TS_JV_OBJECT) {
        return 0;
    }
    for (size_t i = 0; i < leaks->n; i++) {
        const ts_jv_member_t *mb = &leaks->members[i];
        char *end;
        long lineno = strtol(mb->key, &end, 10);
        ts_model_line_t *l;

        if (end == mb->key || *end != '\0' || lineno < 1 ||
            lineno > TS_MODEL_JSON_MAX_LINENO || mb->value.kind != TS_JV_OBJECT) {
            continue; /* not a leak entry we understand */
        }
        if (!(l = line_at(r, f, (int)lineno))) {
            return -1;
        }
        l->leak_likelihood = num_in(&mb->value, "likelihood", 0.0, 1.0);
        l->leak_velocity_mb_s = num(&mb->value, "velocity_mb_s", 0.0);
    }
    return 0;
}

static int
read_file(reader_t *r, const ts_jv_member_t *entry, const ts_jv_t *extra)
{
    const ts_jv_t *rec = &entry->value, *lines;
    ts_model_file_t *f;
    double n_lines, line_s, file_s;

    if (rec->kind != TS_JV_OBJECT) {
        return refuse(r, "file record of \"%.200s\" is not an object", entry->key);
    }
    lines = ts_jv_get(rec, "lines");
    if (!lines || lines->kind != TS_JV_ARRAY) {
        return refuse(r, "file record of \"%.200s\" has no \"lines\" array", entry->key);
    }
    f = ts_model_add_file_text(r->m, entry->key, "", 0);
    if (!f) {
        return out_of_memory(r);
    }
    if (f->n_lines > 0 || f->n_functions > 0) {
        return refuse(r, "file \"%.200s\" appears twice", entry->key);
    }
    n_lines = num_in(ts_jv_get(extra, entry->key), "n_lines", 0.0,
                     TS_MODEL_JSON_MAX_LINENO);
    if (n_lines >= 1.0 && !line_at(r, f, (int)n_lines)) {
        return -1;
    }
    if (read_lines(r, f, lines) < 0 || read_functions(r, f, ts_jv_get(rec, "functions")) < 0 ||
        read_leaks(r, f, ts_jv_get(rec, "leaks")) < 0) {
        return -1;
    }
    /* What the file's share says beyond its lines was in lines a reduced
     * profile left out. */
    line_s = ts_model_file_time(f);
    file_s = num_in(rec, "percent_cpu_time", 0.0, 100.0) * r->scale;
    f->hidden_s = file_s > line_s * (1.0 + 1e-9) + 1e-12 ? file_s - line_s : 0.0;
    return 0;
}

/* Run metadata: the top level and the triscope object (tri, maybe NULL). */
static int
read_metadata(reader_t *r, const ts_jv_t *root, const ts_jv_t *tri)
{
    ts_model_t *m = r->m;
    const ts_jv_t *args = ts_jv_get(root, "args");
    const char *mode = str(tri, "mode");

    if (set_str(r, &m->program, root, "program") < 0 ||
        set_str(r, &m->entrypoint_dir, root, "entrypoint_dir") < 0 ||
        set_str(r, &m->python_version, tri, "python_version") < 0 ||
        set_str(r, &m->triscope_version, tri, "version") < 0 ||
        set_str(r, &m->max_footprint_fname, root, "max_footprint_fname") < 0 ||
        set_str(r, &m->gpu_device, tri, "gpu_name") < 0 ||
        set_str(r, &m->gpu_mode, tri, "gpu_mode") < 0) {
        return -1;
    }
    if (args && args->kind == TS_JV_ARRAY) {
        for (size_t i = 0; i < args->n; i++) {
            const char *a = args->items[i].kind == TS_JV_STRING ? args->items[i].str : "";
            if (ts_model_set_args(m, &a, 1) < 0) {
                return out_of_memory(r);
            }
        }
    }
    m->elapsed_s = num_in(root, "elapsed_time_sec", 0.0, HUGE_VAL);
    m->start_time_absolute = num(root, "start_time_absolute", 0.0);
    m->start_time_perf = num(root, "start_time_perf", 0.0);
    m->virtual_time = mode && strcmp(mode, "virtual") == 0;
    m->cpu_only = flag(tri, "cpu_only");
    m->selected_only = flag(tri, "selected_only");
    m->memory = flag(root, "memory");
    m->max_footprint_mb = num_in(root, "max_footprint_mb", 0.0, HUGE_VAL);
    m->max_footprint_python_fraction = num_in(root, "max_footprint_python_fraction", 0.0, 1.0);
    m->max_footprint_lineno = (int)num_in(root, "max_footprint_lineno", 0.0,
                                          TS_MODEL_JSON_MAX_LINENO);
    m->growth_rate = num(root, "growth_rate", 0.0);
    m->native_allocations_mb = num_in(root, "native_allocations_mb", 0.0, HUGE_VAL);
    m->alloc_samples = count(root, "alloc_samples");
    m->gpu = flag(root, "gpu");
    if (read_timeline(r, ts_jv_get(root, "samples"), &m->footprint, &m->n_footprint) < 0) {
        return -1;
    }
    if (tri) {
        m->sampling_interval_s = num_in(tri, "sampling_interval_s", 0.0, HUGE_VAL);
        m->total_s = num_in(tri, "total_time_s", 0.0, HUGE_VAL);
        m->unattributed_s = num_in(tri, "unattributed_s", 0.0, HUGE_VAL);
        m->n_samples = count(tri, "n_samples");
        m->n_dropped = count(tri, "n_dropped");
        m->n_threads = (unsigned)num_in(tri, "n_threads", 0.0, 1e9);
        m->ncpus = (unsigned)num_in(tri, "ncpus", 0.0, 1e9);
    }
    else {
        /* Scalene: percentages of the whole run; no sample count. */
        m->total_s = m->elapsed_s;
        m->n_samples = m->elapsed_s > 0.0 ? 1 : 0;
    }
    r->scale = m->total_s / 100.0;
    return 0;
}

ts_model_t *
ts_model_from_json(const ts_jv_t *root, char *err, size_t errsize)
{
    reader_t r;
    const ts_jv_t *files, *tri, *elapsed, *version, *extra;

    memset(&r, 0, sizeof r);
    r.err = err;
    r.errsize = errsize;
    r.lines_left = TS_MODEL_JSON_MAX_LINES;
    if (err && errsize) {
        err[0] = '\0';
    }
    if (!root || root->kind != TS_JV_OBJECT) {
        refuse(&r, "the document is not a JSON object");
        return NULL;
    }
    files = ts_jv_get(root, "files");
    elapsed = ts_jv_get(root, "elapsed_time_sec");
    if (!files || files->kind != TS_JV_OBJECT || !elapsed || elapsed->kind != TS_JV_NUMBER) {
        refuse(&r, "no \"files\" object or \"elapsed_time_sec\" number");
        return NULL;
    }
    tri = ts_jv_get(root, "triscope");
    if (tri && tri->kind != TS_JV_OBJECT) {
        refuse(&r, "\"triscope\" is not an object");
        return NULL;
    }
    version = ts_jv_get(tri, "schema_version");
    if (tri && (!version || version->kind != TS_JV_NUMBER || version->number < 1)) {
        refuse(&r, "no valid triscope.schema_version");
        return NULL;
    }
    if (version && version->number > TS_JSON_SCHEMA_VERSION) {
        if (err && errsize) {
            snprintf(err, errsize, "the profile has schema version %.0f; this triscope "
                     "reads up to %d: upgrade triscope", version->number,
                     TS_JSON_SCHEMA_VERSION);
        }
        return NULL;
    }
    r.m = ts_model_new();
    if (!r.m) {
        out_of_memory(&r);
        return NULL;
    }
    extra = ts_jv_get(tri, "files");
    if (read_metadata(&r, root, tri) < 0) {
        goto fail;
    }
    for (size_t i = 0; i < files->n; i++) {
        if (read_file(&r, &files->members[i], extra) < 0) {
            goto fail;
        }
    }
    /* Files stay in the document's order (the writer's: most time first);
     * only the function spans need fixing, as ts_model_finish would. */
    for (size_t i = 0; i < r.m->n_files; i++) {
        ts_model_file_t *f = &r.m->files[i];
        for (size_t k = 0; k < f->n_functions; k++) {
            if (f->functions[k].last_lineno < f->functions[k].lineno) {
                f->functions[k].last_lineno = f->functions[k].lineno;
            }
        }
    }
    return r.m;
fail:
    ts_model_free(r.m);
    return NULL;
}

ts_model_t *
ts_model_from_json_text(const char *text, size_t len, char *err, size_t errsize)
{
    char why[160];
    ts_jv_doc_t *doc = ts_jv_parse(text, len, why, sizeof why);
    ts_model_t *m;

    if (!doc) {
        if (err && errsize) {
            if (errno == ENOMEM && strcmp(why, "out of memory") == 0) {
                snprintf(err, errsize, "out of memory");
            }
            else {
                snprintf(err, errsize, "not valid JSON (%s)", why);
            }
        }
        return NULL;
    }
    m = ts_model_from_json(ts_jv_root(doc), err, errsize);
    ts_jv_free(doc);
    return m;
}

/* report_json.c -- the model as a Scalene-compatible JSON profile.
 *
 * Scalene's viewers and tools read a fixed set of keys (research/scalene.md
 * §6.1); this writer emits all of them, with neutral values (0, false, [],
 * "") for what triscope does not measure yet (memory, GPU, async), so those
 * tools open a triscope profile unchanged.  What triscope knows beyond that
 * lives under the top-level "triscope" key, versioned by
 * TS_JSON_SCHEMA_VERSION.  docs/json-schema.md documents every key; keep the
 * two in step.
 *
 * Percentages are seconds / model->total_s * 100 (see profile_model.h).
 * Line and function records share one writer (write_record), which is why a
 * function record carries the region fields too.
 */
#include "report.h"

#include <errno.h>

#include "json_writer.h"

/* Writes an empty array under key (a Scalene field triscope leaves empty). */
static void
kv_empty_array(ts_json_t *j, const char *key)
{
    ts_json_key(j, key);
    ts_json_begin_array(j);
    ts_json_end_array(j);
}

/* Writes 0.0 under each of the n keys. */
static void
kv_zeros(ts_json_t *j, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ts_json_kv_double(j, keys[i], 0.0);
    }
}

/* One line or function record.  text is the source line or the function's
 * name; fn_first..fn_last the enclosing function's lines. */
static void
write_record(ts_json_t *j, const ts_model_t *m, int lineno, const char *text,
             const ts_stats_t *st, int fn_first, int fn_last)
{
    double cpu = st->cpu_python_s + st->cpu_native_s;
    double all = cpu + st->sys_s;
    unsigned ncpus = m->ncpus ? m->ncpus : 1;
    /* memory, GPU and copy metrics: not measured yet */
    static const char *const before_mallocs[] = {
        "n_gpu_percent", "n_gpu_avg_memory_mb", "n_gpu_peak_memory_mb", "n_malloc_mb",
    };
    static const char *const after_mallocs[] = {
        "n_avg_mb", "n_peak_mb", "n_growth_mb", "n_usage_fraction", "n_python_fraction",
    };

    ts_json_begin_object(j);
    ts_json_kv_int(j, "lineno", lineno);
    ts_json_kv_string(j, "line", text);
    ts_json_kv_double(j, "n_cpu_percent_python", ts_model_percent(m, st->cpu_python_s));
    ts_json_kv_double(j, "n_cpu_percent_c", ts_model_percent(m, st->cpu_native_s));
    ts_json_kv_double(j, "n_sys_percent", ts_model_percent(m, st->sys_s));
    ts_json_kv_double(j, "n_core_utilization", all > 0.0 ? cpu / all / ncpus : 0.0);
    kv_empty_array(j, "cpu_samples_list");
    kv_zeros(j, before_mallocs, sizeof before_mallocs / sizeof before_mallocs[0]);
    ts_json_kv_int(j, "n_mallocs", 0); /* a count: an integer, as in Scalene */
    kv_zeros(j, after_mallocs, sizeof after_mallocs / sizeof after_mallocs[0]);
    kv_empty_array(j, "memory_samples");
    ts_json_kv_double(j, "n_copy_mb_s", 0.0);
    ts_json_kv_int(j, "start_region_line", lineno);
    ts_json_kv_int(j, "end_region_line", lineno);
    ts_json_kv_int(j, "start_outermost_loop", lineno);
    ts_json_kv_int(j, "end_outermost_loop", lineno);
    ts_json_kv_int(j, "start_function_line", fn_first);
    ts_json_kv_int(j, "end_function_line", fn_last);
    ts_json_end_object(j);
}

static void
write_file(ts_json_t *j, const ts_model_t *m, const ts_report_opts_t *o,
           const ts_model_file_t *f)
{
    ts_stats_t tot = ts_model_file_totals(f);

    ts_json_key(j, f->path);
    ts_json_begin_object(j);
    ts_json_kv_double(j, "percent_cpu_time", ts_model_percent(m, ts_stats_total(&tot)));

    ts_json_key(j, "lines");
    ts_json_begin_array(j);
    for (size_t i = 0; i < f->n_lines; i++) {
        const ts_model_line_t *l = &f->lines[i];
        const ts_model_function_t *fn;
        if (!ts_report_shown(m, o, &l->st)) {
            continue;
        }
        fn = ts_model_enclosing_function(f, l->lineno);
        write_record(j, m, l->lineno, l->text, &l->st,
                     fn ? fn->lineno : l->lineno, fn ? fn->last_lineno : l->lineno);
    }
    ts_json_end_array(j);

    ts_json_key(j, "functions");
    ts_json_begin_array(j);
    for (size_t i = 0; i < f->n_functions; i++) {
        const ts_model_function_t *fn = &f->functions[i];
        if (ts_report_shown(m, o, &fn->st)) {
            write_record(j, m, fn->lineno, fn->name, &fn->st, fn->lineno,
                         fn->last_lineno);
        }
    }
    ts_json_end_array(j);

    ts_json_key(j, "leaks");
    ts_json_begin_object(j);
    ts_json_end_object(j);
    kv_empty_array(j, "imports");
    ts_json_end_object(j);
}

/* The "triscope" object: what Scalene's schema has no place for. */
static void
write_triscope(ts_json_t *j, const ts_model_t *m)
{
    ts_json_key(j, "triscope");
    ts_json_begin_object(j);
    ts_json_kv_int(j, "schema_version", TS_JSON_SCHEMA_VERSION);
    ts_json_kv_string(j, "version", m->triscope_version);
    ts_json_kv_string(j, "python_version", m->python_version);
    ts_json_kv_string(j, "mode", m->virtual_time ? "virtual" : "wall");
    ts_json_kv_double(j, "sampling_interval_s", m->sampling_interval_s);
    ts_json_kv_double(j, "total_time_s", m->total_s);
    ts_json_kv_double(j, "unattributed_s", m->unattributed_s);
    ts_json_kv_uint(j, "n_samples", m->n_samples);
    ts_json_kv_uint(j, "n_dropped", m->n_dropped);
    ts_json_kv_uint(j, "n_threads", m->n_threads);
    ts_json_kv_uint(j, "ncpus", m->ncpus);
    ts_json_end_object(j);
}

int
ts_report_json(const ts_model_t *m, const ts_report_opts_t *o, FILE *out)
{
    ts_report_opts_t opts = ts_report_opts_resolve(o);
    ts_json_t j;
    int rc;

    ts_json_init(&j, out);
    ts_json_begin_object(&j);
    ts_json_kv_string(&j, "program", m->program);
    ts_json_kv_string(&j, "filename", m->entrypoint_dir);
    ts_json_kv_string(&j, "entrypoint_dir", m->entrypoint_dir);
    ts_json_key(&j, "args");
    ts_json_begin_array(&j);
    for (size_t i = 0; i < m->n_args; i++) {
        ts_json_string(&j, m->args[i]);
    }
    ts_json_end_array(&j);
    ts_json_kv_double(&j, "elapsed_time_sec", m->elapsed_s);
    ts_json_kv_double(&j, "start_time_absolute", m->start_time_absolute);
    ts_json_kv_double(&j, "start_time_perf", m->start_time_perf);
    ts_json_kv_int(&j, "alloc_samples", 0);
    ts_json_kv_double(&j, "max_footprint_mb", 0.0);
    ts_json_kv_double(&j, "max_footprint_python_fraction", 0.0);
    ts_json_kv_string(&j, "max_footprint_fname", "");
    ts_json_kv_int(&j, "max_footprint_lineno", 0);
    ts_json_kv_double(&j, "growth_rate", 0.0);
    ts_json_kv_double(&j, "native_allocations_mb", 0.0);
    kv_empty_array(&j, "samples");
    ts_json_kv_bool(&j, "memory", 0);
    ts_json_kv_bool(&j, "gpu", 0);
    ts_json_kv_string(&j, "gpu_device", "");
    ts_json_kv_bool(&j, "async_profile", 0);
    kv_empty_array(&j, "stacks");
    ts_json_key(&j, "files");
    ts_json_begin_object(&j);
    for (size_t i = 0; i < m->n_files; i++) {
        write_file(&j, m, &opts, &m->files[i]);
    }
    ts_json_end_object(&j);
    write_triscope(&j, m);
    ts_json_end_object(&j);
    rc = ts_json_finish(&j);
    putc('\n', out);
    if (fflush(out) != 0 || ferror(out)) {
        return -1; /* errno set by stdio */
    }
    if (rc < 0) {
        errno = EINVAL; /* a bug here: unbalanced writer calls */
        return -1;
    }
    return 0;
}

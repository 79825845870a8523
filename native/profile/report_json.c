/* report_json.c -- the model as a Scalene-compatible JSON profile.
 *
 * Scalene's viewers and tools read a fixed set of keys (the top-level,
 * file, line and function keys of Scalene's own JSON output, listed in
 * docs/json-schema.md); this writer emits all of them, with neutral values (0, false, [],
 * "") for what triscope does not measure (async, stacks) or did not measure
 * in this run (memory, GPU: the model's fields are then zero), so those
 * tools open a triscope profile unchanged.  The text and HTML reports are
 * drawn from this JSON (model_from_json.h), so everything they show must
 * be written here.  What triscope knows beyond that
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

/* Writes a timeline as [[ns since the start, MB], ...] (Scalene's form). */
static void
kv_timeline(ts_json_t *j, const char *key, const ts_point_t *pts, size_t n)
{
    ts_json_key(j, key);
    ts_json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        double ns = pts[i].t_s * 1e9;
        ts_json_begin_array(j);
        ts_json_int(j, ns > 0.0 ? (ns < 9.0e18 ? (int64_t)(ns + 0.5) : INT64_MAX) : 0);
        ts_json_double(j, pts[i].mb);
        ts_json_end_array(j);
    }
    ts_json_end_array(j);
}

/* One line or function record.  text is the source line or the function's
 * name; fn_first..fn_last the enclosing function's lines; line the line's
 * record (for its timeline) or NULL for a function; all_mb the MB
 * allocated over every line of the profile. */
static void
write_record(ts_json_t *j, const ts_model_t *m, int lineno, const char *text,
             const ts_stats_t *st, int fn_first, int fn_last,
             const ts_model_line_t *line, double all_mb)
{
    double cpu = st->cpu_python_s + st->cpu_native_s;
    double all = cpu + st->sys_s;
    unsigned ncpus = m->ncpus ? m->ncpus : 1;
    double gpu_n = st->gpu_samples ? (double)st->gpu_samples : 1.0;

    ts_json_begin_object(j);
    ts_json_kv_int(j, "lineno", lineno);
    ts_json_kv_string(j, "line", text);
    ts_json_kv_double(j, "n_cpu_percent_python", ts_model_percent(m, st->cpu_python_s));
    ts_json_kv_double(j, "n_cpu_percent_c", ts_model_percent(m, st->cpu_native_s));
    ts_json_kv_double(j, "n_sys_percent", ts_model_percent(m, st->sys_s));
    ts_json_kv_double(j, "n_core_utilization", all > 0.0 ? cpu / all / ncpus : 0.0);
    kv_empty_array(j, "cpu_samples_list");
    ts_json_kv_double(j, "n_gpu_percent", st->gpu_util_sum / gpu_n);
    ts_json_kv_double(j, "n_gpu_avg_memory_mb", st->gpu_mem_sum_mb / gpu_n);
    ts_json_kv_double(j, "n_gpu_peak_memory_mb", st->gpu_peak_mb);
    ts_json_kv_double(j, "n_malloc_mb", st->malloc_mb);
    ts_json_kv_uint(j, "n_mallocs", st->n_mallocs); /* a count: an integer, as in Scalene */
    ts_json_kv_double(j, "n_avg_mb",
                      st->n_mallocs ? st->malloc_mb / (double)st->n_mallocs : 0.0);
    ts_json_kv_double(j, "n_peak_mb", st->peak_mb);
    ts_json_kv_double(j, "n_growth_mb", st->peak_mb);
    ts_json_kv_double(j, "n_usage_fraction", all_mb > 0.0 ? st->malloc_mb / all_mb : 0.0);
    ts_json_kv_double(j, "n_python_fraction",
                      st->malloc_mb > 0.0 ? st->python_mb / st->malloc_mb : 0.0);
    kv_timeline(j, "memory_samples", line ? line->timeline : NULL, line ? line->n_timeline : 0);
    ts_json_kv_double(j, "n_copy_mb_s", m->elapsed_s > 0.0 ? st->copy_mb / m->elapsed_s : 0.0);
    ts_json_kv_int(j, "start_region_line", lineno);
    ts_json_kv_int(j, "end_region_line", lineno);
    ts_json_kv_int(j, "start_outermost_loop", lineno);
    ts_json_kv_int(j, "end_outermost_loop", lineno);
    ts_json_kv_int(j, "start_function_line", fn_first);
    ts_json_kv_int(j, "end_function_line", fn_last);
    ts_json_end_object(j);
}

/* MB allocated over every line of the profile. */
static double
total_malloc_mb(const ts_model_t *m)
{
    double mb = 0.0;
    for (size_t i = 0; i < m->n_files; i++) {
        ts_stats_t t = ts_model_file_totals(&m->files[i]);
        mb += t.malloc_mb;
    }
    return mb;
}

/* The file's suspected leaks: {"<lineno>": {likelihood, velocity_mb_s}}. */
static void
write_leaks(ts_json_t *j, const ts_model_t *m, const ts_model_file_t *f)
{
    ts_json_key(j, "leaks");
    ts_json_begin_object(j);
    for (size_t i = 0; i < f->n_lines; i++) {
        const ts_model_line_t *l = &f->lines[i];
        char key[16];
        if (!(l->leak_likelihood > 0.0) || (m->selected_only && !l->selected)) {
            continue;
        }
        snprintf(key, sizeof key, "%d", l->lineno);
        ts_json_key(j, key);
        ts_json_begin_object(j);
        ts_json_kv_double(j, "likelihood", l->leak_likelihood);
        ts_json_kv_double(j, "velocity_mb_s", l->leak_velocity_mb_s);
        ts_json_end_object(j);
    }
    ts_json_end_object(j);
}

static void
write_file(ts_json_t *j, const ts_model_t *m, const ts_report_opts_t *o,
           const ts_model_file_t *f, double all_mb)
{
    ts_json_key(j, f->path);
    ts_json_begin_object(j);
    ts_json_kv_double(j, "percent_cpu_time", ts_model_percent(m, ts_model_file_time(f)));

    ts_json_key(j, "lines");
    ts_json_begin_array(j);
    for (size_t i = 0; i < f->n_lines; i++) {
        const ts_model_line_t *l = &f->lines[i];
        const ts_model_function_t *fn;
        if (!ts_report_line_shown(m, o, l)) {
            continue;
        }
        fn = ts_model_enclosing_function(f, l->lineno);
        write_record(j, m, l->lineno, l->text, &l->st,
                     fn ? fn->lineno : l->lineno, fn ? fn->last_lineno : l->lineno, l,
                     all_mb);
    }
    ts_json_end_array(j);

    ts_json_key(j, "functions");
    ts_json_begin_array(j);
    for (size_t i = 0; i < f->n_functions; i++) {
        const ts_model_function_t *fn = &f->functions[i];
        if (ts_report_function_shown(m, o, fn)) {
            write_record(j, m, fn->lineno, fn->name, &fn->st, fn->lineno,
                         fn->last_lineno, NULL, all_mb);
        }
    }
    ts_json_end_array(j);

    write_leaks(j, m, f);
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
    if (m->selected_only) {
        ts_json_kv_bool(j, "selected_only", 1);
    }
    ts_json_kv_string(j, "mode", m->virtual_time ? "virtual" : "wall");
    ts_json_kv_double(j, "sampling_interval_s", m->sampling_interval_s);
    ts_json_kv_double(j, "total_time_s", m->total_s);
    ts_json_kv_double(j, "unattributed_s", m->unattributed_s);
    ts_json_kv_uint(j, "n_samples", m->n_samples);
    ts_json_kv_uint(j, "n_dropped", m->n_dropped);
    ts_json_kv_uint(j, "n_threads", m->n_threads);
    ts_json_kv_uint(j, "ncpus", m->ncpus);
    ts_json_kv_bool(j, "cpu_only", m->cpu_only);
    ts_json_kv_string(j, "gpu_name", m->gpu ? m->gpu_device : "");
    ts_json_kv_string(j, "gpu_mode", m->gpu_mode ? m->gpu_mode : "");
    /* what the Scalene file records have no place for */
    ts_json_key(j, "files");
    ts_json_begin_object(j);
    for (size_t i = 0; i < m->n_files; i++) {
        if (!ts_report_file_selected(m, &m->files[i])) {
            continue;
        }
        ts_json_key(j, m->files[i].path);
        ts_json_begin_object(j);
        ts_json_kv_uint(j, "n_lines", m->files[i].n_lines);
        ts_json_end_object(j);
    }
    ts_json_end_object(j);
    ts_json_end_object(j);
}

int
ts_report_json(const ts_model_t *m, const ts_report_opts_t *o, FILE *out)
{
    ts_report_opts_t opts = ts_report_opts_resolve(o);
    double all_mb = total_malloc_mb(m);
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
    ts_json_kv_uint(&j, "alloc_samples", m->alloc_samples);
    ts_json_kv_double(&j, "max_footprint_mb", m->max_footprint_mb);
    ts_json_kv_double(&j, "max_footprint_python_fraction", m->max_footprint_python_fraction);
    ts_json_kv_string(&j, "max_footprint_fname", m->max_footprint_fname);
    ts_json_kv_int(&j, "max_footprint_lineno", m->max_footprint_lineno);
    ts_json_kv_double(&j, "growth_rate", m->growth_rate);
    ts_json_kv_double(&j, "native_allocations_mb", m->native_allocations_mb);
    kv_timeline(&j, "samples", m->footprint, m->n_footprint);
    ts_json_kv_bool(&j, "memory", m->memory);
    ts_json_kv_bool(&j, "gpu", m->gpu);
    ts_json_kv_string(&j, "gpu_device", m->gpu ? "GPU" : "");
    ts_json_kv_bool(&j, "async_profile", 0);
    kv_empty_array(&j, "stacks");
    ts_json_key(&j, "files");
    ts_json_begin_object(&j);
    for (size_t i = 0; i < m->n_files; i++) {
        if (ts_report_file_selected(m, &m->files[i])) {
            write_file(&j, m, &opts, &m->files[i], all_mb);
        }
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

/* profile_merge.c -- see profile_merge.h for the rules; docs/merge.md for
 * the reasons.
 *
 * Time base.  Each profile's timelines count seconds from its own
 * start_time_absolute.  The merged profile starts at the earlier of the
 * two starts, so the later run's points move right by the difference of
 * the starts (and, when src started first, every dst timeline moves).
 * When either start is unknown (0: a Scalene profile, a hand-built model)
 * both runs are taken to have started together.  A run that ended before
 * the other drops to 0 in the summed timelines when it ended; the run that
 * ends last keeps its last value, as a single profile does.
 *
 * Order of work: names, then files (statistics), then every line's
 * timeline, then the footprint, then totals.  Each step leaves the model
 * valid, so an allocation failure part way leaves dst usable.
 */
#include "profile_merge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "timeline_sum.h"

/* Runs that end within this many seconds of the later end end with it
 * (the starts and lengths went through JSON and back). */
#define SAME_END_S 1e-6

/* The two runs on the common time base (seconds since the earlier start). */
typedef struct span {
    double off_dst, off_src; /* when each run started */
    double end_dst, end_src; /* when each ended; INFINITY for the last one */
    double elapsed_s;        /* the span covering both */
} span_t;

static span_t
plan_span(const ts_model_t *dst, const ts_model_t *src)
{
    span_t s;

    memset(&s, 0, sizeof s);
    if (dst->start_time_absolute > 0.0 && src->start_time_absolute > 0.0) {
        double d = src->start_time_absolute - dst->start_time_absolute;
        if (d > 0.0) {
            s.off_src = d;
        }
        else {
            s.off_dst = -d;
        }
    }
    s.end_dst = s.off_dst + dst->elapsed_s;
    s.end_src = s.off_src + src->elapsed_s;
    s.elapsed_s = s.end_dst > s.end_src ? s.end_dst : s.end_src;
    if (s.end_dst >= s.elapsed_s - SAME_END_S) {
        s.end_dst = INFINITY;
    }
    if (s.end_src >= s.elapsed_s - SAME_END_S) {
        s.end_src = INFINITY;
    }
    return s;
}

/* Replaces dst's timeline *pts (*n points) by its sum with src's
 * sp[0..sn).  Returns 0 or -1 (the old timeline kept). */
static int
sum_timeline(ts_point_t **pts, size_t *n, const ts_point_t *sp, size_t sn, const span_t *s)
{
    ts_step_t a = {*pts, *n, s->off_dst, s->end_dst};
    ts_step_t b = {sp, sn, s->off_src, s->end_src};
    size_t limit = TS_TIMELINE_MAX, k;
    ts_point_t *out;

    if (sn == 0 && (*n == 0 || (s->off_dst == 0.0 && isinf(s->end_dst)))) {
        return 0; /* nothing would change */
    }
    limit = *n > limit ? *n : limit;
    limit = sn > limit ? sn : limit;
    if (ts_step_sum(&a, &b, limit, &out, &k) < 0) {
        return -1;
    }
    free(*pts);
    *pts = out;
    *n = k;
    return 0;
}

/* Copies src into *dst when dst has none (NULL) or an empty one while
 * src's is not.  Returns 0 or -1. */
static int
fill_string(char **dst, const char *src)
{
    if (!src || (*dst && ((*dst)[0] || !src[0]))) {
        return 0;
    }
    return ts_model_set_string(dst, src);
}

static int
merge_names(ts_model_t *dst, const ts_model_t *src)
{
    if (fill_string(&dst->program, src->program) < 0 ||
        fill_string(&dst->entrypoint_dir, src->entrypoint_dir) < 0 ||
        fill_string(&dst->python_version, src->python_version) < 0 ||
        fill_string(&dst->triscope_version, src->triscope_version) < 0) {
        return -1;
    }
    if (dst->n_args == 0 &&
        ts_model_set_args(dst, (const char *const *)src->args, src->n_args) < 0) {
        return -1;
    }
    if (!dst->gpu && src->gpu) { /* the GPU's name and mode: the run that had one */
        return ts_model_set_string(&dst->gpu_device, src->gpu_device) < 0 ||
                       ts_model_set_string(&dst->gpu_mode, src->gpu_mode) < 0
                   ? -1
                   : 0;
    }
    return fill_string(&dst->gpu_device, src->gpu_device) < 0 ||
                   fill_string(&dst->gpu_mode, src->gpu_mode) < 0
               ? -1
               : 0;
}

static int
merge_line(ts_model_line_t *dl, const ts_model_line_t *sl, int src_selects)
{
    ts_stats_add(&dl->st, &sl->st);
    dl->selected |= !src_selects || sl->selected;
    if (sl->leak_likelihood > dl->leak_likelihood) {
        dl->leak_likelihood = sl->leak_likelihood;
    }
    dl->leak_velocity_mb_s += sl->leak_velocity_mb_s;
    return fill_string(&dl->text, sl->text);
}

/* Marks every line and function of m selected, and m selected_only. */
static void
select_everything(ts_model_t *m)
{
    for (size_t i = 0; i < m->n_files; i++) {
        ts_model_file_t *f = &m->files[i];
        for (size_t k = 0; k < f->n_lines; k++) {
            f->lines[k].selected = 1;
        }
        for (size_t k = 0; k < f->n_functions; k++) {
            f->functions[k].selected = 1;
        }
    }
    m->selected_only = 1;
}

/* Adds src's file sf (statistics, texts, functions) into dst.  Its lines and
 * functions are selected in dst if src reports them (all of them unless
 * src is selected_only). */
static int
merge_file(ts_model_t *dst, const ts_model_file_t *sf, int src_selects)
{
    ts_model_file_t *df = ts_model_add_file_text(dst, sf->path, "", 0);

    if (!df) {
        return -1;
    }
    for (size_t i = 0; i < sf->n_lines; i++) {
        ts_model_line_t *dl = ts_model_line(df, sf->lines[i].lineno);
        if (!dl || merge_line(dl, &sf->lines[i], src_selects) < 0) {
            return -1;
        }
    }
    for (size_t i = 0; i < sf->n_functions; i++) {
        const ts_model_function_t *sfn = &sf->functions[i];
        ts_model_function_t *dfn = ts_model_function(df, sfn->name, sfn->lineno);
        if (!dfn) {
            return -1;
        }
        ts_stats_add(&dfn->st, &sfn->st);
        dfn->selected |= !src_selects || sfn->selected;
        if (sfn->last_lineno > dfn->last_lineno) {
            dfn->last_lineno = sfn->last_lineno;
        }
    }
    df->hidden_s += sf->hidden_s;
    return 0;
}

/* Every line timeline of dst (src's files are in dst by now) summed with
 * src's line of the same file and number, on the common time base. */
static int
merge_line_timelines(ts_model_t *dst, const ts_model_t *src, const span_t *s)
{
    for (size_t f = 0; f < dst->n_files; f++) {
        ts_model_file_t *df = &dst->files[f];
        const ts_model_file_t *sf = ts_model_find_file(src, df->path);
        for (size_t i = 0; i < df->n_lines; i++) {
            const ts_model_line_t *sl = sf && i < sf->n_lines ? &sf->lines[i] : NULL;
            ts_model_line_t *dl = &df->lines[i];
            if (sum_timeline(&dl->timeline, &dl->n_timeline, sl ? sl->timeline : NULL,
                             sl ? sl->n_timeline : 0, s) < 0) {
                return -1;
            }
        }
    }
    return 0;
}

/* The footprint, its peak and where it was reached, and the growth rate:
 * recomputed from the summed footprint when both runs have one (as
 * mem_stats.c computes it: the rise from the first to the last point, as
 * a share of the peak), else the figure of the run that has one. */
static int
merge_memory(ts_model_t *dst, const ts_model_t *src, const span_t *s, int adopt)
{
    int both = dst->n_footprint > 0 && src->n_footprint > 0;
    double growth = dst->growth_rate, peak;

    if (src->max_footprint_mb > dst->max_footprint_mb || adopt) {
        if (ts_model_set_string(&dst->max_footprint_fname, src->max_footprint_fname) < 0) {
            return -1;
        }
        dst->max_footprint_lineno = src->max_footprint_lineno;
        dst->max_footprint_python_fraction = src->max_footprint_python_fraction;
    }
    if (src->n_footprint > 0 && dst->n_footprint == 0) {
        growth = src->growth_rate;
    }
    else if (dst->n_footprint == 0 && src->growth_rate > growth) {
        growth = src->growth_rate;
    }
    if (sum_timeline(&dst->footprint, &dst->n_footprint, src->footprint, src->n_footprint,
                     s) < 0) {
        return -1;
    }
    peak = ts_points_max(dst->footprint, dst->n_footprint);
    peak = dst->max_footprint_mb > peak ? dst->max_footprint_mb : peak;
    peak = src->max_footprint_mb > peak ? src->max_footprint_mb : peak;
    if (both) {
        double rise = dst->footprint[dst->n_footprint - 1].mb - dst->footprint[0].mb;
        growth = peak > 0.0 && rise > 0.0 ? 100.0 * rise / peak : 0.0;
    }
    dst->max_footprint_mb = peak;
    dst->growth_rate = growth;
    dst->memory = dst->memory || src->memory;
    return 0;
}

/* The figures that add up, and the run's settings. */
static void
merge_totals(ts_model_t *dst, const ts_model_t *src, const span_t *s, int adopt)
{
    dst->total_s += src->total_s;
    dst->unattributed_s += src->unattributed_s;
    dst->n_samples += src->n_samples;
    dst->n_dropped += src->n_dropped;
    dst->n_threads += src->n_threads;
    dst->alloc_samples += src->alloc_samples;
    dst->native_allocations_mb += src->native_allocations_mb;
    dst->ncpus = src->ncpus > dst->ncpus ? src->ncpus : dst->ncpus;
    dst->gpu = dst->gpu || src->gpu;
    if (adopt || (src->start_time_absolute > 0.0 &&
                  !(dst->start_time_absolute > 0.0 &&
                    dst->start_time_absolute <= src->start_time_absolute))) {
        dst->start_time_absolute = src->start_time_absolute;
        dst->start_time_perf = src->start_time_perf;
    }
    dst->elapsed_s = s->elapsed_s;
    if (adopt) {
        dst->cpu_only = src->cpu_only;
        dst->virtual_time = src->virtual_time;
    }
    if (adopt || !(dst->sampling_interval_s > 0.0)) {
        dst->sampling_interval_s = src->sampling_interval_s;
    }
}

/* A fresh model: nothing measured, no run. */
static int
is_blank(const ts_model_t *m)
{
    return m->n_files == 0 && m->n_samples == 0 && m->total_s == 0.0 &&
           m->elapsed_s == 0.0 && m->start_time_absolute == 0.0;
}

int
ts_model_merge(ts_model_t *dst, const ts_model_t *src)
{
    int adopt = is_blank(dst);
    span_t s = plan_span(dst, src);

    if (merge_names(dst, src) < 0) {
        return -1;
    }
    if (src->selected_only && !dst->selected_only) {
        select_everything(dst); /* what dst had stays reported */
    }
    for (size_t i = 0; i < src->n_files; i++) {
        if (merge_file(dst, &src->files[i], src->selected_only) < 0) {
            return -1;
        }
    }
    if (merge_line_timelines(dst, src, &s) < 0 || merge_memory(dst, src, &s, adopt) < 0) {
        return -1;
    }
    merge_totals(dst, src, &s, adopt);
    return 0;
}

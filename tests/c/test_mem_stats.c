/* Unit tests for native/extension/mem_stats.c (pure C, no Python.h; built
 * with aggregate.c, which names the files): per-line allocated, Python,
 * peak and copy volume, the global footprint and where it peaked, the
 * <native> bucket, and the leak rule of mem_stats.c, each of its four
 * conditions failing alone next to a control that passes:
 *   footprint growth >= 1 %, likelihood 1 - (frees + 1) / (allocs - frees + 2)
 *   >= 0.95, held at the end >= 1 % of the peak footprint, and the line's
 *   live bytes at the end > 1.2 times the mean of its timeline's first half.
 * Runs under ASan's leak checker, so every table and model is freed. */
#include "check.h"
#include "aggregate.h"
#include "file_filter.h"
#include "mem_stats.h"
#include "profile_model.h"
#include "test_util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024u * 1024u)
#define T0 1000.0 /* monotonic seconds at the start of the profile */

static char root_[PATH_MAX], app_[PATH_MAX + 16];

static int
make_tree(void)
{
    char tmpl[] = "/tmp/ts_mem_XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, root_))
        return -1;
    snprintf(app_, sizeof app_, "%s/app.py", root_);
    FILE *fp = fopen(app_, "w");
    if (!fp)
        return -1;
    for (int i = 1; i <= 10; i++)
        fprintf(fp, "x%d = []\n", i);
    return fclose(fp);
}

/* One profile: the tables, the file app.py, a function on line 1. */
typedef struct run {
    ts_filter_t filter;
    int file, func;
    ts_model_t *m;
} run_t;

static void
run_begin(run_t *r)
{
    CHECK(ts_filter_init(&r->filter, root_, 0, NULL, NULL, NULL, NULL) == 0);
    ts_agg_reset(&r->filter);
    r->file = ts_agg_file(app_);
    r->func = ts_agg_function(r->file, "<module>", 1);
    CHECK(r->file >= 0 && r->func >= 0);
    ts_mem_stats_reset(T0);
    r->m = NULL;
}

/* Builds the model; returns line `line` of app.py in it, or NULL. */
static ts_model_line_t *
run_model(run_t *r, int line)
{
    r->m = ts_model_new();
    CHECK(r->m != NULL);
    if (!r->m)
        return NULL;
    CHECK(ts_mem_stats_fill_model(r->m, 60.0) == 0);
    ts_model_file_t *mf = ts_model_find_file(r->m, app_);
    return mf && line >= 1 && (size_t)line <= mf->n_lines ? &mf->lines[line - 1] : NULL;
}

static void
run_end(run_t *r)
{
    ts_model_free(r->m);
    ts_mem_stats_free();
    ts_agg_free();
    ts_filter_free(&r->filter);
}

/* n allocations of `weight` bytes at `line`, one a second from t = first_t,
 * at pointers base, base + 16, ...; none freed. */
static void
alloc_series(run_t *r, int line, uint64_t base, int n, uint64_t weight, double first_t)
{
    for (int i = 0; i < n; i++)
        ts_mem_stats_alloc(r->file, r->func, line, base + 16u * (uint64_t)i, weight, 0,
                           T0 + first_t + i);
}

static void
test_line_statistics_and_footprint(void)
{
    run_t r;
    run_begin(&r);
    ts_mem_stats_alloc(r.file, r.func, 2, 0x1000, 4 * MIB, 1, T0 + 1); /* Python */
    ts_mem_stats_alloc(r.file, r.func, 2, 0x2000, 2 * MIB, 0, T0 + 2);
    ts_mem_stats_free_ptr(0x1000, T0 + 3);
    ts_mem_stats_alloc(r.file, r.func, 3, 0x3000, 1 * MIB, 0, T0 + 4);
    ts_mem_stats_free_ptr(0x9999, T0 + 5); /* never sampled: ignored */
    ts_mem_stats_copy(r.file, r.func, 3, 8 * MIB);
    ts_mem_stats_alloc(TS_SITE_NATIVE, -1, 0, 0x4000, 3 * MIB, 0, T0 + 6);
    ts_mem_stats_alloc(TS_SITE_UNATTRIBUTED, -1, 0, 0x5000, 5 * MIB, 0, T0 + 7);
    ts_model_line_t *l2 = run_model(&r, 2);
    ts_model_line_t *l3 = l2 ? l2 + 1 : NULL;
    CHECK(l2 != NULL && l3 != NULL);
    if (l2 && l3) {
        CHECK(l2->st.malloc_mb == 6.0 && l2->st.python_mb == 4.0);
        CHECK(l2->st.peak_mb == 6.0 && l2->st.n_mallocs == 2);
        CHECK(l2->st.copy_mb == 0);
        CHECK(l3->st.malloc_mb == 1.0 && l3->st.copy_mb == 8.0 && l3->st.n_mallocs == 1);
        /* line 2's live MB: 4 after the first, 6 after the second, 2 after the free */
        const double want2[] = {1, 4, 2, 6, 3, 2};
        CHECK(l2->timeline && points_are(l2->timeline, l2->n_timeline, want2, 3));
        CHECK(l2->leak_likelihood == 0 && l3->leak_likelihood == 0);
    }
    ts_model_t *m = r.m;
    if (m) {
        CHECK(m->memory == 1);
        CHECK(m->alloc_samples == 6); /* 5 allocations, 1 matched free */
        /* footprint: 4, 6, 2, 3, 6, 11 MB; the peak is the last allocation,
         * which no shown line made */
        CHECK(m->max_footprint_mb == 11.0);
        CHECK(m->max_footprint_fname == NULL);
        CHECK_NEAR(m->max_footprint_python_fraction, 0.0, 1e-12);
        CHECK(m->native_allocations_mb == 3.0);
        CHECK(m->n_footprint == 6);
        CHECK(m->footprint && m->footprint[0].mb == 4.0 && m->footprint[5].mb == 11.0);
        CHECK_NEAR(m->growth_rate, 100.0 * (11.0 - 4.0) / 11.0, 1e-9);
        CHECK(m->n_files == 1); /* the buckets are no file */
        CHECK(m->n_files == 1 && m->files[0].n_functions == 1);
        if (m->n_files == 1 && m->files[0].n_functions == 1) {
            const ts_model_function_t *fn = &m->files[0].functions[0];
            CHECK(strcmp(fn->name, "<module>") == 0 && fn->last_lineno == 3);
            CHECK(fn->st.malloc_mb == 7.0 && fn->st.copy_mb == 8.0 && fn->st.n_mallocs == 3);
        }
    }
    run_end(&r);
}

static void
test_peak_site_and_python_fraction(void)
{
    run_t r;
    run_begin(&r);
    ts_mem_stats_alloc(r.file, r.func, 4, 0x1000, 3 * MIB, 1, T0 + 1);
    ts_mem_stats_alloc(r.file, r.func, 5, 0x2000, 1 * MIB, 0, T0 + 2); /* peak: 4 MB */
    ts_mem_stats_free_ptr(0x2000, T0 + 3);
    ts_mem_stats_free_ptr(0x1000, T0 + 4);
    run_model(&r, 1);
    ts_model_t *m = r.m;
    if (m) {
        CHECK(m->max_footprint_mb == 4.0);
        CHECK_NEAR(m->max_footprint_python_fraction, 0.75, 1e-12);
        CHECK(m->max_footprint_fname && strcmp(m->max_footprint_fname, app_) == 0);
        CHECK(m->max_footprint_lineno == 5);
        CHECK(m->growth_rate == 0); /* ends below where it started */
    }
    run_end(&r);
}

/* A growing container: 19 allocations of 1 MiB, one a second, none freed.
 * Likelihood 1 - 1/21; growth 100 * (19 - 1) / 19 %; it holds all of the
 * peak; its live bytes rise steadily. */
static void
test_leak_reported_for_growing_container(void)
{
    run_t r;
    run_begin(&r);
    alloc_series(&r, 6, 0x10000, 19, MIB, 1.0);
    ts_model_line_t *l = run_model(&r, 6);
    CHECK(l != NULL);
    if (l) {
        CHECK_NEAR(l->leak_likelihood, 1.0 - 1.0 / 21.0, 1e-12);
        /* 19 MB held, allocated from t = 1 to t = 19 */
        CHECK_NEAR(l->leak_velocity_mb_s, 19.0 / 18.0, 1e-12);
    }
    run_end(&r);
}

/* Likelihood: 17 allocations give 1 - 1/19 < 0.95 (not a leak); a single big
 * allocation kept to the end gives 1 - 1/3; churn (every allocation freed)
 * gives less than 0, next to a line that leaks. */
static void
test_leak_needs_likelihood(void)
{
    run_t r;
    run_begin(&r);
    alloc_series(&r, 6, 0x10000, 17, MIB, 1.0);
    ts_model_line_t *l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood == 0);
    run_end(&r);

    run_begin(&r);
    ts_mem_stats_alloc(r.file, r.func, 9, 0x10000, 1 * MIB, 0, T0 + 1);
    ts_mem_stats_alloc(r.file, r.func, 7, 0x20000, 64 * MIB, 0, T0 + 2);
    l = run_model(&r, 7);
    CHECK(l && l->leak_likelihood == 0);
    if (r.m)
        CHECK(r.m->growth_rate > 90.0); /* it is the likelihood that fails */
    run_end(&r);

    run_begin(&r);
    for (int i = 0; i < 40; i++) {
        ts_mem_stats_alloc(r.file, r.func, 8, 0x30000, MIB, 0, T0 + 1 + i);
        ts_mem_stats_alloc(r.file, r.func, 6, 0x10000 + 16u * (uint64_t)i, MIB, 0,
                           T0 + 1.2 + i);
        ts_mem_stats_free_ptr(0x30000, T0 + 1.5 + i);
    }
    l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood > 0.95); /* the control leaks */
    CHECK(l && l[2].leak_likelihood == 0); /* line 8 churns */
    if (l)
        CHECK(l[2].st.malloc_mb == 40.0 && l[2].st.n_mallocs == 40);
    run_end(&r);
}

/* Growth: the same 19 allocations, but a 100 MiB block held from before
 * them is freed at the end, so the footprint ends below where it started. */
static void
test_leak_needs_footprint_growth(void)
{
    run_t r;
    run_begin(&r);
    ts_mem_stats_alloc(r.file, r.func, 9, 0x90000, 100 * MIB, 0, T0 + 0.5);
    alloc_series(&r, 6, 0x10000, 19, MIB, 1.0);
    ts_mem_stats_free_ptr(0x90000, T0 + 30);
    ts_model_line_t *l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood == 0);
    if (r.m)
        CHECK(r.m->growth_rate < 1.0);
    run_end(&r);
}

/* Size: 19 allocations of 1 KiB leak on their own; next to a 64 MiB block
 * kept (which is no leak: one sample), they hold < 1 % of the peak. */
static void
test_leak_needs_one_percent_of_peak(void)
{
    run_t r;
    run_begin(&r);
    alloc_series(&r, 6, 0x10000, 19, 1024, 1.0);
    ts_model_line_t *l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood > 0.95); /* control */
    run_end(&r);

    run_begin(&r);
    alloc_series(&r, 6, 0x10000, 1, 1024, 1.0);
    ts_mem_stats_alloc(r.file, r.func, 9, 0x90000, 64 * MIB, 0, T0 + 1.5);
    alloc_series(&r, 6, 0x20000, 18, 1024, 2.0);
    l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood == 0);
    CHECK(l && l[3].leak_likelihood == 0); /* line 9: a single sample */
    if (r.m)
        CHECK(r.m->growth_rate > 90.0);
    run_end(&r);
}

/* Rise: 39 allocations whose first is 100 MiB and the rest 1 byte: the
 * likelihood is high and the line holds the peak, but its live bytes stay
 * flat after the first; a small block allocated first makes the footprint
 * grow. */
static void
test_leak_needs_live_bytes_rising(void)
{
    run_t r;
    run_begin(&r);
    ts_mem_stats_alloc(r.file, r.func, 9, 0x90000, 1024, 0, T0 + 0.5);
    ts_mem_stats_alloc(r.file, r.func, 6, 0x10000, 100 * MIB, 0, T0 + 1);
    alloc_series(&r, 6, 0x20000, 38, 1, 2.0);
    ts_model_line_t *l = run_model(&r, 6);
    CHECK(l && l->leak_likelihood == 0);
    if (r.m)
        CHECK(r.m->growth_rate > 90.0);
    if (l)
        CHECK(l->st.n_mallocs == 39);
    run_end(&r);
}

int
main(void)
{
    if (make_tree() < 0) {
        fprintf(stderr, "cannot make the temporary project\n");
        return 1;
    }
    RUN(test_line_statistics_and_footprint);
    RUN(test_peak_site_and_python_fraction);
    RUN(test_leak_reported_for_growing_container);
    RUN(test_leak_needs_likelihood);
    RUN(test_leak_needs_footprint_growth);
    RUN(test_leak_needs_one_percent_of_peak);
    RUN(test_leak_needs_live_bytes_rising);
    unlink(app_);
    rmdir(root_);
    return CHECK_SUMMARY();
}

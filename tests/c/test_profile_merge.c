/* Tests for native/profile/profile_merge.c: two hand-built profiles of
 * processes that overlapped in time (the second started 4 s after the
 * first and ended 3 s before it), with shared and separate files, lines
 * and functions, memory timelines and leaks.  Every merge rule of
 * profile_merge.h is checked with exact numbers (times are binary
 * fractions); merging into a blank model gives the original back, byte for
 * byte in JSON; A+B and B+A agree.  Runs under ASan's leak checker. */
#include "profile_merge.h"
#include "report_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A malloc'd copy of the n points (t, mb) in tm[0..2n). */
static ts_point_t *
points(const double *tm, size_t n)
{
    ts_point_t *p = malloc(n * sizeof *p);
    for (size_t i = 0; p && i < n; i++) {
        p[i].t_s = tm[2 * i];
        p[i].mb = tm[2 * i + 1];
    }
    return p;
}

static void
set_timeline(ts_model_line_t *l, const double *tm, size_t n)
{
    l->timeline = points(tm, n);
    l->n_timeline = n;
}

/* Sets the names both profiles have. */
static void
name_run(ts_model_t *m, const char *program, const char *gpu_device, const char *gpu_mode,
         const char *peak_file)
{
    ts_model_set_string(&m->program, program);
    ts_model_set_string(&m->gpu_device, gpu_device);
    ts_model_set_string(&m->gpu_mode, gpu_mode);
    ts_model_set_string(&m->max_footprint_fname, peak_file);
}

/* Profile A: the parent.  Starts at 1000 s, runs 10 s. */
static ts_model_t *
model_a(void)
{
    static const char *const argv[] = {"a.py", "-v"};
    static const double fp[] = {0, 10, 2, 30, 6, 20};
    static const double l2[] = {1, 4, 5, 2};
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f;
    ts_model_function_t *fn;

    *m = (ts_model_t){.start_time_absolute = 1000.0, .start_time_perf = 50.0, .elapsed_s = 10.0,
                      .sampling_interval_s = 0.01, .ncpus = 4, .total_s = 8.0,
                      .unattributed_s = 0.5, .n_samples = 800, .n_dropped = 2, .n_threads = 1,
                      .memory = 1, .alloc_samples = 100, .native_allocations_mb = 1.5,
                      .max_footprint_mb = 30.0, .max_footprint_lineno = 2,
                      .max_footprint_python_fraction = 0.5, .growth_rate = 10.0,
                      .footprint = points(fp, 3), .n_footprint = 3};
    name_run(m, "a.py", "", "absent", "a.py");
    ts_model_set_string(&m->entrypoint_dir, "/proj");
    ts_model_set_string(&m->python_version, "3.12.1");
    ts_model_set_args(m, argv, 2);

    f = ts_model_add_file_text(m, "a.py", "x = 1\ny = 2\nz = 3\n", 0);
    f->hidden_s = 0.25;
    f->lines[1].st = (ts_stats_t){.cpu_python_s = 2.0, .cpu_native_s = 1.0, .sys_s = 0.5,
                                  .samples = 350, .malloc_mb = 5.0, .peak_mb = 4.0,
                                  .n_mallocs = 3};
    set_timeline(&f->lines[1], l2, 2);
    f->lines[2].leak_likelihood = 0.96875;
    f->lines[2].leak_velocity_mb_s = 0.5;
    fn = ts_model_function(f, "f", 1);
    fn->last_lineno = 2;
    fn->st.cpu_python_s = 2.0;

    f = ts_model_add_file_text(m, "shared.py", "def g():\n    pass\n", 0);
    f->lines[0].st.cpu_python_s = 1.0;
    f->lines[0].st.peak_mb = 9.0;
    return m;
}

/* Profile B: a child.  Starts 4 s after A, runs 3 s (ends at 7 s on A's
 * clock, 3 s before A). */
static ts_model_t *
model_b(const char *disk_path)
{
    static const double fp[] = {0, 5, 1, 40, 2.5, 15};
    static const double l2[] = {0, 1};
    static const double b1[] = {0.5, 3};
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f;
    ts_model_function_t *fn;

    *m = (ts_model_t){.start_time_absolute = 1004.0, .start_time_perf = 54.0, .elapsed_s = 3.0,
                      .sampling_interval_s = 0.02, .cpu_only = 1, .virtual_time = 1, .ncpus = 8,
                      .total_s = 4.0, .unattributed_s = 0.25, .n_samples = 400, .n_dropped = 1,
                      .n_threads = 2, .memory = 1, .gpu = 1, .alloc_samples = 50,
                      .native_allocations_mb = 0.5, .max_footprint_mb = 40.0,
                      .max_footprint_lineno = 1, .max_footprint_python_fraction = 0.25,
                      .growth_rate = 50.0, .footprint = points(fp, 3), .n_footprint = 3};
    name_run(m, "b.py", "NVIDIA X", "per-process", "b.py");
    ts_model_set_string(&m->triscope_version, "0.1.0");

    f = ts_model_add_file_text(m, "shared.py", "def g():\n    pass\n    return 1\n", 0);
    f->lines[0].st.cpu_python_s = 0.5;
    f->lines[0].st.peak_mb = 7.0;
    f->lines[2].st.cpu_native_s = 0.5;
    fn = ts_model_function(f, "g", 1);
    fn->last_lineno = 3;
    fn->st.cpu_native_s = 0.5;

    f = ts_model_add_file_text(m, "a.py", "", 3); /* no source text here */
    f->hidden_s = 0.5;
    f->lines[1].st = (ts_stats_t){.cpu_python_s = 1.0, .peak_mb = 6.0, .malloc_mb = 1.0,
                                  .n_mallocs = 1};
    set_timeline(&f->lines[1], l2, 1);
    f->lines[2].leak_likelihood = 0.875;
    f->lines[2].leak_velocity_mb_s = 0.25;
    fn = ts_model_function(f, "f", 1);
    fn->last_lineno = 3;
    fn->st.cpu_python_s = 1.0;
    fn = ts_model_function(f, "h", 3);
    fn->st.sys_s = 0.125;

    /* a file that exists on disk with other text: src's text is used */
    f = ts_model_add_file_text(m, disk_path, "print(1)\n", 0);
    f->lines[0].st.cpu_python_s = 1.0;
    set_timeline(&f->lines[0], b1, 1);
    return m;
}

/* A temporary file holding "something else\n"; path in buf (64 bytes). */
static const char *
disk_file(char *buf)
{
    strcpy(buf, "/tmp/ts_merge_XXXXXX");
    int fd = mkstemp(buf);
    if (fd >= 0) {
        CHECK(write(fd, "something else\n", 15) == 15);
        close(fd);
    }
    return buf;
}

static void
test_totals_and_run(void)
{
    char path[64];
    ts_model_t *a = model_a(), *b = model_b(disk_file(path));

    CHECK(ts_model_merge(a, b) == 0);
    CHECK(a->total_s == 12.0);
    CHECK(a->unattributed_s == 0.75);
    CHECK(a->n_samples == 1200 && a->n_dropped == 3 && a->n_threads == 3);
    CHECK(a->alloc_samples == 150 && a->native_allocations_mb == 2.0);
    CHECK(a->ncpus == 8);
    CHECK(a->start_time_absolute == 1000.0 && a->start_time_perf == 50.0);
    CHECK(a->elapsed_s == 10.0);            /* B ran inside A's span */
    CHECK(a->cpu_only == 0 && a->virtual_time == 0); /* dst keeps its own */
    CHECK(a->sampling_interval_s == 0.01);
    CHECK(strcmp(a->program, "a.py") == 0 && a->n_args == 2);
    CHECK(strcmp(a->triscope_version, "0.1.0") == 0); /* A had none: filled from B */
    CHECK(a->memory == 1 && a->gpu == 1);
    CHECK(strcmp(a->gpu_device, "NVIDIA X") == 0 && strcmp(a->gpu_mode, "per-process") == 0);
    ts_model_free(a);
    ts_model_free(b);
    unlink(path);
}

static void
test_files_lines_functions(void)
{
    char path[64];
    ts_model_t *a = model_a(), *b = model_b(disk_file(path));
    ts_model_file_t *f;
    const ts_model_function_t *fn;

    CHECK(ts_model_merge(a, b) == 0);
    CHECK(a->n_files == 3);

    f = ts_model_find_file(a, "a.py");
    CHECK(f && f->n_lines == 3);
    if (f) {
        const ts_stats_t *st = &f->lines[1].st;
        CHECK(st->cpu_python_s == 3.0 && st->cpu_native_s == 1.0 && st->sys_s == 0.5);
        CHECK(st->samples == 350 && st->malloc_mb == 6.0 && st->n_mallocs == 4);
        CHECK(st->peak_mb == 6.0); /* the max, not the sum */
        CHECK(strcmp(f->lines[1].text, "y = 2") == 0); /* dst's text kept */
        CHECK(f->hidden_s == 0.75);
        CHECK(f->lines[2].leak_likelihood == 0.96875);
        CHECK(f->lines[2].leak_velocity_mb_s == 0.75);
        CHECK(f->n_functions == 2);
        fn = ts_model_enclosing_function(f, 2);
        CHECK(fn && strcmp(fn->name, "f") == 0 && fn->st.cpu_python_s == 3.0);
        CHECK(fn && fn->last_lineno == 3);
        fn = ts_model_enclosing_function(f, 3);
        CHECK(fn && strcmp(fn->name, "h") == 0 && fn->st.sys_s == 0.125);
    }

    f = ts_model_find_file(a, "shared.py"); /* dst had 2 lines; src 3 */
    CHECK(f && f->n_lines == 3);
    if (f) {
        CHECK(f->lines[0].st.cpu_python_s == 1.5 && f->lines[0].st.peak_mb == 9.0);
        CHECK(strcmp(f->lines[2].text, "    return 1") == 0);
        CHECK(f->lines[2].st.cpu_native_s == 0.5);
        CHECK(f->n_functions == 1 && f->functions[0].last_lineno == 3);
    }

    f = ts_model_find_file(a, path); /* new to dst: src's text, not the disk's */
    CHECK(f && f->n_lines == 1);
    if (f) {
        CHECK(strcmp(f->lines[0].text, "print(1)") == 0);
        CHECK(f->lines[0].st.cpu_python_s == 1.0);
    }
    ts_model_free(a);
    ts_model_free(b);
    unlink(path);
}

static void
test_memory_timelines(void)
{
    /* A: 10 @0, 30 @2, 20 @6 (to the end).  B from 4 s: 5, 40 @5, 15 @6.5,
     * gone at 7.  The sum steps at every change of either. */
    static const double fp[] = {0, 10, 2, 30, 4, 35, 5, 70, 6, 60, 6.5, 35, 7, 20};
    static const double l2[] = {1, 4, 4, 5, 5, 3, 7, 2};
    static const double b1[] = {4.5, 3, 7, 0};
    char path[64];
    ts_model_t *a = model_a(), *b = model_b(disk_file(path));
    ts_model_file_t *f;

    CHECK(ts_model_merge(a, b) == 0);
    CHECK(points_are(a->footprint, a->n_footprint, fp, 7));
    CHECK(a->max_footprint_mb == 70.0);
    /* where: B's own peak (40) beats A's (30) */
    CHECK(a->max_footprint_fname && strcmp(a->max_footprint_fname, "b.py") == 0);
    CHECK(a->max_footprint_lineno == 1 && a->max_footprint_python_fraction == 0.25);
    /* recomputed from the sum: (20 - 10) / 70 */
    CHECK_NEAR(a->growth_rate, 100.0 * 10.0 / 70.0, 1e-12);
    f = ts_model_find_file(a, "a.py");
    CHECK(f && points_are(f->lines[1].timeline, f->lines[1].n_timeline, l2, 4));
    f = ts_model_find_file(a, path);
    CHECK(f && points_are(f->lines[0].timeline, f->lines[0].n_timeline, b1, 2));
    ts_model_free(a);
    ts_model_free(b);
    unlink(path);
}

static void
test_src_started_first(void)
{
    /* B (998..1001) started before A (1000..1010): the merged profile
     * starts with B and A's timelines move 2 s right. */
    char path[64];
    ts_model_t *a = model_a(), *b = model_b(disk_file(path));
    static const double l2[] = {0, 1, 3, 4, 7, 2};
    ts_model_file_t *f;

    b->start_time_absolute = 998.0;
    b->start_time_perf = 48.0;
    CHECK(ts_model_merge(a, b) == 0);
    CHECK(a->start_time_absolute == 998.0 && a->start_time_perf == 48.0);
    CHECK(a->elapsed_s == 12.0);
    f = ts_model_find_file(a, "a.py");
    /* A's line 2: 4 @1, 2 @5 moved by 2 s; B's: 1 @0, gone at 3 (when A's
     * first point comes: one point for both) */
    CHECK(f && points_are(f->lines[1].timeline, f->lines[1].n_timeline, l2, 3));
    CHECK(a->footprint && a->footprint[0].t_s == 0.0 && a->footprint[0].mb == 5.0);
    ts_model_free(a);
    ts_model_free(b);
    unlink(path);
}

static void
test_order_does_not_matter(void)
{
    char path[64];
    ts_model_t *ab = model_a(), *b = model_b(disk_file(path));
    ts_model_t *ba = model_b(path), *a = model_a();

    CHECK(ts_model_merge(ab, b) == 0);
    CHECK(ts_model_merge(ba, a) == 0);
    CHECK(ab->total_s == ba->total_s && ab->unattributed_s == ba->unattributed_s);
    CHECK(ab->n_samples == ba->n_samples && ab->n_dropped == ba->n_dropped);
    CHECK(ab->n_threads == ba->n_threads && ab->alloc_samples == ba->alloc_samples);
    CHECK(ab->native_allocations_mb == ba->native_allocations_mb);
    CHECK(ab->elapsed_s == ba->elapsed_s);
    CHECK(ab->start_time_absolute == ba->start_time_absolute);
    CHECK(ab->max_footprint_mb == ba->max_footprint_mb && ab->growth_rate == ba->growth_rate);
    CHECK(ab->n_files == ba->n_files);
    CHECK(ab->n_footprint == ba->n_footprint);
    for (size_t i = 0; i < ab->n_footprint && i < ba->n_footprint; i++) {
        CHECK(ab->footprint[i].t_s == ba->footprint[i].t_s);
        CHECK(ab->footprint[i].mb == ba->footprint[i].mb);
    }
    for (size_t i = 0; i < ab->n_files; i++) {
        ts_model_file_t *x = &ab->files[i], *y = ts_model_find_file(ba, x->path);
        CHECK(y && ts_model_file_time(x) == ts_model_file_time(y));
    }
    ts_model_free(ab);
    ts_model_free(ba);
    ts_model_free(a);
    ts_model_free(b);
    unlink(path);
}

/* Merging m into a blank model writes the same JSON as m. */
static void
check_blank_merge_is_identity(ts_model_t *m)
{
    ts_model_t *blank = ts_model_new();
    char *want = report_of(ts_report_json, m, NULL), *got;

    CHECK(ts_model_merge(blank, m) == 0);
    got = report_of(ts_report_json, blank, NULL);
    CHECK(strcmp(want, got) == 0);
    CHECK(blank->cpu_only == m->cpu_only && blank->virtual_time == m->virtual_time);
    free(want);
    free(got);
    ts_model_free(blank);
}

static void
test_merge_into_blank(void)
{
    char path[64];
    ts_model_t *a = model_a(), *b = model_b(disk_file(path)), *s = sample_model();

    check_blank_merge_is_identity(a);
    check_blank_merge_is_identity(b);
    check_blank_merge_is_identity(s);
    ts_model_free(a);
    ts_model_free(b);
    ts_model_free(s);
    unlink(path);
}

static void
test_merge_with_itself(void)
{
    ts_model_t *a = model_a(), *again = model_a();
    static const double fp[] = {0, 20, 2, 60, 6, 40};
    ts_model_file_t *f;

    CHECK(ts_model_merge(a, again) == 0);
    CHECK(a->elapsed_s == 10.0 && a->total_s == 16.0);
    CHECK(points_are(a->footprint, a->n_footprint, fp, 3)); /* same times, doubled */
    CHECK(a->max_footprint_mb == 60.0);
    CHECK_NEAR(a->growth_rate, 100.0 * 20.0 / 60.0, 1e-12); /* (40 - 20) / 60 */
    f = ts_model_find_file(a, "a.py");
    CHECK(f && f->lines[1].st.cpu_python_s == 4.0 && f->hidden_s == 0.5);
    ts_model_free(a);
    ts_model_free(again);
}

static void
test_unknown_starts_and_cpu_only(void)
{
    ts_model_t *a = model_a(), *c = ts_model_new();
    ts_model_file_t *f;

    /* a CPU-only profile without a start time: runs taken to start together */
    c->elapsed_s = 12.0;
    c->total_s = 2.0;
    c->n_samples = 10;
    c->growth_rate = 99.0; /* no timeline: A's figure stays */
    f = ts_model_add_file_text(c, "a.py", "", 2);
    f->lines[1].st.cpu_python_s = 2.0;
    CHECK(ts_model_merge(a, c) == 0);
    CHECK(a->elapsed_s == 12.0 && a->start_time_absolute == 1000.0);
    CHECK(a->growth_rate == 10.0 && a->max_footprint_mb == 30.0);
    CHECK(a->memory == 1 && a->gpu == 0 && strcmp(a->gpu_mode, "absent") == 0);
    /* A ended 2 s before C: its footprint drops to 0 at 10 s */
    CHECK(a->n_footprint == 4 && a->footprint[3].t_s == 10.0 && a->footprint[3].mb == 0.0);
    f = ts_model_find_file(a, "a.py");
    CHECK(f && f->lines[1].st.cpu_python_s == 4.0);
    ts_model_free(a);
    ts_model_free(c);
}

/* A profile restricted to @profile functions merged with one that is not:
 * what each reported stays reported, nothing else. */
static void
test_selection(void)
{
    ts_model_t *whole = ts_model_new(), *chosen = ts_model_new();
    ts_model_file_t *f;

    f = ts_model_add_file_text(whole, "w.py", "", 3);
    f->lines[0].st.cpu_python_s = 1.0;
    f = ts_model_add_file_text(chosen, "c.py", "", 4);
    f->lines[1].st.cpu_python_s = 2.0;
    f->lines[3].st.cpu_python_s = 3.0;
    CHECK(ts_model_function(f, "picked", 2) != NULL);
    CHECK(ts_model_function(f, "other", 4) != NULL);
    ts_model_select(chosen, "c.py", 2, 3);
    CHECK(chosen->selected_only && f->lines[1].selected && f->lines[2].selected && !f->lines[3].selected);

    CHECK(ts_model_merge(whole, chosen) == 0);
    CHECK(whole->selected_only == 1);
    f = ts_model_find_file(whole, "w.py");
    CHECK(f && f->lines[0].selected && f->lines[1].selected && f->lines[2].selected);
    f = ts_model_find_file(whole, "c.py");
    CHECK(f && f->lines[1].selected && f->lines[2].selected && !f->lines[3].selected);
    CHECK(f && f->lines[3].st.cpu_python_s == 3.0); /* kept, not reported */
    CHECK(f && f->n_functions == 2 && f->functions[0].selected && !f->functions[1].selected);
    ts_model_free(whole);
    ts_model_free(chosen);
}

int
main(void)
{
    RUN(test_totals_and_run);
    RUN(test_files_lines_functions);
    RUN(test_memory_timelines);
    RUN(test_src_started_first);
    RUN(test_order_does_not_matter);
    RUN(test_merge_into_blank);
    RUN(test_merge_with_itself);
    RUN(test_unknown_starts_and_cpu_only);
    RUN(test_selection);
    return CHECK_SUMMARY();
}

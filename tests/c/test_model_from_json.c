/* Tests for native/profile/model_from_json.c and report_render.c: a model
 * written as JSON and read back draws the same text report (with and
 * without memory and GPU data, reduced or not), Scalene profiles are read,
 * everything else is refused with one line, and no input -- truncated,
 * mutated, hostile -- crashes or leaks (run under ASan by run.sh
 * --sanitize). */
#include "check.h"
#include "model_from_json.h"
#include "report.h"
#include "report_fixture.h"
#include "rng.h"
#include "test_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A profile with memory and GPU data: timelines, a leak, the footprint. */
static ts_model_t *
memory_model(void)
{
    ts_model_t *m = sample_model();
    ts_model_file_t *f = &m->files[0]; /* prog.py */
    ts_model_line_t *l;

    m->memory = 1;
    m->gpu = 1;
    ts_model_set_string(&m->gpu_device, "NVIDIA H200");
    ts_model_set_string(&m->gpu_mode, "per-process");
    m->max_footprint_mb = 512.0;
    m->max_footprint_python_fraction = 0.75;
    ts_model_set_string(&m->max_footprint_fname, "prog.py");
    m->max_footprint_lineno = 6;
    m->growth_rate = 3.25;
    m->alloc_samples = 321;
    m->n_footprint = 50;
    m->footprint = calloc(m->n_footprint, sizeof *m->footprint);
    for (size_t i = 0; i < m->n_footprint; i++) {
        m->footprint[i].t_s = 0.078125 * (double)i;
        m->footprint[i].mb = (double)(i * 8 % 512);
    }
    l = &f->lines[5]; /* line 6 */
    l->st.malloc_mb = 96.0;
    l->st.python_mb = 72.0;
    l->st.peak_mb = 64.0;
    l->st.copy_mb = 8.0;
    l->st.n_mallocs = 12;
    l->st.gpu_util_sum = 150.0;
    l->st.gpu_mem_sum_mb = 3000.0;
    l->st.gpu_peak_mb = 2048.0;
    l->st.gpu_samples = 2;
    l->n_timeline = 20;
    l->timeline = calloc(l->n_timeline, sizeof *l->timeline);
    for (size_t i = 0; i < l->n_timeline; i++) {
        l->timeline[i].t_s = 0.125 * (double)i;
        l->timeline[i].mb = (double)i * 4.0;
    }
    l->leak_likelihood = 0.875;
    l->leak_velocity_mb_s = 1.5;
    f->lines[3].st.malloc_mb = 2.0; /* line 4: memory, no time */
    f->lines[3].st.python_mb = 2.0;
    f->functions[2].st.malloc_mb = 98.0; /* work */
    ts_model_finish(m);
    return m;
}

/* What writer produces for m (caller frees). */
static char *
written(report_writer_t writer, const ts_model_t *m, const ts_report_opts_t *o)
{
    return report_of(writer, m, o);
}

/* Writes m as JSON under o and reads it back (caller frees). */
static ts_model_t *
round_trip(const ts_model_t *m, const ts_report_opts_t *o)
{
    char err[256];
    char *json = written(ts_report_json, m, o);
    ts_model_t *back = ts_model_from_json_text(json, strlen(json), err, sizeof err);
    if (!back) {
        fprintf(stderr, "  round trip failed: %s\n", err);
    }
    free(json);
    return back;
}

/* CHECKs that m's text report equals the one drawn from its JSON. */
static void
check_same_text(const ts_model_t *m, const ts_report_opts_t *o)
{
    ts_model_t *back = round_trip(m, o);
    CHECK(back != NULL);
    if (back) {
        char *a = written(ts_report_text, m, o);
        char *b = written(ts_report_text, back, o);
        CHECK(strcmp(a, b) == 0);
        if (strcmp(a, b) != 0) {
            fprintf(stderr, "--- from the model:\n%s--- from the JSON:\n%s", a, b);
        }
        free(a);
        free(b);
        ts_model_free(back);
    }
}

static void
test_fields(void)
{
    ts_model_t *m = memory_model();
    ts_model_t *b = round_trip(m, NULL);
    const ts_model_file_t *f;

    CHECK(b != NULL);
    if (!b) {
        ts_model_free(m);
        return;
    }
    CHECK(strcmp(b->program, "prog.py") == 0);
    CHECK(strcmp(b->entrypoint_dir, "/home/u/proj") == 0);
    CHECK(b->n_args == 3 && strcmp(b->args[2], "3") == 0);
    CHECK(strcmp(b->python_version, "3.12.1") == 0 && strcmp(b->triscope_version, "0.1.0") == 0);
    CHECK(b->elapsed_s == 4.0 && b->total_s == 4.0 && b->unattributed_s == 0.671875);
    CHECK(b->n_samples == 400 && b->n_threads == 1 && b->ncpus == 4);
    CHECK(b->sampling_interval_s == 0.01 && !b->virtual_time);
    CHECK(b->memory && b->gpu && b->max_footprint_mb == 512.0);
    CHECK(strcmp(b->gpu_device, "NVIDIA H200") == 0 && strcmp(b->gpu_mode, "per-process") == 0);
    CHECK(strcmp(b->max_footprint_fname, "prog.py") == 0 && b->max_footprint_lineno == 6);
    CHECK(b->growth_rate == 3.25 && b->alloc_samples == 321);
    CHECK(b->n_footprint == 50 && b->footprint[49].mb == m->footprint[49].mb);
    CHECK_NEAR(b->footprint[49].t_s, m->footprint[49].t_s, 1e-9);
    CHECK(b->n_files == 2 && strcmp(b->files[0].path, "prog.py") == 0);
    f = &b->files[0];
    CHECK(f->n_lines == 13 && b->files[1].n_lines == 6);
    CHECK(strcmp(f->lines[5].text, "        total += i") == 0);
    CHECK(f->lines[5].st.cpu_python_s == 1.5 && f->lines[5].st.cpu_native_s == 0.25);
    CHECK(f->lines[9].st.sys_s == 1.0);
    CHECK(f->lines[5].st.malloc_mb == 96.0 && f->lines[5].st.python_mb == 72.0);
    CHECK(f->lines[5].st.peak_mb == 64.0 && f->lines[5].st.copy_mb == 8.0);
    CHECK(f->lines[5].st.n_mallocs == 12);
    CHECK(f->lines[5].st.gpu_util_sum == 75.0 && f->lines[5].st.gpu_samples == 1);
    CHECK(f->lines[5].st.gpu_peak_mb == 2048.0);
    CHECK(f->lines[5].n_timeline == 20 && f->lines[5].timeline[19].mb == 76.0);
    CHECK(f->lines[5].leak_likelihood == 0.875 && f->lines[5].leak_velocity_mb_s == 1.5);
    CHECK(f->n_functions == 3 && f->hidden_s == 0.0);
    CHECK(strcmp(f->functions[1].name, "work") == 0 && f->functions[1].last_lineno == 7);
    CHECK(strcmp(b->files[1].lines[0].text, "if a < b & c > d:") == 0);
    ts_model_free(b);
    ts_model_free(m);
}

static void
test_same_text(void)
{
    static const int widths[] = {80, 200};
    ts_model_t *models[2] = {sample_model(), memory_model()};

    for (int k = 0; k < 2; k++) {
        for (int w = 0; w < 2; w++) {
            for (int reduced = 0; reduced <= 1; reduced++) {
                ts_report_opts_t o = {reduced, 1.0, reduced, widths[w], 0};
                check_same_text(models[k], &o);
            }
        }
        /* the JSON drawn back writes the same JSON */
        {
            ts_model_t *b = round_trip(models[k], NULL);
            char *a = written(ts_report_json, models[k], NULL);
            char *c = b ? written(ts_report_json, b, NULL) : NULL;
            CHECK(c && strcmp(a, c) == 0);
            free(a);
            free(c);
            ts_model_free(b);
        }
        ts_model_free(models[k]);
    }
}

static void
test_reduced_keeps_file_time(void)
{
    ts_report_opts_t o = {1, 5.0, 0, 100, 0};
    ts_model_t *m = sample_model();
    ts_model_t *b = round_trip(m, &o);

    CHECK(b != NULL);
    if (b) {
        /* line 12 (1.5625%) and 7 are left out but still count for the file */
        CHECK(b->files[0].n_lines == 13);
        CHECK(strcmp(b->files[0].lines[11].text, "") == 0);
        CHECK_NEAR(ts_model_file_time(&b->files[0]), ts_model_file_time(&m->files[0]), 1e-12);
        CHECK(b->files[0].hidden_s > 0.07);
        ts_model_free(b);
    }
    ts_model_free(m);
}

static void
test_render(void)
{
    ts_model_t *m = memory_model();
    char *json = written(ts_report_json, m, NULL);
    char err[256] = "";
    capture_t cap;
    char *text, *direct = written(ts_report_text, m, NULL);
    int rc = ts_report_render(json, strlen(json), TS_REPORT_FORMAT_TEXT, NULL, NULL,
                              capture_begin(&cap), err, sizeof err);

    text = capture_end(&cap);
    CHECK(rc == 0 && strcmp(text, direct) == 0);
    free(text);
    rc = ts_report_render("{\"files\": 3}", 12, TS_REPORT_FORMAT_TEXT, NULL, NULL,
                          capture_begin(&cap), err, sizeof err);
    text = capture_end(&cap);
    CHECK(rc == -1 && errno == EINVAL && strcmp(text, "") == 0);
    CHECK(has(err, "not a triscope or Scalene profile"));
    free(text);
    free(json);
    free(direct);
    ts_model_free(m);
}

/* The error for doc ("" if it is read), freeing any model. */
static const char *
refusal(const char *doc)
{
    static char err[256];
    ts_model_t *m = ts_model_from_json_text(doc, strlen(doc), err, sizeof err);
    if (m) {
        ts_model_free(m);
        return "";
    }
    return err;
}

static void
test_refusals(void)
{
    static const struct {
        const char *doc;
        const char *err;
    } cases[] = {
        {"", "not valid JSON (line 1, column 1: unexpected end of data)"},
        {"{\"files\": {}, \"elapsed_time_sec\": 1", "not valid JSON (line 1, column 36"},
        {"[1, 2]", "not a triscope or Scalene profile: the document is not a JSON object"},
        {"{\"name\": \"pkg\", \"version\": \"1.0\"}", "no \"files\" object"},
        {"{\"files\": [], \"elapsed_time_sec\": 1}", "no \"files\" object"},
        {"{\"files\": {}, \"elapsed_time_sec\": \"1\"}", "\"elapsed_time_sec\" number"},
        {"{\"files\": {}, \"elapsed_time_sec\": 1, \"triscope\": 3}", "\"triscope\" is not an object"},
        {"{\"files\": {}, \"elapsed_time_sec\": 1, \"triscope\": {}}", "schema_version"},
        {"{\"files\": {}, \"elapsed_time_sec\": 1, \"triscope\": {\"schema_version\": 99}}",
         "schema version 99; this triscope reads up to 1"},
        {"{\"files\": {\"a\": 1}, \"elapsed_time_sec\": 1}", "file record of \"a\" is not an object"},
        {"{\"files\": {\"a\": {}}, \"elapsed_time_sec\": 1}", "has no \"lines\" array"},
        {"{\"files\": {\"a\": {\"lines\": [1]}}, \"elapsed_time_sec\": 1}", "a line record is not an object"},
        {"{\"files\": {\"a\": {\"lines\": [{}]}}, \"elapsed_time_sec\": 1}", "no valid \"lineno\""},
        {"{\"files\": {\"a\": {\"lines\": [{\"lineno\": 0}]}}, \"elapsed_time_sec\": 1}", "lineno"},
        {"{\"files\": {\"a\": {\"lines\": [{\"lineno\": 1.5}]}}, \"elapsed_time_sec\": 1}", "lineno"},
        {"{\"files\": {\"a\": {\"lines\": [{\"lineno\": \"2\"}]}}, \"elapsed_time_sec\": 1}", "lineno"},
        {"{\"files\": {\"a\": {\"lines\": [{\"lineno\": 99999999}]}}, \"elapsed_time_sec\": 1}", "lineno"},
        {"{\"files\": {\"a\": {\"lines\": [], \"functions\": [{\"lineno\": -1}]}}, \"elapsed_time_sec\": 1}",
         "a function record has no valid"},
        {"{\"files\": {\"a\": {\"lines\": [{\"lineno\": 1}]}, \"a\": {\"lines\": [{\"lineno\": 1}]}},"
         " \"elapsed_time_sec\": 1}", "appears twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *e = refusal(cases[i].doc);
        if (!strstr(e, cases[i].err)) {
            fprintf(stderr, "  case %zu: got \"%s\"\n", i, e);
        }
        CHECK(strstr(e, cases[i].err) != NULL);
    }
}

static void
test_lenient_values(void)
{
    /* A Scalene profile, odd values clamped, unknown keys ignored. */
    static const char doc[] =
        "{\"program\": \"s.py\", \"elapsed_time_sec\": 2.0, \"memory\": true,"
        " \"files\": {\"s.py\": {\"percent_cpu_time\": 50.0, \"lines\": ["
        "{\"lineno\": 3, \"line\": \"x = 1\", \"n_cpu_percent_python\": 40.0,"
        " \"n_cpu_percent_c\": -5, \"n_sys_percent\": 1e300, \"n_python_fraction\": 7,"
        " \"n_malloc_mb\": 10.0, \"memory_samples\": [[1, 2], \"x\", [3], [5e9, 4.0]]}],"
        " \"leaks\": {\"3\": {\"likelihood\": 0.9}, \"zz\": {}, \"0\": {}}, \"extra\": 1}}}";
    char err[256];
    ts_model_t *m = ts_model_from_json_text(doc, sizeof doc - 1, err, sizeof err);

    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    CHECK(m->total_s == 2.0 && m->n_samples == 1); /* percentages of the elapsed time */
    CHECK(m->files[0].n_lines == 3);
    CHECK(m->files[0].lines[2].st.cpu_python_s == 0.8);
    CHECK(m->files[0].lines[2].st.cpu_native_s == 0.0);
    CHECK(m->files[0].lines[2].st.sys_s == 2.0); /* clamped to 100% */
    CHECK(m->files[0].lines[2].st.python_mb == 10.0);
    CHECK(m->files[0].lines[2].n_timeline == 2 && m->files[0].lines[2].timeline[1].t_s == 5.0);
    CHECK(m->files[0].lines[2].leak_likelihood == 0.9);
    CHECK(m->files[0].hidden_s == 0.0); /* 50% of 2 s is less than its line */
    ts_model_free(m);
}

/* Reads doc[0..n); if it is a profile, draws it (the writers must cope
 * with whatever the reader accepted). */
static void
read_and_draw(const char *doc, size_t n, FILE *sink)
{
    ts_model_t *m = ts_model_from_json_text(doc, n, NULL, 0);
    if (m) {
        ts_report_opts_t o = {1, 1.0, 1, 80, 0};
        ts_report_text(m, NULL, sink);
        ts_report_text(m, &o, sink);
        ts_report_json(m, NULL, sink);
        ts_model_free(m);
    }
}

static void
test_fuzz(void)
{
    ts_model_t *m = memory_model();
    char *json = written(ts_report_json, m, NULL);
    size_t n = strlen(json);
    char *buf = malloc(n + 1);
    FILE *sink = fopen("/dev/null", "w");
    ts_rng_t rng;

    CHECK(sink != NULL);
    if (!sink) {
        free(json);
        free(buf);
        ts_model_free(m);
        return;
    }
    /* every truncation */
    for (size_t k = 0; k <= n; k += 1 + k / 400) {
        read_and_draw(json, k, sink);
    }
    /* random mutations of the real profile */
    ts_rng_seed(&rng, 2024);
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, json, n);
        for (int k = (int)(ts_rng_next(&rng) % 6); k >= 0; k--) {
            size_t at = ts_rng_next(&rng) % n;
            switch (ts_rng_next(&rng) % 4) {
            case 0: buf[at] = "0123456789-.eE"[ts_rng_next(&rng) % 14]; break;
            case 1: buf[at] = "{}[],:\" "[ts_rng_next(&rng) % 8]; break;
            case 2: buf[at] = (char)(ts_rng_next(&rng) & 0xFF); break;
            default: buf[at] = '9'; break;
            }
        }
        read_and_draw(buf, n, sink);
    }
    fclose(sink);
    free(buf);
    free(json);
    ts_model_free(m);
    CHECK(1);
}

int
main(void)
{
    RUN(test_fields);
    RUN(test_same_text);
    RUN(test_reduced_keeps_file_time);
    RUN(test_render);
    RUN(test_refusals);
    RUN(test_lenient_values);
    RUN(test_fuzz);
    return CHECK_SUMMARY();
}

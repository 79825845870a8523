/* Unit tests for native/extension/aggregate.c (pure C, no Python.h): file
 * and function indices, which files are shown, CPU and GPU charges per line
 * and per function, unattributed time, and the model built from the tables
 * (only shown files with time, totals, functions' last lines).  Runs under
 * ASan's leak checker, so the tables and every model are freed. */
#include "check.h"
#include "aggregate.h"
#include "file_filter.h"
#include "profile_model.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A temporary project folder (its real path: the tables resolve symlinks)
 * with app.py (five lines) and a symlink to it; outside it, lib.py. */
static char root_[PATH_MAX], app_[PATH_MAX + 16], link_[PATH_MAX + 16], lib_[PATH_MAX + 16];
static char outside_[64];

static int
write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

static int
make_tree(void)
{
    char tmpl[] = "/tmp/ts_agg_XXXXXX";
    strcpy(outside_, "/tmp/ts_agg_lib_XXXXXX");
    if (!mkdtemp(tmpl) || !realpath(tmpl, root_) || !mkdtemp(outside_))
        return -1;
    snprintf(app_, sizeof app_, "%s/app.py", root_);
    snprintf(link_, sizeof link_, "%s/alias.py", root_);
    snprintf(lib_, sizeof lib_, "%s/lib.py", outside_);
    if (write_text(app_, "import lib\ndef f():\n    x = 1\n    return x\nf()\n") < 0
        || write_text(lib_, "def g():\n    pass\n") < 0 || symlink(app_, link_) < 0)
        return -1;
    return 0;
}

static void
remove_tree(void)
{
    unlink(app_);
    unlink(link_);
    unlink(lib_);
    rmdir(root_);
    rmdir(outside_);
}

/* Tables reset with a filter that shows the project folder only. */
static void
reset_with(ts_filter_t *f)
{
    CHECK(ts_filter_init(f, root_, 0, NULL, NULL, NULL, NULL) == 0);
    ts_agg_reset(f);
}

static void
test_file_indices_and_shown(void)
{
    ts_filter_t f;
    reset_with(&f);
    int app = ts_agg_file(app_);
    int lib = ts_agg_file(lib_);
    int str = ts_agg_file("<string>");
    CHECK(app >= 0 && lib >= 0 && str >= 0);
    CHECK(app != lib && lib != str && app != str);
    CHECK(ts_agg_file(app_) == app); /* same co_filename, same index */
    CHECK(ts_agg_file_shown(app));
    CHECK(!ts_agg_file_shown(lib));  /* outside the project */
    CHECK(!ts_agg_file_shown(str));  /* not a file */
    CHECK(!ts_agg_file_shown(-1) && !ts_agg_file_shown(1000));
    CHECK(strcmp(ts_agg_file_path(app), app_) == 0);
    CHECK(strcmp(ts_agg_file_path(str), "<string>") == 0);
    CHECK(ts_agg_file_path(1000) == NULL);
    /* a symlink is its own code-object name but resolves to the real file */
    int alias = ts_agg_file(link_);
    CHECK(alias >= 0 && alias != app);
    CHECK(strcmp(ts_agg_file_path(alias), app_) == 0);
    ts_agg_free();
    ts_filter_free(&f);
}

static void
test_function_indices(void)
{
    ts_filter_t f;
    reset_with(&f);
    int app = ts_agg_file(app_), lib = ts_agg_file(lib_);
    int fa = ts_agg_function(app, "f", 2);
    int fb = ts_agg_function(app, "<lambda>", 2); /* same first line, other name */
    int fc = ts_agg_function(lib, "f", 2);        /* same name and line, other file */
    int fd = ts_agg_function(app, "f", 3);
    CHECK(fa >= 0 && fb >= 0 && fc >= 0 && fd >= 0);
    CHECK(fa != fb && fa != fc && fa != fd && fb != fc && fb != fd && fc != fd);
    CHECK(ts_agg_function(app, "f", 2) == fa);
    CHECK(ts_agg_function(app, "<lambda>", 2) == fb);
    CHECK(ts_agg_function(lib, "f", 2) == fc);
    const char *name = NULL;
    int first = 0;
    ts_agg_function_info(fb, &name, &first);
    CHECK(name && strcmp(name, "<lambda>") == 0 && first == 2);
    ts_agg_free();
    ts_filter_free(&f);
}

static void
test_charges_per_line_and_function(void)
{
    ts_filter_t f;
    reset_with(&f);
    int app = ts_agg_file(app_), lib = ts_agg_file(lib_);
    int fn = ts_agg_function(app, "f", 2);
    ts_agg_charge(app, fn, 3, TS_CHARGE_PYTHON, 2000000);  /* 2 ms */
    ts_agg_charge(app, fn, 3, TS_CHARGE_PYTHON, 1000000);
    ts_agg_charge(app, fn, 3, TS_CHARGE_NATIVE, 4000000);
    ts_agg_charge(app, fn, 4, TS_CHARGE_SYSTEM, 8000000);  /* extends f to line 4 */
    ts_agg_charge(app, -1, 5, TS_CHARGE_PYTHON, 16000000); /* module level */
    /* dropped: a file that is not shown, lines out of range */
    ts_agg_charge(lib, -1, 1, TS_CHARGE_PYTHON, 1000000000);
    ts_agg_charge(app, fn, 0, TS_CHARGE_PYTHON, 1000000000);
    ts_agg_charge(app, fn, INT_MAX, TS_CHARGE_PYTHON, 1000000000);
    ts_agg_charge(-1, -1, 1, TS_CHARGE_PYTHON, 1000000000);
    ts_agg_charge_unattributed(32000000);

    ts_model_t *m = ts_model_new();
    CHECK(m && ts_agg_build_model(m) == 0);
    CHECK(m->n_files == 1); /* lib.py is not shown */
    ts_model_file_t *mf = m ? ts_model_find_file(m, app_) : NULL;
    CHECK(mf != NULL);
    if (mf) {
        CHECK(mf->n_lines == 5);
        CHECK(strcmp(mf->lines[2].text, "    x = 1") == 0); /* source read from disk */
        const ts_stats_t *l1 = &mf->lines[0].st, *l3 = &mf->lines[2].st;
        const ts_stats_t *l4 = &mf->lines[3].st, *l5 = &mf->lines[4].st;
        CHECK(ts_stats_total(l1) == 0 && l1->samples == 0);
        CHECK_NEAR(l3->cpu_python_s, 0.003, 1e-12);
        CHECK_NEAR(l3->cpu_native_s, 0.004, 1e-12);
        CHECK(l3->sys_s == 0 && l3->samples == 3);
        CHECK_NEAR(l4->sys_s, 0.008, 1e-12);
        CHECK(l4->samples == 0); /* off-CPU time is not a CPU sample */
        CHECK_NEAR(l5->cpu_python_s, 0.016, 1e-12);
        CHECK(l5->samples == 1);
        CHECK(mf->n_functions == 1);
        if (mf->n_functions == 1) {
            const ts_model_function_t *mfn = &mf->functions[0];
            CHECK(strcmp(mfn->name, "f") == 0 && mfn->lineno == 2);
            CHECK(mfn->last_lineno == 4);
            CHECK_NEAR(mfn->st.cpu_python_s, 0.003, 1e-12);
            CHECK_NEAR(mfn->st.cpu_native_s, 0.004, 1e-12);
            CHECK_NEAR(mfn->st.sys_s, 0.008, 1e-12);
            CHECK(mfn->st.samples == 3);
        }
    }
    if (m) {
        CHECK_NEAR(m->unattributed_s, 0.032, 1e-12);
        CHECK_NEAR(m->total_s, 0.003 + 0.004 + 0.008 + 0.016 + 0.032, 1e-12);
    }
    ts_model_free(m);
    ts_agg_free();
    ts_filter_free(&f);
}

static void
test_gpu_charges(void)
{
    ts_filter_t f;
    reset_with(&f);
    int app = ts_agg_file(app_);
    int fn = ts_agg_function(app, "f", 2);
    ts_agg_charge_gpu(app, fn, 3, 50.0, 100.0);
    ts_agg_charge_gpu(app, fn, 3, 70.0, 300.0);
    ts_agg_charge_gpu(app, fn, 4, 10.0, 200.0);
    ts_model_t *m = ts_model_new();
    CHECK(m && ts_agg_build_model(m) == 0);
    ts_model_file_t *mf = m ? ts_model_find_file(m, app_) : NULL;
    CHECK(mf != NULL && mf->n_functions == 1);
    if (mf && mf->n_functions == 1) {
        const ts_stats_t *l3 = &mf->lines[2].st, *fst = &mf->functions[0].st;
        CHECK(l3->gpu_samples == 2 && l3->gpu_util_sum == 120.0);
        CHECK(l3->gpu_mem_sum_mb == 400.0 && l3->gpu_peak_mb == 300.0);
        CHECK(fst->gpu_samples == 3 && fst->gpu_util_sum == 130.0);
        CHECK(fst->gpu_mem_sum_mb == 600.0 && fst->gpu_peak_mb == 300.0);
        CHECK(l3->samples == 0 && ts_stats_total(l3) == 0); /* no CPU time */
        CHECK(mf->functions[0].last_lineno == 4);
    }
    if (m)
        CHECK(m->total_s == 0); /* GPU polls are not time */
    ts_model_free(m);
    ts_agg_free();
    ts_filter_free(&f);
}

static void
test_model_skips_files_without_time_and_reset_clears(void)
{
    ts_filter_t f;
    reset_with(&f);
    int app = ts_agg_file(app_);
    ts_agg_function(app, "f", 2);         /* known, never charged */
    ts_model_t *m = ts_model_new();
    CHECK(m && ts_agg_build_model(m) == 0);
    if (m)
        CHECK(m->n_files == 0 && m->total_s == 0 && m->unattributed_s == 0);
    ts_model_free(m);

    ts_agg_charge(app, -1, 1, TS_CHARGE_PYTHON, 1000000);
    ts_agg_charge_unattributed(1000000);
    ts_agg_reset(&f); /* keeps nothing */
    CHECK(ts_agg_file_path(app) == NULL);
    m = ts_model_new();
    CHECK(m && ts_agg_build_model(m) == 0);
    if (m)
        CHECK(m->n_files == 0 && m->total_s == 0 && m->unattributed_s == 0);
    ts_model_free(m);
    ts_agg_free();
    ts_filter_free(&f);
}

int
main(void)
{
    if (make_tree() < 0) {
        fprintf(stderr, "cannot make the temporary project\n");
        return 1;
    }
    RUN(test_file_indices_and_shown);
    RUN(test_function_indices);
    RUN(test_charges_per_line_and_function);
    RUN(test_gpu_charges);
    RUN(test_model_skips_files_without_time_and_reset_clears);
    remove_tree();
    return CHECK_SUMMARY();
}

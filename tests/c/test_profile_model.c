/* Tests for native/profile/profile_model.c: loading source text (line
 * endings, BOM, long lines, odd bytes, missing files), growing lines,
 * function lookup and ordering, file ordering, helpers.  Runs under ASan's
 * leak checker, so every model is freed. */
#include "check.h"
#include "profile_model.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data[0..n) to a fresh temporary file; returns its path (static
 * buffer, valid until the next call) or NULL. */
static const char *
temp_file(const char *data, size_t n)
{
    static char path[64];
    int fd;

    strcpy(path, "/tmp/ts_model_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0) {
        return NULL;
    }
    if (write(fd, data, n) != (ssize_t)n) {
        close(fd);
        return NULL;
    }
    close(fd);
    return path;
}

/* True if f's lines are exactly the n strings in want. */
static int
lines_are(const ts_model_file_t *f, const char *const *want, size_t n)
{
    if (!f || f->n_lines != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (f->lines[i].lineno != (int)i + 1 || strcmp(f->lines[i].text, want[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

/* Loads data from disk into a new model and checks its lines. */
static int
file_loads_as(const char *data, size_t n, const char *const *want, size_t nwant)
{
    ts_model_t *m = ts_model_new();
    const char *path = temp_file(data, n);
    int ok = 0;

    if (m && path) {
        ok = lines_are(ts_model_add_file(m, path, 0), want, nwant);
    }
    if (path) {
        unlink(path);
    }
    ts_model_free(m);
    return ok;
}

static void
test_line_endings(void)
{
    static const char *const abc[] = {"a", "b", "c"};
    static const char *const blank_end[] = {"a", "", "b"};
    static const char *const one_empty[] = {""};
    static const char *const nul_line[] = {"x"};

    CHECK(file_loads_as("a\nb\nc\n", 6, abc, 3));
    CHECK(file_loads_as("a\nb\nc", 5, abc, 3));         /* no final newline */
    CHECK(file_loads_as("a\r\nb\r\nc\r\n", 9, abc, 3)); /* CRLF */
    CHECK(file_loads_as("a\rb\rc", 5, abc, 3));         /* old Mac */
    CHECK(file_loads_as("a\r\n\nb", 6, blank_end, 3));
    CHECK(file_loads_as("\xEF\xBB\xBF" "a\nb\nc\n", 9, abc, 3)); /* BOM dropped */
    CHECK(file_loads_as("", 0, NULL, 0));
    CHECK(file_loads_as("\n", 1, one_empty, 1));
    CHECK(file_loads_as("x\0y\n", 4, nul_line, 1)); /* text stops at NUL */
}

static void
test_odd_bytes_kept(void)
{
    static const char *const latin1[] = {"caf\xE9", "\xFF\xFE"};
    CHECK(file_loads_as("caf\xE9\n\xFF\xFE\n", 8, latin1, 2));
}

static void
test_long_line(void)
{
    size_t n = 1 << 20;
    char *data = malloc(n + 3);
    ts_model_t *m = ts_model_new();
    const char *path;
    ts_model_file_t *f;

    CHECK(data && m);
    if (!data || !m) {
        free(data);
        ts_model_free(m);
        return;
    }
    memset(data, 'x', n);
    memcpy(data + n, "\ny", 2);
    path = temp_file(data, n + 2);
    CHECK(path != NULL);
    f = path ? ts_model_add_file(m, path, 0) : NULL;
    CHECK(f && f->n_lines == 2);
    CHECK(f && strlen(f->lines[0].text) == n && strcmp(f->lines[1].text, "y") == 0);
    if (path) {
        unlink(path);
    }
    free(data);
    ts_model_free(m);
}

static void
test_missing_and_special_files(void)
{
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f = ts_model_add_file(m, "/nonexistent/triscope/x.py", 5);
    CHECK(f && f->n_lines == 5);
    CHECK(f && f->lines[4].lineno == 5 && strcmp(f->lines[4].text, "") == 0);
    f = ts_model_add_file(m, "<string>", 0);
    CHECK(f && f->n_lines == 0);
    f = ts_model_add_file(m, "/tmp", 2); /* a directory reads as empty */
    CHECK(f && f->n_lines == 2);
    CHECK(m->n_files == 3);
    ts_model_free(m);
}

static void
test_min_lines_and_growth(void)
{
    static const char *const grown[] = {"one", "two", "", ""};
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f = ts_model_add_file_text(m, "t.py", "one\ntwo\n", 4);
    ts_model_line_t *l;

    CHECK(lines_are(f, grown, 4));
    l = ts_model_line(f, 40);
    CHECK(l && l->lineno == 40 && f->n_lines == 40 && strcmp(l->text, "") == 0);
    CHECK(ts_model_line(f, 0) == NULL);
    CHECK(ts_model_line(f, -3) == NULL);
    l = ts_model_line(f, 2);
    CHECK(l && strcmp(l->text, "two") == 0);
    /* the same path again returns the same file, grown to min_lines */
    CHECK(ts_model_add_file_text(m, "t.py", "ignored", 50) == f);
    CHECK(f->n_lines == 50 && m->n_files == 1);
    CHECK(strcmp(f->lines[0].text, "one") == 0);
    ts_model_free(m);
}

static void
test_functions(void)
{
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f = ts_model_add_file_text(m, "f.py", "", 30);
    ts_model_function_t *a = ts_model_function(f, "outer", 10);
    CHECK(a != NULL);
    if (a) {
        a->last_lineno = 25;
    }
    ts_model_function_t *b = ts_model_function(f, "outer.<locals>.inner", 12);
    if (b) {
        b->last_lineno = 15;
    }
    CHECK(ts_model_function(f, "first", 2) != NULL);
    CHECK(ts_model_function(f, "<lambda>", 12) != NULL);
    CHECK(f->n_functions == 4);
    /* sorted by (lineno, name) at all times */
    CHECK(f->functions[0].lineno == 2);
    CHECK(f->functions[1].lineno == 10);
    CHECK(strcmp(f->functions[2].name, "<lambda>") == 0);
    CHECK(strcmp(f->functions[3].name, "outer.<locals>.inner") == 0);
    /* lookup returns the existing record */
    CHECK(ts_model_function(f, "outer", 10) == &f->functions[1]);
    CHECK(f->n_functions == 4);
    CHECK(f->functions[1].last_lineno == 25);
    /* enclosing: innermost containing function, or none */
    CHECK(ts_model_enclosing_function(f, 13) == &f->functions[3]);
    CHECK(ts_model_enclosing_function(f, 20) == &f->functions[1]);
    CHECK(ts_model_enclosing_function(f, 10) == &f->functions[1]);
    CHECK(ts_model_enclosing_function(f, 2) == &f->functions[0]);
    CHECK(ts_model_enclosing_function(f, 1) == NULL);
    CHECK(ts_model_enclosing_function(f, 26) == NULL);
    ts_model_free(m);
}

static void
test_finish_orders_files(void)
{
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f;

    ts_model_add_file_text(m, "cold.py", "x\n", 0);
    ts_model_add_file_text(m, "b.py", "x\n", 0);
    ts_model_add_file_text(m, "a.py", "x\n", 0);
    f = ts_model_add_file_text(m, "hot.py", "x\ny\n", 0);
    f->lines[0].st.cpu_python_s = 1.0;
    f->lines[1].st.sys_s = 2.0;
    f = ts_model_add_file_text(m, "warm.py", "x\n", 0);
    f->lines[0].st.cpu_native_s = 0.5;
    ts_model_function(f, "g", 3)->last_lineno = 1; /* clamped by finish */
    ts_model_finish(m);
    CHECK(strcmp(m->files[0].path, "hot.py") == 0);
    CHECK(strcmp(m->files[1].path, "warm.py") == 0);
    CHECK(strcmp(m->files[2].path, "a.py") == 0); /* ties: by path */
    CHECK(strcmp(m->files[3].path, "b.py") == 0);
    CHECK(strcmp(m->files[4].path, "cold.py") == 0);
    CHECK(m->files[1].functions[0].last_lineno == 3);
    ts_model_free(m);
}

static void
test_stats_and_percent(void)
{
    ts_stats_t a = {.cpu_python_s = 1.0, .cpu_native_s = 2.0, .sys_s = 3.0, .samples = 4,
                    .malloc_mb = 10, .peak_mb = 7, .gpu_peak_mb = 1};
    ts_stats_t b = {.cpu_python_s = 0.5, .cpu_native_s = 0.25, .sys_s = 0.125, .samples = 1,
                    .malloc_mb = 2, .peak_mb = 9, .gpu_peak_mb = 0.5};
    ts_model_t *m = ts_model_new();
    ts_model_file_t *f = ts_model_add_file_text(m, "s.py", "a\nb\n", 0);
    ts_stats_t t;

    ts_stats_add(&a, &b);
    CHECK_NEAR(a.cpu_python_s, 1.5, 1e-12);
    CHECK_NEAR(a.cpu_native_s, 2.25, 1e-12);
    CHECK_NEAR(a.sys_s, 3.125, 1e-12);
    CHECK(a.samples == 5);
    CHECK_NEAR(a.malloc_mb, 12, 1e-12);
    CHECK_NEAR(a.peak_mb, 9, 1e-12);     /* peaks take the max */
    CHECK_NEAR(a.gpu_peak_mb, 1, 1e-12);
    CHECK_NEAR(ts_stats_total(&a), 6.875, 1e-12);
    f->lines[0].st = a;
    f->lines[1].st = b;
    t = ts_model_file_totals(f);
    CHECK_NEAR(ts_stats_total(&t), 7.75, 1e-12);
    CHECK(t.samples == 6);
    CHECK(ts_model_percent(m, 1.0) == 0.0); /* total_s still 0 */
    m->total_s = 4.0;
    CHECK_NEAR(ts_model_percent(m, 1.0), 25.0, 1e-12);
    ts_model_free(m);
}

static void
test_strings_and_args(void)
{
    static const char *const argv1[] = {"prog.py", "--n"};
    static const char *const argv2[] = {"3", NULL};
    ts_model_t *m = ts_model_new();

    CHECK(ts_model_set_string(&m->program, "prog.py") == 0);
    CHECK(ts_model_set_string(&m->program, "other.py") == 0); /* old value freed */
    CHECK(strcmp(m->program, "other.py") == 0);
    CHECK(ts_model_set_string(&m->program, NULL) == 0 && m->program == NULL);
    CHECK(ts_model_set_args(m, argv1, 2) == 0);
    CHECK(ts_model_set_args(m, argv2, 2) == 0); /* appends; NULL becomes "" */
    CHECK(m->n_args == 4);
    CHECK(strcmp(m->args[1], "--n") == 0 && strcmp(m->args[2], "3") == 0);
    CHECK(strcmp(m->args[3], "") == 0);
    CHECK(ts_model_set_args(m, NULL, 0) == 0 && m->n_args == 4);
    ts_model_free(m);
    ts_model_free(NULL);
}

int
main(void)
{
    RUN(test_line_endings);
    RUN(test_odd_bytes_kept);
    RUN(test_long_line);
    RUN(test_missing_and_special_files);
    RUN(test_min_lines_and_growth);
    RUN(test_functions);
    RUN(test_finish_orders_files);
    RUN(test_stats_and_percent);
    RUN(test_strings_and_args);
    return CHECK_SUMMARY();
}

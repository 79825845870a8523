/* Tests for native/profile/profile_load.c: reading JSON profile files
 * (good, missing, a directory, corrupt) and merging a list of them, either
 * stopping at the first bad one with a reason that names it or skipping it
 * with a warning line.  Runs under ASan's leak checker. */
#include "profile_load.h"
#include "report_fixture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes text to a fresh temporary file; its path in buf (64 bytes). */
static const char *
temp_with(char *buf, const char *text)
{
    strcpy(buf, "/tmp/ts_load_XXXXXX");
    int fd = mkstemp(buf);
    size_t n = strlen(text);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, text, n) == (ssize_t)n);
        close(fd);
    }
    return buf;
}

/* A temporary file holding the sample profile as JSON. */
static const char *
sample_file(char *buf)
{
    ts_model_t *m = sample_model();
    char *json = report_of(ts_report_json, m, NULL);
    temp_with(buf, json);
    free(json);
    ts_model_free(m);
    return buf;
}

static void
test_load(void)
{
    char good[64], bad[64], err[256];
    ts_model_t *m;

    m = ts_model_load_json(sample_file(good), err, sizeof err);
    CHECK(m && m->total_s == 4.0 && m->n_files == 2);
    ts_model_free(m);

    errno = 0;
    CHECK(!ts_model_load_json("/nonexistent/p.json", err, sizeof err));
    CHECK(errno == ENOENT && strcmp(err, strerror(ENOENT)) == 0);
    CHECK(!ts_model_load_json("/tmp", err, sizeof err));
    CHECK(errno == EISDIR);
    CHECK(!ts_model_load_json(temp_with(bad, "{\"files\": {"), err, sizeof err));
    CHECK(errno == EINVAL && has(err, "not valid JSON"));
    CHECK(!ts_model_load_json(bad, NULL, 0)); /* no room for a reason: still refused */
    unlink(good);
    unlink(bad);
}

static void
test_merge_files_strict(void)
{
    char good[64], bad[64], err[512];
    ts_model_t *m = ts_model_new();
    const char *paths[3];

    paths[0] = sample_file(good);
    paths[1] = good; /* the same file twice */
    paths[2] = "/nonexistent/p.json";
    CHECK(ts_model_merge_files(m, paths, 3, NULL, err, sizeof err) == -1);
    CHECK(errno == ENOENT);
    CHECK(strcmp(err, "cannot read '/nonexistent/p.json': No such file or directory") == 0);
    CHECK(m->total_s == 8.0); /* the two before it are in */
    ts_model_free(m);

    m = ts_model_new();
    paths[1] = temp_with(bad, "[1, 2]");
    CHECK(ts_model_merge_files(m, paths, 2, NULL, err, sizeof err) == -1);
    CHECK(errno == EINVAL);
    CHECK(strncmp(err, bad, strlen(bad)) == 0 && has(err, ": not a triscope or Scalene profile"));
    ts_model_free(m);
    unlink(good);
    unlink(bad);
}

static void
test_merge_files_skipping(void)
{
    char good[64], bad[64], want[256];
    ts_model_t *m = ts_model_new();
    const char *paths[3];
    capture_t cap;
    char *warned;

    paths[0] = sample_file(good);
    paths[1] = temp_with(bad, "");
    paths[2] = good;
    CHECK(ts_model_merge_files(m, paths, 3, capture_begin(&cap), NULL, 0) == 0);
    warned = capture_end(&cap);
    snprintf(want, sizeof want, "triscope: warning: skipped child profile %s: not valid JSON "
             "(line 1, column 1: unexpected end of data)\n", bad);
    CHECK(strcmp(warned, want) == 0);
    CHECK(m->total_s == 8.0 && m->n_samples == 800);
    free(warned);
    ts_model_free(m);
    unlink(good);
    unlink(bad);
}

int
main(void)
{
    RUN(test_load);
    RUN(test_merge_files_strict);
    RUN(test_merge_files_skipping);
    return CHECK_SUMMARY();
}

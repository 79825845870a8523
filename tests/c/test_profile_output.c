/* Tests for native/profile/profile_output.c: the format names, a model and
 * a saved profile written to a path (the file complete, no temporary file
 * left behind, an existing file replaced) or to standard output, and each
 * failure reported as its ts_error_t kind with nothing left on disk. */
#include "check.h"
#include "profile_output.h"
#include "report_fixture.h"
#include "test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const ts_html_assets_t assets = {
    "<style>@TRISCOPE_CSS@</style><script type=\"application/json\">@TRISCOPE_PROFILE@"
    "</script><script type=\"application/json\">@TRISCOPE_OPTIONS@</script>"
    "<script>@TRISCOPE_JS@</script>",
    "body{}", "go();",
};

/* Owner: the test's main thread: the scratch directory and a path in it. */
static char dir[64];
static char path[128];

/* The whole content of file p, or NULL (caller frees). */
static char *
slurp(const char *p)
{
    FILE *f = fopen(p, "r");
    capture_t cap;
    int c;

    if (!f) {
        return NULL;
    }
    FILE *out = capture_begin(&cap);
    while ((c = getc(f)) != EOF) {
        putc(c, out);
    }
    fclose(f);
    return capture_end(&cap);
}

/* Entries in the scratch directory besides . and .. */
static int
entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

/* What ts_report_json writes for the sample model (caller frees). */
static char *
sample_json(const ts_model_t *m)
{
    return report_of(ts_report_json, m, NULL);
}

static void
test_format_names(void)
{
    CHECK(ts_output_format_from_name("json") == TS_OUTPUT_JSON);
    CHECK(ts_output_format_from_name("text") == TS_OUTPUT_TEXT);
    CHECK(ts_output_format_from_name("html") == TS_OUTPUT_HTML);
    CHECK(ts_output_format_from_name("xml") == -1);
    CHECK(ts_output_format_from_name("") == -1);
}

static void
test_model_as_json_and_text(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m), *got;
    capture_t cap;

    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    got = slurp(path);
    CHECK(got && strcmp(got, want) == 0);
    CHECK(entries() == 1); /* no temporary file left */
    free(got);

    /* text replaces the file, and is the report drawn from the JSON */
    CHECK(ts_output_write_model(path, TS_OUTPUT_TEXT, m, NULL, NULL, &err) == 0);
    got = slurp(path);
    CHECK(ts_report_render(want, strlen(want), TS_REPORT_FORMAT_TEXT, NULL, NULL,
                           capture_begin(&cap), NULL, 0) == 0);
    capture_end(&cap);
    CHECK(got && cap.buf && strcmp(got, cap.buf) == 0);
    CHECK(has(got, "triscope: prog.py"));
    CHECK(entries() == 1);
    free(got);
    free(cap.buf);
    free(want);
    unlink(path);
    ts_model_free(m);
}

static void
test_profile_as_html(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *json = sample_json(m), *got;

    CHECK(ts_output_write_profile(path, TS_OUTPUT_HTML, json, strlen(json), NULL, &assets,
                                  &err) == 0);
    got = slurp(path);
    CHECK(got && has(got, "<style>body{}</style>") && has(got, "\"program\":\"prog.py\""));
    CHECK(entries() == 1);
    free(got);
    free(json);
    unlink(path);
    ts_model_free(m);
}

static void
test_to_stdout(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m), *got;
    int saved, fd;

    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(saved >= 0 && fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    CHECK(ts_output_write_model(NULL, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    got = slurp(path);
    CHECK(got && strcmp(got, want) == 0);
    free(got);
    free(want);
    unlink(path);
    ts_model_free(m);
}

static void
test_not_a_profile(void)
{
    static const char *const bad[] = {"{\"files\": 3}", "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ts_error_t err = {0};
        CHECK(ts_output_write_profile(path, TS_OUTPUT_TEXT, bad[i], strlen(bad[i]), NULL, NULL,
                                      &err) == -1);
        CHECK(err.kind == TS_ERR_FORMAT && err.sys_errno == EINVAL);
        CHECK(strncmp(err.message, "not ", 4) == 0);
        CHECK(entries() == 0); /* nothing written, the temporary file removed */
    }
}

static void
test_bad_assets(void)
{
    static const ts_html_assets_t broken = {"no placeholders", "", ""};
    ts_model_t *m = sample_model();
    ts_error_t err = {0};

    CHECK(ts_output_write_model(path, TS_OUTPUT_HTML, m, NULL, &broken, &err) == -1);
    CHECK(err.kind == TS_ERR_FORMAT && err.sys_errno == EINVAL);
    CHECK(strcmp(err.message, "cannot write the report") == 0);
    CHECK(entries() == 0);
    ts_model_free(m);
}

static void
test_unwritable(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char missing[192];

    snprintf(missing, sizeof missing, "%s/no/such/dir/out.json", dir);
    CHECK(ts_output_write_model(missing, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == ENOENT);
    CHECK(ts_output_write_profile(missing, TS_OUTPUT_TEXT, "{}", 2, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == ENOENT);
    /* a directory in the way of the rename */
    CHECK(mkdir(path, 0700) == 0);
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno != 0);
    rmdir(path);
    CHECK(entries() == 0);
    ts_model_free(m);
}

int
main(void)
{
    snprintf(dir, sizeof dir, "/tmp/ts_output_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/out.json", dir);
    RUN(test_format_names);
    RUN(test_model_as_json_and_text);
    RUN(test_profile_as_html);
    RUN(test_to_stdout);
    RUN(test_not_a_profile);
    RUN(test_bad_assets);
    RUN(test_unwritable);
    rmdir(dir);
    return CHECK_SUMMARY();
}

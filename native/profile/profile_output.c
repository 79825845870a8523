/* profile_output.c -- see profile_output.h: the output path's choice (a
 * temporary file next to the destination, or a duplicate of standard
 * output), the temporary file renamed into place, and the failure of any
 * step as one ts_error_t. */
#include "profile_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Longest one-line reason a profile that cannot be drawn gets. */
#define REASON_SIZE 512

/* Format names, indexed by ts_output_format_t.  Owner: immutable; read by
 * ts_output_format_from_name. */
static const char *const format_names[TS_OUTPUT_FORMAT_COUNT] = {
#define TS_OUTPUT_NAME(format, name) name,
    TS_OUTPUT_FORMATS(TS_OUTPUT_NAME)
#undef TS_OUTPUT_NAME
};

int
ts_output_format_from_name(const char *name)
{
    for (int i = 0; i < TS_OUTPUT_FORMAT_COUNT; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* Opens the destination: a temporary file next to `path` (renamed into
 * place once complete), or a duplicate of standard output.  Returns NULL
 * with errno set. */
static FILE *
open_output(const char *path, char **tmp_path)
{
    *tmp_path = NULL;
    if (!path) {
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f && fd >= 0)
            close(fd);
        return f;
    }
    size_t n = strlen(path) + 32;
    *tmp_path = malloc(n);
    if (!*tmp_path)
        return NULL;
    snprintf(*tmp_path, n, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(*tmp_path, "w");
    if (!f) {
        free(*tmp_path);
        *tmp_path = NULL;
    }
    return f;
}

/* Writes one report to path (atomically) or stdout.  json_model: write the
 * model as JSON; otherwise render the JSON profile json[0..len) as text or
 * HTML.  Returns 0; or -1 with errno (EINVAL: not a profile, the reason in
 * why). */
static int
write_output(const char *path, ts_output_format_t format, const ts_model_t *json_model,
             const char *json, size_t len, const ts_report_opts_t *opts,
             const ts_html_assets_t *assets, char *why, size_t why_size)
{
    char *tmp = NULL;
    FILE *out;
    int rc, saved_errno;

    out = open_output(path, &tmp);
    if (!out) {
        rc = -1;
    }
    else if (json_model) {
        rc = ts_report_json(json_model, opts, out);
    }
    else {
        rc = ts_report_render(json, len,
                              format == TS_OUTPUT_TEXT ? TS_REPORT_FORMAT_TEXT
                                                       : TS_REPORT_FORMAT_HTML,
                              opts, assets, out, why, why_size);
    }
    saved_errno = errno;
    if (out && fclose(out) != 0 && rc == 0) {
        rc = -1;
        saved_errno = errno;
    }
    if (rc == 0 && tmp && rename(tmp, path) != 0) {
        rc = -1;
        saved_errno = errno;
    }
    if (rc != 0 && tmp)
        unlink(tmp);
    free(tmp);
    errno = saved_errno ? saved_errno : EIO;
    return rc;
}

/* The failure of write_output (errno, why) as *err; returns -1. */
static int
output_error(ts_error_t *err, int sys_errno, const char *why)
{
    if (sys_errno == EINVAL && why[0]) {
        return ts_error_set(err, TS_ERR_FORMAT, sys_errno, "%s", why);
    }
    return ts_error_set(err, sys_errno == ENOMEM ? TS_ERR_NOMEM : TS_ERR_OS, sys_errno, "%s",
                        why[0] ? why : strerror(sys_errno));
}

int
ts_output_write_model(const char *path, ts_output_format_t format, const ts_model_t *m,
                      const ts_report_opts_t *o, const ts_html_assets_t *assets,
                      ts_error_t *err)
{
    char why[REASON_SIZE] = "";
    char *json = NULL;
    size_t len = 0;
    int rc, saved_errno;

    if (format == TS_OUTPUT_JSON) {
        rc = write_output(path, format, m, NULL, 0, o, NULL, why, sizeof why);
        return rc == 0 ? 0 : output_error(err, errno, why);
    }
    /* the JSON profile, in memory, as --json would write it */
    FILE *mem = open_memstream(&json, &len);
    rc = mem ? ts_report_json(m, o, mem) : -1;
    if (mem && fclose(mem) != 0)
        rc = -1;
    if (rc == 0)
        rc = write_output(path, format, NULL, json, len, o, assets, why, sizeof why);
    saved_errno = errno;
    free(json);
    return rc == 0 ? 0 : output_error(err, saved_errno, why);
}

int
ts_output_write_profile(const char *path, ts_output_format_t format, const char *json,
                        size_t len, const ts_report_opts_t *o,
                        const ts_html_assets_t *assets, ts_error_t *err)
{
    char why[REASON_SIZE] = "";

    if (write_output(path, format, NULL, json, len, o, assets, why, sizeof why) != 0) {
        return output_error(err, errno, why);
    }
    return 0;
}

/* profile_output.h -- a report written to its destination: the report
 * formats by name, and the writing of a model or a saved JSON profile as
 * one of them to a path (atomically: a temporary file next to it, renamed
 * into place once complete, so a reader never sees half a profile) or to
 * standard output.
 *
 * Pure C: no Python, no global state.  The functions return 0, or -1 with
 * *err filled (ts_error.h): TS_ERR_FORMAT when the profile could not be
 * drawn (not a profile, or the writer refused its input: sys_errno EINVAL,
 * the message the one-line reason), else TS_ERR_NOMEM or TS_ERR_OS with
 * sys_errno the errno of what failed (opening, writing, renaming).  They
 * may run without the GIL.  Not async-signal-safe.
 */
#ifndef TRISCOPE_PROFILE_OUTPUT_H
#define TRISCOPE_PROFILE_OUTPUT_H

#include <stddef.h>

#include "profile_model.h"
#include "report.h"
#include "ts_error.h"

/* X(format, name): every report format, by the name the binding takes. */
#define TS_OUTPUT_FORMATS(X)    \
    X(TS_OUTPUT_JSON, "json")   \
    X(TS_OUTPUT_TEXT, "text")   \
    X(TS_OUTPUT_HTML, "html")

typedef enum ts_output_format {
#define TS_OUTPUT_ENUM(format, name) format,
    TS_OUTPUT_FORMATS(TS_OUTPUT_ENUM)
#undef TS_OUTPUT_ENUM
    TS_OUTPUT_FORMAT_COUNT
} ts_output_format_t;

/* The format called name ("json", "text", "html"), or -1. */
int ts_output_format_from_name(const char *name);

/* Writes m (finished) to path, or to standard output when path is NULL: as
 * JSON (TS_OUTPUT_JSON), or as the text or HTML report drawn from its JSON
 * written to memory first, exactly as `triscope view` draws that JSON
 * (ts_report_render).  assets: needed for HTML only.  Returns 0 or -1. */
int ts_output_write_model(const char *path, ts_output_format_t format, const ts_model_t *m,
                          const ts_report_opts_t *o, const ts_html_assets_t *assets,
                          ts_error_t *err);

/* Draws the JSON profile json[0..len) as the text (TS_OUTPUT_TEXT) or HTML
 * (any other format) report to path or standard output.  A profile that
 * cannot be read fails before anything is written (the temporary file is
 * removed).  Returns 0 or -1. */
int ts_output_write_profile(const char *path, ts_output_format_t format, const char *json,
                            size_t len, const ts_report_opts_t *o,
                            const ts_html_assets_t *assets, ts_error_t *err);

#endif

/* bindings_common.h -- helpers for the Python binding files (module.c,
 * binding_report.c, binding_merge.c): argument and error conversion only.
 * It owns what the report bindings share: the report arguments (format,
 * HTML assets, options) read into one record, and a model written through
 * the profile layer (profile_output.h) with its failure raised. */
#ifndef TRISCOPE_BINDINGS_COMMON_H
#define TRISCOPE_BINDINGS_COMMON_H

#include <Python.h>

#include "profile_model.h"
#include "profile_output.h"
#include "report.h"
#include "ts_error.h"

/* Converts a sequence of str to a NULL-terminated array of borrowed UTF-8
 * pointers, valid while *keep lives (the caller releases *keep and frees the
 * array).  Returns NULL with an exception set. */
const char **ts_string_array(PyObject *seq, PyObject **keep);

/* Raises OSError(err, message): the subclass errno err selects
 * (FileNotFoundError for ENOENT...), message its one-line strerror. */
void ts_raise_oserror(int err, const char *message);

/* What every report function takes: the format, the HTML assets (borrowed
 * from the assets argument) and the options. */
typedef struct ts_report_args {
    ts_output_format_t format;
    ts_html_assets_t assets;
    ts_report_opts_t opts;
} ts_report_args_t;

/* Fills *r from the parsed arguments: format "json", "text" or "html"
 * (ValueError otherwise), assets_obj a (page, css, js) tuple of str or None
 * (TypeError otherwise; "html" refuses None with ValueError), and the
 * options as given (ts_report_opts_resolve normalises them later).
 * Returns 0, or -1 with an exception set. */
int ts_report_args(const char *format, PyObject *assets_obj, int reduced, double threshold,
                   int color, int width, double malloc_threshold, ts_report_args_t *r);

/* Raises the exception for a failed report write (profile_output.h):
 * TS_ERR_FORMAT (a profile that cannot be drawn) as bad_profile --
 * PyExc_ValueError for a user's file, PyExc_OSError (errno EINVAL) for the
 * run's own JSON; anything else as OSError from its errno, naming path
 * ("<stdout>" when NULL). */
void ts_raise_output_error(const ts_error_t *err, const char *path, PyObject *bad_profile);

/* Writes m (finished) to path (atomically) or stdout (path NULL) as r says,
 * with the GIL released while writing (ts_output_write_model).  Returns
 * None, or NULL with OSError set. */
PyObject *ts_write_model_py(const char *path, const ts_report_args_t *r, const ts_model_t *m);

#endif

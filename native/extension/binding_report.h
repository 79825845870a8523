/* binding_report.h -- the report functions of triscope._native, and the
 * pieces of them that binding_merge.c shares. */
#ifndef TRISCOPE_BINDING_REPORT_H
#define TRISCOPE_BINDING_REPORT_H

#include <Python.h>

#include "profile_model.h"
#include "report.h"

/* Longest one-line reason a bad profile gets. */
#define TS_REPORT_REASON_SIZE 512

/* NULL-terminated; added to the module by PyInit__native. */
extern PyMethodDef ts_report_methods[];

/* A report format argument ("json", "text", "html") to 0, 1, 2, with the
 * HTML assets from assets_obj (a (page, css, js) tuple of str, or None,
 * which "html" refuses).  Returns -1 with an exception set. */
int ts_report_format_arg(const char *format, PyObject *assets_obj, ts_html_assets_t *assets);

/* Writes m (finished) to path, atomically, or to stdout (path NULL): as
 * JSON (fmt 0), or as the text (1) or HTML (2) report drawn from its JSON,
 * exactly as `triscope view` would draw that JSON; the GIL is released
 * while writing.  Returns None, or NULL with OSError set. */
PyObject *ts_write_model_py(const char *path, int fmt, const ts_model_t *m,
                            const ts_report_opts_t *opts, const ts_html_assets_t *assets);

#endif

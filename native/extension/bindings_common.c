/* bindings_common.c -- argument and error helpers shared by the binding
 * files (see bindings_common.h). */
#include "bindings_common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Converts a sequence of str to a NULL-terminated array of borrowed UTF-8
 * pointers (valid while `seq` lives).  Returns NULL with an exception set. */
const char **
ts_string_array(PyObject *seq, PyObject **keep)
{
    *keep = PySequence_Fast(seq, "expected a sequence of str");
    if (!*keep)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(*keep);
    const char **out = calloc((size_t)n + 1, sizeof *out);
    if (!out) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(*keep, i));
        if (!out[i]) {
            free(out);
            return NULL;
        }
    }
    return out;
}

void
ts_raise_oserror(int err, const char *message)
{
    PyObject *e = PyObject_CallFunction(PyExc_OSError, "is", err, message);
    if (e) {
        PyErr_SetObject((PyObject *)Py_TYPE(e), e);
        Py_DECREF(e);
    }
}

/* The three HTML assets from a (page, css, js) tuple of str, or all NULL
 * when obj is None.  Returns 0, or -1 with an exception set. */
static int
parse_assets(PyObject *obj, ts_html_assets_t *a)
{
    memset(a, 0, sizeof *a);
    if (obj == Py_None) {
        return 0;
    }
    if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != 3) {
        PyErr_SetString(PyExc_TypeError, "html_assets must be a (page, css, js) tuple of str");
        return -1;
    }
    const char **dst[3] = {&a->page, &a->css, &a->js};
    for (int i = 0; i < 3; i++) {
        PyObject *item = PyTuple_GET_ITEM(obj, i);
        if (!PyUnicode_Check(item) || !(*dst[i] = PyUnicode_AsUTF8(item))) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "html_assets must be a (page, css, js) tuple of str");
            return -1;
        }
    }
    return 0;
}

int
ts_report_args(const char *format, PyObject *assets_obj, int reduced, double threshold,
               int color, int width, double malloc_threshold, ts_report_args_t *r)
{
    int fmt = ts_output_format_from_name(format);
    if (fmt < 0) {
        PyErr_Format(PyExc_ValueError, "unknown report format '%s'", format);
        return -1;
    }
    r->format = (ts_output_format_t)fmt;
    if (parse_assets(assets_obj, &r->assets) < 0)
        return -1;
    if (r->format == TS_OUTPUT_HTML && !r->assets.page) {
        PyErr_SetString(PyExc_ValueError, "the HTML report needs html_assets");
        return -1;
    }
    r->opts = (ts_report_opts_t){.reduced = reduced, .cpu_percent_threshold = threshold,
                                 .color = color, .width = width,
                                 .malloc_threshold_mb = malloc_threshold};
    return 0;
}

void
ts_raise_output_error(const ts_error_t *err, const char *path, PyObject *bad_profile)
{
    if (err->kind == TS_ERR_FORMAT) {
        if (bad_profile == PyExc_ValueError) {
            PyErr_SetString(PyExc_ValueError, err->message);
        }
        else {
            ts_raise_oserror(EINVAL, err->message);
        }
        return;
    }
    errno = err->sys_errno;
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path ? path : "<stdout>");
}

PyObject *
ts_write_model_py(const char *path, const ts_report_args_t *r, const ts_model_t *m)
{
    ts_error_t err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ts_output_write_model(path, r->format, m, &r->opts, &r->assets, &err);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        ts_raise_output_error(&err, path, PyExc_OSError);
        return NULL;
    }
    Py_RETURN_NONE;
}

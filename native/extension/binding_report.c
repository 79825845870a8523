/* binding_report.c -- the Python binding of the report writers: builds a
 * profile model from the engine's tables and writes it as JSON, text or
 * HTML (write_report), and re-renders a saved JSON profile (render_profile,
 * for `triscope view`).  Argument parsing and error conversion only.
 *
 * Text and HTML are always drawn from the JSON profile (report_render.c):
 * write_report first writes the JSON into memory, exactly as --json would
 * write it with the same options, and renders that; render_profile renders
 * the saved bytes.  So `triscope view` reproduces a run's report byte for
 * byte.  binding_merge.c writes a merged profile through the same path
 * (ts_write_model_py). */
#include "binding_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding_merge.h"
#include "bindings_common.h"
#include "engine.h"
#include "profile_model.h"
#include "report.h"

/* Opens the destination: a temporary file next to `path` (renamed into place
 * once complete, so a reader never sees half a profile), or a duplicate of
 * standard output. */
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
ts_report_format_arg(const char *format, PyObject *assets_obj, ts_html_assets_t *assets)
{
    static const char *const names[] = {"json", "text", "html"};
    int fmt = -1;
    for (int i = 0; i < 3 && fmt < 0; i++) {
        if (strcmp(format, names[i]) == 0)
            fmt = i;
    }
    if (fmt < 0) {
        PyErr_Format(PyExc_ValueError, "unknown report format '%s'", format);
        return -1;
    }
    if (parse_assets(assets_obj, assets) < 0)
        return -1;
    if (fmt == 2 && !assets->page) {
        PyErr_SetString(PyExc_ValueError, "the HTML report needs html_assets");
        return -1;
    }
    return fmt;
}

/* Writes one report to path (atomically) or stdout.  json_model: write the
 * model as JSON; otherwise render the JSON profile json[0..len) as text
 * (fmt 1) or HTML (fmt 2).  A profile that cannot be read fails before
 * anything is written (the temporary file is removed).  Runs without the
 * GIL.  Returns 0; or -1 with errno (EINVAL: not a profile, reason in why). */
static int
write_output(const char *path, int fmt, const ts_model_t *json_model, const char *json,
             size_t len, const ts_report_opts_t *opts, const ts_html_assets_t *assets,
             char *why, size_t why_size)
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
        rc = ts_report_render(json, len, fmt == 2 ? TS_REPORT_FORMAT_HTML : TS_REPORT_FORMAT_TEXT,
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

/* Writes m (finished) as fmt: JSON directly, text or HTML drawn from its
 * JSON written to memory.  Pure C (runs without the GIL).  Returns 0, or
 * -1 with errno (EINVAL: the reason in why). */
static int
write_model(const char *path, int fmt, const ts_model_t *m, const ts_report_opts_t *opts,
            const ts_html_assets_t *assets, char *why, size_t why_size)
{
    char *json = NULL;
    size_t len = 0;
    int rc, saved_errno;
    if (fmt == 0)
        return write_output(path, fmt, m, NULL, 0, opts, NULL, why, why_size);
    /* the JSON profile, in memory, as --json would write it */
    FILE *mem = open_memstream(&json, &len);
    rc = mem ? ts_report_json(m, opts, mem) : -1;
    if (mem && fclose(mem) != 0)
        rc = -1;
    if (rc == 0)
        rc = write_output(path, fmt, NULL, json, len, opts, assets, why, why_size);
    saved_errno = errno;
    free(json);
    errno = saved_errno;
    return rc;
}

/* Converts write_output's failure into an exception: an unreadable profile
 * is a ValueError for render_profile (the user's file) but an OSError for
 * write_report (the run's own JSON: a bug, which the runner reports like a
 * failed write). */
static void
raise_output_error(const char *path, const char *why, PyObject *bad_profile)
{
    if (errno == EINVAL && why[0]) {
        if (bad_profile == PyExc_ValueError) {
            PyErr_SetString(PyExc_ValueError, why);
        }
        else {
            ts_raise_oserror(EINVAL, why);
        }
        return;
    }
    PyErr_SetFromErrnoWithFilename(PyExc_OSError, path ? path : "<stdout>");
}

/* Restricts the report to the functions in `selection`, a list of (path,
 * first line, last line) tuples (the functions decorated with @profile);
 * None or an empty list selects everything.  Returns 0, or -1 with an
 * exception set. */
static int
apply_selection(ts_model_t *m, PyObject *selection)
{
    if (selection == Py_None)
        return 0;
    PyObject *seq = PySequence_Fast(selection, "selection must be a list of (path, first, last)");
    if (!seq)
        return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq); i++) {
        const char *path;
        int first, last;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "sii", &path, &first, &last)) {
            Py_DECREF(seq);
            return -1;
        }
        ts_model_select(m, path, first, last);
    }
    Py_DECREF(seq);
    return 0;
}

PyObject *
ts_write_model_py(const char *path, int fmt, const ts_model_t *m, const ts_report_opts_t *opts,
                  const ts_html_assets_t *assets)
{
    char why[TS_REPORT_REASON_SIZE] = "";
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = write_model(path, fmt, m, opts, assets, why, sizeof why);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        raise_output_error(path, why, PyExc_OSError);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
write_report_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"format", "path", "program", "entrypoint_dir", "args", "reduced",
                            "threshold", "color", "width", "cpu_only", "python_version",
                            "version", "ncpus", "html_assets", "malloc_threshold",
                            "merge_paths", "selection", NULL};
    const char *format, *path, *program, *entry_dir, *pyver, *version;
    PyObject *argv, *assets_obj = Py_None, *merge_paths = Py_None, *selection = Py_None;
    int reduced, color, width, cpu_only, ncpus;
    double threshold, malloc_threshold = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "szssOpdpipssi|OdOO", names, &format, &path,
                                     &program, &entry_dir, &argv, &reduced, &threshold, &color,
                                     &width, &cpu_only, &pyver, &version, &ncpus, &assets_obj,
                                     &malloc_threshold, &merge_paths, &selection))
        return NULL;
    ts_html_assets_t assets;
    int fmt = ts_report_format_arg(format, assets_obj, &assets);
    if (fmt < 0)
        return NULL;
    PyObject *keep = NULL, *result = NULL;
    const char **argv_c = ts_string_array(argv, &keep);
    ts_model_t *m = argv_c ? ts_model_new() : NULL;
    if (!m) {
        if (argv_c)
            PyErr_NoMemory();
        goto done;
    }
    size_t argc = 0;
    while (argv_c[argc])
        argc++;
    if (ts_model_set_string(&m->program, program) < 0
        || ts_model_set_string(&m->entrypoint_dir, entry_dir) < 0
        || ts_model_set_string(&m->python_version, pyver) < 0
        || ts_model_set_string(&m->triscope_version, version) < 0
        || ts_model_set_args(m, argv_c, argc) < 0 || ts_engine_build_model(m, NULL) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    m->cpu_only = cpu_only;
    m->ncpus = ncpus > 0 ? (unsigned)ncpus : 1;
    ts_report_opts_t opts = {.reduced = reduced, .cpu_percent_threshold = threshold,
                             .color = color, .width = width,
                             .malloc_threshold_mb = malloc_threshold};
    /* child profiles: one that cannot be read is skipped with a warning */
    if (merge_paths != Py_None && ts_merge_path_list(m, merge_paths, stderr) < 0)
        goto done;
    ts_model_finish(m);
    if (apply_selection(m, selection) < 0)
        goto done;
    result = ts_write_model_py(path, fmt, m, &opts, &assets);
done:
    ts_model_free(m);
    free(argv_c);
    Py_XDECREF(keep);
    return result;
}

static PyObject *
render_profile_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"data", "format", "path", "reduced", "threshold", "color", "width",
                            "html_assets", "malloc_threshold", NULL};
    Py_buffer data;
    const char *format, *path;
    int reduced, color, width;
    double threshold, malloc_threshold = 0;
    PyObject *assets_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*szpdpi|Od", names, &data, &format, &path,
                                     &reduced, &threshold, &color, &width, &assets_obj,
                                     &malloc_threshold))
        return NULL;
    PyObject *result = NULL;
    ts_html_assets_t assets;
    int fmt = ts_report_format_arg(format, assets_obj, &assets);
    if (fmt < 0)
        goto done;
    if (fmt == 0) {
        PyErr_SetString(PyExc_ValueError, "render_profile draws 'text' or 'html'");
        goto done;
    }
    ts_report_opts_t opts = {.reduced = reduced, .cpu_percent_threshold = threshold,
                             .color = color, .width = width,
                             .malloc_threshold_mb = malloc_threshold};
    char why[TS_REPORT_REASON_SIZE] = "";
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = write_output(path, fmt, NULL, data.buf, (size_t)data.len, &opts, &assets, why,
                      sizeof why);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        raise_output_error(path, why, PyExc_ValueError);
        goto done;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&data);
    return result;
}

PyMethodDef ts_report_methods[] = {
    {"write_report", (PyCFunction)(void (*)(void))write_report_py, METH_VARARGS | METH_KEYWORDS,
     "Write the profile as 'json', 'text' or 'html' to a path (atomically) or to stdout (path "
     "None); 'html' needs html_assets=(page, css, js).  merge_paths: JSON profiles (of child "
     "processes) merged in first; one that cannot be read is skipped with a warning."},
    {"render_profile", (PyCFunction)(void (*)(void))render_profile_py,
     METH_VARARGS | METH_KEYWORDS,
     "Draw a saved JSON profile (bytes) as 'text' or 'html' to a path or stdout; ValueError "
     "with a one-line reason if it is not a profile."},
    {NULL, NULL, 0, NULL},
};

/* binding_report.c -- the Python binding of the report writers: builds a
 * profile model from the engine's tables and writes it as JSON, text or
 * HTML (write_report), and re-renders a saved JSON profile (render_profile,
 * for `triscope view`).  Argument parsing and error conversion only: the
 * writing itself (the output path, the temporary file renamed into place)
 * is native/profile/profile_output.c.
 *
 * Text and HTML are always drawn from the JSON profile (report_render.c):
 * write_report first writes the JSON into memory, exactly as --json would
 * write it with the same options, and renders that; render_profile renders
 * the saved bytes.  So `triscope view` reproduces a run's report byte for
 * byte.  binding_merge.c writes a merged profile through the same path
 * (ts_write_model_py). */
#include "binding_report.h"

#include <stdio.h>
#include <stdlib.h>

#include "binding_merge.h"
#include "bindings_common.h"
#include "engine.h"
#include "profile_model.h"
#include "profile_output.h"
#include "report.h"

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
    ts_report_args_t report;
    if (ts_report_args(format, assets_obj, reduced, threshold, color, width, malloc_threshold,
                       &report) < 0)
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
    /* child profiles: one that cannot be read is skipped with a warning */
    if (merge_paths != Py_None && ts_merge_path_list(m, merge_paths, stderr) < 0)
        goto done;
    ts_model_finish(m);
    if (apply_selection(m, selection) < 0)
        goto done;
    result = ts_write_model_py(path, &report, m);
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
    ts_report_args_t report;
    if (ts_report_args(format, assets_obj, reduced, threshold, color, width, malloc_threshold,
                       &report) < 0)
        goto done;
    if (report.format == TS_OUTPUT_JSON) {
        PyErr_SetString(PyExc_ValueError, "render_profile draws 'text' or 'html'");
        goto done;
    }
    ts_error_t err = {0};
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ts_output_write_profile(path, report.format, data.buf, (size_t)data.len, &report.opts,
                                 &report.assets, &err);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        ts_raise_output_error(&err, path, PyExc_ValueError);
        goto done;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&data);
    return result;
}

/* Owner: immutable after load; read once by PyInit__native. */
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

/* binding_merge.c -- the Python binding of profile merging: merge_profiles
 * reads saved JSON profiles (native/profile/profile_load.c), merges them in
 * order into a blank model (profile_merge.c) and writes the result the way
 * write_report writes a run's profile, so a merged text or HTML report is
 * what `triscope view` draws from the merged JSON (ts_write_model_py,
 * bindings_common.h).  Argument parsing and error conversion only. */
#include "binding_merge.h"

#include <errno.h>
#include <stdlib.h>

#include "bindings_common.h"
#include "profile_load.h"
#include "report.h"

/* Longest one-line reason a profile that cannot be read gets. */
#define TS_MERGE_REASON_SIZE 512

int
ts_merge_path_list(ts_model_t *m, PyObject *paths, FILE *warn)
{
    PyObject *keep = NULL;
    const char **paths_c = ts_string_array(paths, &keep);
    char why[TS_MERGE_REASON_SIZE] = "";
    size_t n = 0;
    int rc, saved_errno;

    if (!paths_c)
        return -1;
    while (paths_c[n])
        n++;
    Py_BEGIN_ALLOW_THREADS
    rc = ts_model_merge_files(m, paths_c, n, warn, why, sizeof why);
    saved_errno = errno;
    Py_END_ALLOW_THREADS
    free(paths_c);
    Py_XDECREF(keep);
    if (rc == 0)
        return 0;
    if (saved_errno == ENOMEM) {
        PyErr_NoMemory();
    }
    else if (saved_errno == EINVAL) {
        PyErr_SetString(PyExc_ValueError, why);
    }
    else {
        ts_raise_oserror(saved_errno, why);
    }
    return -1;
}

/* Merges paths into m (the first file that cannot be read fails the call),
 * finishes m and writes it as r says.  Returns None, or NULL with an
 * exception set. */
static PyObject *
merge_and_write(ts_model_t *m, PyObject *paths, const char *path, const ts_report_args_t *r)
{
    if (ts_merge_path_list(m, paths, NULL) < 0)
        return NULL;
    ts_model_finish(m);
    return ts_write_model_py(path, r, m);
}

static PyObject *
merge_profiles_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"paths", "outfile", "format", "reduced", "threshold", "color",
                            "width", "html_assets", "malloc_threshold", NULL};
    PyObject *paths, *assets_obj = Py_None, *result;
    const char *outfile = NULL, *format = "json";
    int reduced = 0, color = 0, width = 0;
    double threshold = TS_REPORT_DEFAULT_THRESHOLD, malloc_threshold = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|zspdpiOd", names, &paths, &outfile, &format,
                                     &reduced, &threshold, &color, &width, &assets_obj,
                                     &malloc_threshold))
        return NULL;
    ts_report_args_t report;
    if (ts_report_args(format, assets_obj, reduced, threshold, color, width, malloc_threshold,
                       &report) < 0)
        return NULL;
    Py_ssize_t count = PySequence_Size(paths);
    if (count <= 0) {
        if (count == 0)
            PyErr_SetString(PyExc_ValueError, "no profiles to merge");
        return NULL;
    }
    ts_model_t *m = ts_model_new();
    if (!m)
        return PyErr_NoMemory();
    result = merge_and_write(m, paths, outfile, &report);
    ts_model_free(m);
    return result;
}

/* Owner: immutable after load; read once by PyInit__native. */
PyMethodDef ts_merge_methods[] = {
    {"merge_profiles", (PyCFunction)(void (*)(void))merge_profiles_py,
     METH_VARARGS | METH_KEYWORDS,
     "Merge saved JSON profiles (a list of paths, in order) and write the result as 'json' "
     "(default), 'text' or 'html' to outfile (atomically) or stdout (None).  A file that "
     "cannot be read: OSError; not a profile: ValueError; each with one line naming it."},
    {NULL, NULL, 0, NULL},
};

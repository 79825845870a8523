/* binding_report.c -- the Python binding of the report writers: builds a
 * profile model from the engine's tables and writes it as JSON or text.
 * Argument parsing and error conversion only. */
#include "binding_report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static PyObject *
write_report_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"format", "path", "program", "entrypoint_dir", "args", "reduced",
                            "threshold", "color", "width", "cpu_only", "python_version",
                            "version", "ncpus", NULL};
    const char *format, *path, *program, *entry_dir, *pyver, *version;
    PyObject *argv;
    int reduced, color, width, cpu_only, ncpus;
    double threshold;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "szssOpdpipssi", names, &format, &path, &program,
                                     &entry_dir, &argv, &reduced, &threshold, &color, &width,
                                     &cpu_only, &pyver, &version, &ncpus))
        return NULL;
    int json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        PyErr_Format(PyExc_ValueError, "unknown report format '%s'", format);
        return NULL;
    }
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
        || ts_model_set_args(m, argv_c, argc) < 0 || ts_engine_build_model(m) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    m->cpu_only = cpu_only;
    m->ncpus = ncpus > 0 ? (unsigned)ncpus : 1;
    ts_model_finish(m);
    ts_report_opts_t opts = {.reduced = reduced, .cpu_percent_threshold = threshold,
                             .color = color, .width = width};
    char *tmp = NULL;
    FILE *out;
    int rc, saved_errno;
    Py_BEGIN_ALLOW_THREADS
    out = open_output(path, &tmp);
    rc = out ? (json ? ts_report_json(m, &opts, out) : ts_report_text(m, &opts, out)) : -1;
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
    Py_END_ALLOW_THREADS
    free(tmp);
    if (rc != 0) {
        errno = saved_errno ? saved_errno : EIO;
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, path ? path : "<stdout>");
        goto done;
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    ts_model_free(m);
    free(argv_c);
    Py_XDECREF(keep);
    return result;
}

PyMethodDef ts_report_methods[] = {
    {"write_report", (PyCFunction)(void (*)(void))write_report_py, METH_VARARGS | METH_KEYWORDS,
     "Write the profile as 'json' or 'text' to a path (atomically) or to stdout (path None)."},
    {NULL, NULL, 0, NULL},
};

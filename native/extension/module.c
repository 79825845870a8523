/* module.c -- the triscope._native binding: argument parsing and error
 * conversion only.  The work is done in engine.c (sampling), aggregate.c
 * (statistics) and native/common/report_*.c (writers). */
#include <Python.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drain_thread.h"
#include "engine.h"
#include "profile_model.h"
#include "pycompat/pycompat.h"
#include "report.h"
#include "sampler.h"

/* Converts a sequence of str to a NULL-terminated array of borrowed UTF-8
 * pointers (valid while `seq` lives).  Returns NULL with an exception set. */
static const char **
string_array(PyObject *seq, PyObject **keep)
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

static PyObject *
configure_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *names[] = {"interval", "virtual_time", "root", "profile_all", "only",
                            "exclude", "library_dirs", "never_dirs", "call_opcodes",
                            "signo", NULL};
    double interval;
    int virtual_time, profile_all, signo = 0;
    const char *root, *only, *exclude;
    PyObject *library, *never;
    Py_buffer opcodes;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dpspzzOOy*|i", names, &interval, &virtual_time,
                                     &root, &profile_all, &only, &exclude, &library, &never,
                                     &opcodes, &signo))
        return NULL;
    PyObject *keep_lib = NULL, *keep_never = NULL, *result = NULL;
    const char **lib = NULL, **nev = NULL;
    if (!(interval >= 0.0001 && interval <= 10.0)) {
        PyErr_SetString(PyExc_ValueError, "sampling interval must be between 0.0001 and 10 seconds");
        goto done;
    }
    if (!(lib = string_array(library, &keep_lib)) || !(nev = string_array(never, &keep_never)))
        goto done;
    ts_engine_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.interval_ns = (uint64_t)(interval * 1e9);
    cfg.virtual_time = virtual_time;
    cfg.signo = signo;
    if (ts_filter_init(&cfg.filter, root, profile_all, only, exclude, lib, nev) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    ts_sampler_set_call_opcodes(opcodes.buf, (int)opcodes.len);
    if (ts_engine_configure(&cfg) < 0)
        goto done;
    Py_INCREF(Py_None);
    result = Py_None;
done:
    free(lib);
    free(nev);
    Py_XDECREF(keep_lib);
    Py_XDECREF(keep_never);
    PyBuffer_Release(&opcodes);
    return result;
}

static PyObject *
start_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    if (ts_engine_start() < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
stop_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_stop();
    Py_RETURN_NONE;
}

static PyObject *
running_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    return PyBool_FromLong(ts_engine_running());
}

static PyObject *
counters_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_counters_t c = ts_engine_counters();
    return Py_BuildValue("{s:K,s:K,s:K,s:d}", "n_samples", (unsigned long long)c.n_samples,
                         "n_dropped", (unsigned long long)c.n_dropped, "n_threads",
                         (unsigned long long)c.n_threads, "elapsed_s", c.elapsed_s);
}

static PyObject *
unsupported_reason_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    const char *why = ts_py_unsupported_reason();
    if (!why)
        Py_RETURN_NONE;
    return PyUnicode_FromString(why);
}

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
    const char **argv_c = string_array(argv, &keep);
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

static PyObject *
watch_sigterm_py(PyObject *self, PyObject *callback)
{
    (void)self;
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return NULL;
    }
    if (ts_drain_watch_sigterm(callback) < 0)
        return PyErr_SetFromErrno(PyExc_OSError);
    Py_RETURN_NONE;
}

static PyObject *
unwatch_sigterm_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_drain_unwatch_sigterm();
    Py_RETURN_NONE;
}

static PyObject *
before_fork_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_before_fork();
    Py_RETURN_NONE;
}

static PyObject *
after_fork_parent_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_after_fork_parent();
    Py_RETURN_NONE;
}

static PyObject *
after_fork_child_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_after_fork_child();
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure_py, METH_VARARGS | METH_KEYWORDS,
     "Set the sampling interval, time mode and file filter (while stopped)."},
    {"start", start_py, METH_NOARGS, "Start sampling every Python thread."},
    {"stop", stop_py, METH_NOARGS, "Stop sampling and drain every sample."},
    {"running", running_py, METH_NOARGS, "True while sampling."},
    {"counters", counters_py, METH_NOARGS, "Sample counts and elapsed time so far."},
    {"unsupported_reason", unsupported_reason_py, METH_NOARGS,
     "Why this interpreter cannot be profiled, or None."},
    {"write_report", (PyCFunction)(void (*)(void))write_report_py, METH_VARARGS | METH_KEYWORDS,
     "Write the profile as 'json' or 'text' to a path (atomically) or to stdout (path None)."},
    {"watch_sigterm", watch_sigterm_py, METH_O,
     "On SIGTERM (if it has its default action), call callback, then die by SIGTERM."},
    {"unwatch_sigterm", unwatch_sigterm_py, METH_NOARGS, "Undo watch_sigterm."},
    {"before_fork", before_fork_py, METH_NOARGS, "os.register_at_fork(before=...)."},
    {"after_fork_parent", after_fork_parent_py, METH_NOARGS, "os.register_at_fork(after_in_parent=...)."},
    {"after_fork_child", after_fork_child_py, METH_NOARGS, "os.register_at_fork(after_in_child=...)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "triscope._native", "triscope's C sampling engine.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    return PyModule_Create(&module);
}

/* module.c -- the triscope._native binding: owns the module object and the
 * engine's Python functions (configure, start, stop, pause, the control
 * channel, SIGTERM and fork hooks); the report and merge functions are
 * binding_report.c's and binding_merge.c's.  Argument parsing and error
 * conversion only: the work is done in engine.c (the session),
 * aggregate.c (statistics) and native/profile/report_*.c (writers).  The
 * engine's errors (ts_error_t) become Python exceptions here, in
 * raise_error(). */
#include <Python.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binding_merge.h"
#include "binding_report.h"
#include "bindings_common.h"
#include "drain_thread.h"
#include "engine.h"
#include "mem_hooks.h"
#include "profile_model.h"
#include "pycompat/pycompat.h"
#include "report.h"
#include "sampler.h"
#include "session_control.h"
#include "ts_error.h"

/* Raises the Python exception for an engine error, by kind:
 *   TS_ERR_STATE    RuntimeError("triscope: <message>")
 *   TS_ERR_INVALID  ValueError(<message>)
 *   TS_ERR_FORMAT   ValueError(<message>)
 *   TS_ERR_NOMEM    MemoryError
 *   TS_ERR_OS       OSError from the error's errno (its strerror text)
 * Returns NULL, for `return raise_error(&err);`. */
static PyObject *
raise_error(const ts_error_t *err)
{
    switch (err->kind) {
    case TS_ERR_NOMEM:
        return PyErr_NoMemory();
    case TS_ERR_OS:
        errno = err->sys_errno;
        return PyErr_SetFromErrno(PyExc_OSError);
    case TS_ERR_INVALID:
    case TS_ERR_FORMAT:
        PyErr_SetString(PyExc_ValueError, err->message);
        return NULL;
    case TS_ERR_STATE:
    case TS_ERR_NONE:
        break;
    }
    PyErr_Format(PyExc_RuntimeError, "triscope: %s", err->message);
    return NULL;
}

static PyObject *
configure_py(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    /* The sampling rates have no default here: src/triscope/options.py is
     * their one source. */
    static char *names[] = {"interval", "virtual_time", "root", "profile_all", "only",
                            "exclude", "library_dirs", "never_dirs", "call_opcodes",
                            "alloc_sample_bytes", "copy_sample_bytes", "signo", "memory",
                            "gpu", NULL};
    double interval;
    int virtual_time, profile_all, signo = 0, memory = 0, gpu = 0;
    unsigned long long alloc_bytes, copy_bytes;
    const char *root, *only, *exclude;
    PyObject *library, *never;
    Py_buffer opcodes;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "dpspzzOOy*KK|ipp", names, &interval,
                                     &virtual_time, &root, &profile_all, &only, &exclude,
                                     &library, &never, &opcodes, &alloc_bytes, &copy_bytes,
                                     &signo, &memory, &gpu))
        return NULL;
    PyObject *keep_lib = NULL, *keep_never = NULL, *result = NULL;
    const char **lib = NULL, **nev = NULL;
    if (!(interval >= 0.0001 && interval <= 10.0)) {
        PyErr_SetString(PyExc_ValueError, "sampling interval must be between 0.0001 and 10 seconds");
        goto done;
    }
    if (!(lib = ts_string_array(library, &keep_lib)) || !(nev = ts_string_array(never, &keep_never)))
        goto done;
    ts_engine_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.interval_ns = (uint64_t)(interval * 1e9);
    cfg.virtual_time = virtual_time;
    cfg.signo = signo;
    cfg.memory = memory;
    cfg.gpu = gpu;
    cfg.alloc_sample_bytes = alloc_bytes > 0 ? alloc_bytes : 1;
    cfg.copy_sample_bytes = copy_bytes > 0 ? copy_bytes : 1;
    if (ts_filter_init(&cfg.filter, root, profile_all, only, exclude, lib, nev) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    ts_sampler_set_call_opcodes(opcodes.buf, (int)opcodes.len);
    ts_error_t err = {0};
    if (ts_engine_configure(&cfg, &err) < 0) {
        raise_error(&err);
        goto done;
    }
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
    ts_error_t err = {0};
    if (ts_engine_start(&err) < 0)
        return raise_error(&err);
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
memory_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    return PyBool_FromLong(ts_engine_memory());
}

static PyObject *
preload_present_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    return PyBool_FromLong(ts_mem_available());
}

/* attach_memory / attach_threads: the library at path, patched in for
 * everything or for pthread_create only. */
static PyObject *
attach_preload(PyObject *arg, int only_threads)
{
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(arg, &bytes))
        return NULL;
    const char *why = ts_mem_attach(PyBytes_AS_STRING(bytes), only_threads);
    Py_DECREF(bytes);
    if (why == NULL)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(why);
}

static PyObject *
attach_memory_py(PyObject *self, PyObject *arg)
{
    (void)self;
    return attach_preload(arg, 0);
}

static PyObject *
attach_threads_py(PyObject *self, PyObject *arg)
{
    (void)self;
    return attach_preload(arg, 1);
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

static PyObject *
watch_sigterm_py(PyObject *self, PyObject *callback)
{
    (void)self;
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "callback must be callable");
        return NULL;
    }
    ts_error_t err = {0};
    if (ts_drain_watch_sigterm(callback, &err) < 0)
        return raise_error(&err);
    Py_RETURN_NONE;
}

static PyObject *
unwatch_sigterm_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_drain_release_sigterm();
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

static PyObject *
resume_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_error_t err = {0};
    if (ts_engine_resume(&err) < 0)
        return raise_error(&err);
    Py_RETURN_NONE;
}

static PyObject *
pause_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_pause();
    Py_RETURN_NONE;
}

static PyObject *
unpause_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    ts_engine_unpause();
    Py_RETURN_NONE;
}

static PyObject *
paused_py(PyObject *self, PyObject *unused)
{
    (void)self, (void)unused;
    return PyBool_FromLong(ts_engine_paused());
}

static PyObject *
watch_control_py(PyObject *self, PyObject *path)
{
    (void)self;
    const char *p = NULL;
    if (path != Py_None && !(p = PyUnicode_AsUTF8(path)))
        return NULL;
    ts_error_t err = {0};
    if (ts_control_watch_file(p, &err) < 0)
        return raise_error(&err);
    Py_RETURN_NONE;
}

static PyObject *
set_periodic_py(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *callback;
    double seconds = 0;
    if (!PyArg_ParseTuple(args, "O|d", &callback, &seconds))
        return NULL;
    ts_error_t err = {0};
    if (ts_control_set_periodic(callback, seconds, &err) < 0)
        return raise_error(&err);
    Py_RETURN_NONE;
}

/* Owner: immutable (read by the interpreter). */
static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))configure_py, METH_VARARGS | METH_KEYWORDS,
     "Set the sampling interval, time mode and file filter (while stopped)."},
    {"start", start_py, METH_NOARGS, "Start sampling every Python thread."},
    {"stop", stop_py, METH_NOARGS, "Stop sampling and drain every sample."},
    {"resume", resume_py, METH_NOARGS, "Start again after stop(), keeping the statistics."},
    {"pause", pause_py, METH_NOARGS, "Suspend sampling in place (the session stays)."},
    {"unpause", unpause_py, METH_NOARGS, "Undo pause()."},
    {"paused", paused_py, METH_NOARGS, "True while running but paused."},
    {"watch_control", watch_control_py, METH_O,
     "Pause/unpause when the file's content becomes off/on (None: stop watching)."},
    {"set_periodic", set_periodic_py, METH_VARARGS,
     "Call callback every `seconds` from the drain thread (None: stop)."},
    {"running", running_py, METH_NOARGS, "True while sampling."},
    {"memory", memory_py, METH_NOARGS, "True if memory profiling is running."},
    {"preload_present", preload_present_py, METH_NOARGS,
     "True if the preload library is loaded in this process."},
    {"attach_threads", attach_threads_py, METH_O,
     "attach_threads(path): load the preload library at path into this process "
     "for thread registration only (pthread_create; no memory profiling).  "
     "Returns None on success, else a string saying why not."},
    {"attach_memory", attach_memory_py, METH_O,
     "attach_memory(path): load the preload library at path into this process "
     "and patch every loaded object to call it; None on success, else why not."},
    {"counters", counters_py, METH_NOARGS, "Sample counts and elapsed time so far."},
    {"unsupported_reason", unsupported_reason_py, METH_NOARGS,
     "Why this interpreter cannot be profiled, or None."},
    {"watch_sigterm", watch_sigterm_py, METH_O,
     "On SIGTERM (if it has its default action), call callback, then die by SIGTERM."},
    {"unwatch_sigterm", unwatch_sigterm_py, METH_NOARGS, "Undo watch_sigterm; a SIGTERM that arrived since stop() ends the process now."},
    {"before_fork", before_fork_py, METH_NOARGS, "os.register_at_fork(before=...)."},
    {"after_fork_parent", after_fork_parent_py, METH_NOARGS, "os.register_at_fork(after_in_parent=...)."},
    {"after_fork_child", after_fork_child_py, METH_NOARGS, "os.register_at_fork(after_in_child=...)."},
    {NULL, NULL, 0, NULL},
};

/* Owner: the interpreter (module creation). */
static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "triscope._native", "triscope's C sampling engine.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m && (PyModule_AddFunctions(m, ts_report_methods) < 0
              || PyModule_AddFunctions(m, ts_merge_methods) < 0))
        Py_CLEAR(m);
    return m;
}

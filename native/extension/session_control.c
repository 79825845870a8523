/* session_control.c -- the control file and the periodic profile (see
 * session_control.h).  Owns the watched path, the content last applied and
 * the periodic callback. */
#include "session_control.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

/* How often the control file is read: a request takes effect within this. */
#define CONTROL_POLL_NS 50000000ULL

/* Owner: the GIL holder (the binding sets them, the drain thread serves them). */
static char *control_path;         /* malloc'd, or NULL */
static char control_seen[8];       /* content last applied ("on", "off", "") */
static uint64_t control_next_ns;   /* CLOCK_MONOTONIC of the next read */
static PyObject *periodic_cb;      /* strong reference, or NULL */
static uint64_t periodic_ns;       /* period */
static uint64_t periodic_next_ns;  /* CLOCK_MONOTONIC of the next call */

/* The file's first word ("on"/"off"), or "" if it cannot be read. */
static void
read_control(char out[8])
{
    out[0] = 0;
    int fd = open(control_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, 7);
    close(fd);
    if (n < 0)
        n = 0;
    out[n] = 0;
    out[strcspn(out, " \t\r\n")] = 0;
}

int
ts_control_watch_file(const char *path, ts_error_t *err)
{
    free(control_path);
    control_path = NULL;
    if (path == NULL)
        return 0;
    if (!(control_path = strdup(path)))
        return ts_error_set(err, TS_ERR_NOMEM, 0, "out of memory");
    read_control(control_seen);
    control_next_ns = 0;
    return 0;
}

int
ts_control_set_periodic(PyObject *callback, double seconds, ts_error_t *err)
{
    if (callback != Py_None && (!PyCallable_Check(callback) || !(seconds > 0)))
        return ts_error_set(err, TS_ERR_INVALID, 0, "a callable and a positive period are needed");
    Py_CLEAR(periodic_cb);
    if (callback == Py_None)
        return 0;
    Py_INCREF(callback);
    periodic_cb = callback;
    periodic_ns = (uint64_t)(seconds * 1e9);
    periodic_next_ns = ts_os_clock_ns(CLOCK_MONOTONIC) + periodic_ns;
    return 0;
}

static void
serve_control(uint64_t now, ts_control_switch_fn apply)
{
    if (!control_path || now < control_next_ns)
        return;
    control_next_ns = now + CONTROL_POLL_NS;
    char want[8];
    read_control(want);
    if (!want[0] || strcmp(want, control_seen) == 0)
        return;
    memcpy(control_seen, want, sizeof control_seen);
    if (strcmp(want, "off") == 0)
        apply(0);
    else if (strcmp(want, "on") == 0)
        apply(1);
}

static void
serve_periodic(uint64_t now)
{
    if (!periodic_cb || now < periodic_next_ns)
        return;
    periodic_next_ns = now + periodic_ns;
    PyObject *cb = periodic_cb;
    Py_INCREF(cb); /* the callback may replace itself */
    PyObject *r = PyObject_CallObject(cb, NULL);
    if (!r)
        PyErr_Clear(); /* the callback reports its own failures */
    Py_XDECREF(r);
    Py_DECREF(cb);
}

void
ts_control_tick(ts_control_switch_fn apply)
{
    uint64_t now = ts_os_clock_ns(CLOCK_MONOTONIC);
    serve_control(now, apply);
    serve_periodic(now);
}

void
ts_control_after_fork_child(void)
{
    free(control_path);
    control_path = NULL;
    control_seen[0] = 0;
    Py_CLEAR(periodic_cb);
}
